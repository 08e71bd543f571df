from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ChangeLoggedAdmin):
    list_display = ("name", "short_name", "kind", "parent", "home_division")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "aliases")
    autocomplete_fields = ("parent", "home_division")
    list_select_related = ("parent", "home_division")
