from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin

from .models import Indicator, Measurement


@admin.register(Indicator)
class IndicatorAdmin(ChangeLoggedAdmin):
    list_display = ("code", "name", "unit", "aggregation", "programme")
    search_fields = ("code", "name")


@admin.register(Measurement)
class MeasurementAdmin(ChangeLoggedAdmin):
    list_display = ("indicator", "value", "project", "division", "supporter", "period_start", "period_end")
    list_filter = ("indicator",)
    search_fields = ("project__code", "division__name")
    raw_id_fields = ("project",)
    autocomplete_fields = ("division", "supporter")
    list_select_related = ("indicator", "project", "division", "supporter")
