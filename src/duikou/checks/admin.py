from django.contrib import admin

from duikou.core.admin import ReadOnlyAdmin

from .models import DuplicatePair


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ReadOnlyAdmin):
    """Read only: pairs come from scans, decisions from the review page (`duplicates.review.decide_pair`)."""

    list_display = ("project_a", "project_b", "division", "score", "kind", "decision", "decided_at")
    list_filter = ("kind", "decision")
    list_select_related = ("project_a", "project_b", "division")
    search_fields = ("project_a__code", "project_b__code", "project_a__name", "project_b__name")
