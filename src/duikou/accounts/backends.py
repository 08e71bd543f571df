"""The authentication backend that grants a member the permissions of their role (roles.py).

It authenticates no one (`authenticate` is the base class's, which returns None): it only answers
`has_perm`, `has_module_perms` and `get_all_permissions` for users with a membership.
"""

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission

from .roles import role_grants


def _role(user_obj) -> str | None:
    if not user_obj.is_active or user_obj.is_anonymous:
        return None
    membership = getattr(user_obj, "membership", None)  # RelatedObjectDoesNotExist is an AttributeError
    return membership.role if membership is not None else None


class RoleBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        role = _role(user_obj)
        return role is not None and obj is None and role_grants(role, perm)

    def has_module_perms(self, user_obj, app_label):
        return any(name.startswith(f"{app_label}.") for name in self.get_all_permissions(user_obj))

    def get_all_permissions(self, user_obj, obj=None):
        role = _role(user_obj)
        if role is None or obj is not None:
            return set()
        if not hasattr(user_obj, "_duikou_role_perm_cache"):
            names = (
                f"{app_label}.{codename}"
                for app_label, codename in Permission.objects.values_list(
                    "content_type__app_label", "codename"
                )
            )
            user_obj._duikou_role_perm_cache = {name for name in names if role_grants(role, name)}
        return user_obj._duikou_role_perm_cache
