from django.contrib import admin

from duikou.core.admin import ChangeLoggedAdmin, ReadOnlyAdmin

from .models import CheckRule, CheckRun, DuplicatePair, Finding


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ReadOnlyAdmin):
    """Read only: pairs come from scans, decisions from the review page (`duplicates.review.decide_pair`)."""

    list_display = ("project_a", "project_b", "division", "score", "kind", "decision", "decided_at")
    list_filter = ("kind", "decision")
    list_select_related = ("project_a", "project_b", "division")
    search_fields = ("project_a__code", "project_b__code", "project_a__name", "project_b__name")


@admin.register(CheckRule)
class CheckRuleAdmin(ChangeLoggedAdmin):
    """The check rules are configuration: thresholds, years, severity, enabled (clean() checks the kind's
    parameters and scopes)."""

    list_display = ("code", "name", "kind", "scope", "severity", "from_year", "to_year", "is_enabled")
    list_filter = ("programme", "kind", "scope", "severity", "is_enabled")
    search_fields = ("code", "name", "source")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    """Read only: findings come from runs of the checks, status changes from the finding's page."""

    list_display = ("rule", "subject_label", "year", "severity", "status", "holds", "first_found")
    list_filter = ("severity", "status", "holds", "rule")
    list_select_related = ("rule",)
    search_fields = ("subject_label", "message", "key")


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdmin):
    list_display = ("started", "finished", "trigger", "programme", "year", "as_of", "user")
    list_filter = ("trigger",)
