"""Annual plans in the admin: read only. Plans move through their services (projects.plans.services), so the
admin shows them and their history but changes nothing (a change there would skip the review and the
version snapshot)."""

from django.contrib import admin

from duikou.core.admin import ReadOnlyAdmin

from .models import AnnualPlan, PlanAdjustment, PlanReview, PlanVersion


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ("year", "supporter", "programme", "state", "version", "issued_on")
    list_filter = ("state", "year", "programme")
    search_fields = ("supporter__name", "document_reference")
    list_select_related = ("supporter", "programme")


@admin.register(PlanReview)
class PlanReviewAdmin(ReadOnlyAdmin):
    list_display = ("plan", "action", "acted_by", "acted_at")
    list_filter = ("action",)
    list_select_related = ("plan__supporter", "plan__programme", "acted_by")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "cause", "project_count", "aid_amount", "frozen_at")
    list_select_related = ("plan__supporter", "plan__programme")


@admin.register(PlanAdjustment)
class PlanAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("plan", "project", "kind", "approved_by", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    list_select_related = ("plan__supporter", "plan__programme", "project", "recorded_by")
