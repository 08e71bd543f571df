from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from duikou.core.admin import ChangeLoggedAdmin, money_column

from .models import Project, ProjectStatusChange


class ProjectStatusChangeInline(admin.TabularInline):
    """The status timeline; read-only because statuses move only through the projects service."""

    model = ProjectStatusChange
    extra = 0
    fields = ("effective_on", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ChangeLoggedAdmin):
    list_display = ("code", "name", "supporter", "division", "category", "plan_year", "status", "aid_wan")
    list_filter = (
        "programme",
        "plan_year",
        "status",
        "category",
        "implementation_level",
        "division__zone",
        "is_in_plan",
        "is_fixed_asset",
    )
    search_fields = ("code", "name", "document_reference")
    autocomplete_fields = ("supporter", "division")
    list_select_related = ("supporter", "division", "category")
    readonly_fields = (
        *ChangeLoggedAdmin.readonly_fields,
        "status",
        "actual_start",
        "actual_end",
        "accepted_on",
    )
    inlines = [ProjectStatusChangeInline]
    aid_wan = money_column("aid_amount", _("援助资金（万元）"))


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(ChangeLoggedAdmin):
    list_display = ("project", "from_status", "to_status", "effective_on", "changed_by")
    list_filter = ("to_status",)
    search_fields = ("project__code", "project__name")
    raw_id_fields = ("project",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The annual plans (projects/plans/) register theirs from their own module.
from .plans import admin as plans_admin  # noqa: E402, F401
