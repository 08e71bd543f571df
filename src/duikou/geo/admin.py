from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Division, FormerCode


class FormerCodeInline(admin.TabularInline):
    model = FormerCode
    extra = 0
    fields = ("code", "name", "valid_to")


@admin.register(Division)
class DivisionAdmin(ChangeLoggedAdmin):
    list_display = ("code", "name", "level", "parent", "zone", "is_xpcc", "is_confirmed")
    list_filter = ("level", "zone", "is_xpcc", "is_confirmed")
    search_fields = ("code", "name", "short_name", "former_codes__code", "former_codes__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    inlines = [FormerCodeInline]


@admin.register(FormerCode)
class FormerCodeAdmin(ChangeLoggedAdmin):
    list_display = ("code", "name", "division", "valid_to")
    search_fields = ("code", "name", "division__name")
    autocomplete_fields = ("division",)
