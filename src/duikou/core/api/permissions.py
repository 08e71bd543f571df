"""API permissions: Django's model permissions, reads included.

Reads need `<app>.view_<model>` (DRF's DjangoModelPermissions lets any signed-in user read); writes
need `add_`, `change_` or `delete_`. A state change (a status move, a reversal, the end of a stint)
names its permission on the view (`action_permissions`), the same one the web page asks for. Issue 5
narrows querysets by the user's organization (scoping) on top of this.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from duikou.core.choices import TokenScope
from duikou.core.tokens import ApiToken

VIEW = ["%(app_label)s.view_%(model_name)s"]


class ModelPermissions(DjangoModelPermissions):
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": VIEW,
        "HEAD": VIEW,
        "OPTIONS": VIEW,
    }

    def has_permission(self, request, view):
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if required is not None:
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(required))
        return super().has_permission(request, view)


class TokenScopePermission(BasePermission):
    """A read-scope token makes only safe requests (GET, HEAD, OPTIONS), whatever its user may do."""

    message = _("此令牌只读，不能修改数据。")

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.scope != TokenScope.WRITE:
            return request.method in SAFE_METHODS
        return True
