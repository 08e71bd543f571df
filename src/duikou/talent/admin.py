from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Assignment


@admin.register(Assignment)
class AssignmentAdmin(ChangeLoggedAdmin):
    list_display = (
        "person_name",
        "kind",
        "supporter",
        "host_division",
        "host_unit",
        "start_date",
        "planned_end",
        "actual_end",
    )
    list_filter = ("programme", "kind", "batch")
    search_fields = ("person_name", "host_unit", "sending_organization", "team")
    autocomplete_fields = ("supporter", "host_division")
    list_select_related = ("supporter", "host_division")
