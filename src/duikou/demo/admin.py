from django.contrib import admin

from duikou.core.admin import ReadOnlyAdmin

from .models import PlantedAnomaly


@admin.register(PlantedAnomaly)
class PlantedAnomalyAdmin(ReadOnlyAdmin):
    list_display = ("kind", "project", "other_project", "supporter", "year")
    list_filter = ("kind", "year")
    raw_id_fields = ("project", "other_project")
