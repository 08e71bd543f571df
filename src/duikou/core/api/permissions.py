"""API permissions: Django's model permissions, reads included.

Reads need `<app>.view_<model>` (DRF's DjangoModelPermissions lets any signed-in user read); writes
need `add_`, `change_` or `delete_`. A state change (a status move, a reversal, the end of a stint)
names its permission on the view (`action_permissions`), the same one the web page asks for. Issue 5
narrows querysets by the user's organization (scoping) on top of this.
"""

from rest_framework.permissions import DjangoModelPermissions

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
