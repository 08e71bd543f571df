from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Batch, Category, PolicyTarget, Programme


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "short_name",
        "counts_as_livelihood",
        "valid_from_year",
        "valid_to_year",
    )


@admin.register(Programme)
class ProgrammeAdmin(ChangeLoggedAdmin):
    list_display = ("code", "name", "short_name", "started")
    search_fields = ("code", "name")
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(ChangeLoggedAdmin):
    list_display = ("name", "programme", "code", "counts_as_livelihood", "order")
    list_filter = ("programme", "counts_as_livelihood")
    search_fields = ("name", "code")


@admin.register(PolicyTarget)
class PolicyTargetAdmin(ChangeLoggedAdmin):
    list_display = ("metric", "programme", "comparator", "threshold", "from_year", "to_year", "is_enabled")
    list_filter = ("programme", "metric", "is_enabled")


@admin.register(Batch)
class BatchAdmin(ChangeLoggedAdmin):
    list_display = ("name", "programme", "number", "starts", "ends")
    list_filter = ("programme",)
