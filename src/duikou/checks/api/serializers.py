"""Findings and check rules in the API: read as the findings pages show them; a status change or a comment is
the page's own service (`checks.services.change_status`, `add_comment`)."""

from __future__ import annotations

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField

from ..models import CheckRule, Finding, FindingComment
from ..rules.choices import FindingStatus
from ..services import ALLOWED_MOVES


class CheckRuleSerializer(serializers.ModelSerializer):
    """One rule of a programme: its kind, parameters, scope, years, severity and source (read only: the
    coordination office configures rules in the admin)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:check_rule")
    kind_display = ChoiceDisplayField("kind")
    scope_display = ChoiceDisplayField("scope")
    severity_display = ChoiceDisplayField("severity")
    parameters = serializers.JSONField(
        read_only=True, help_text="threshold (a fraction), benchmark (MM-DD), months, days … by kind"
    )

    class Meta:
        model = CheckRule
        fields = [
            "id",
            "url",
            "programme",
            "code",
            "name",
            "kind",
            "kind_display",
            "parameters",
            "scope",
            "scope_display",
            "from_year",
            "to_year",
            "severity",
            "severity_display",
            "is_enabled",
            "source",
        ]
        read_only_fields = fields


class FindingCommentSerializer(serializers.ModelSerializer):
    """One entry of a finding's thread: a comment, a status change with its reason, or a run's note."""

    author = serializers.CharField(
        source="author.username", read_only=True, allow_null=True, help_text="null: written by a run"
    )
    from_status = serializers.CharField(read_only=True, help_text="a status change: the status before")
    to_status = serializers.CharField(read_only=True, help_text="a status change: the status after")

    class Meta:
        model = FindingComment
        fields = ["id", "author", "text", "from_status", "to_status", "created"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    """One finding: what a rule found on which subject and period, its value against the threshold, the
    rows behind the value (`rows_url`, the filtered web list) and its status."""

    url = serializers.HyperlinkedIdentityField(view_name="api:finding")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="the finding's page")
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    kind = serializers.CharField(source="rule.kind", read_only=True)
    subject_type = serializers.SerializerMethodField(help_text="`app.model` of the subject, or null")
    supporter_name = serializers.CharField(source="supporter.name", read_only=True, allow_null=True)
    division_code = serializers.CharField(source="division.code", read_only=True, allow_null=True)
    division_name = serializers.CharField(source="division.name", read_only=True, allow_null=True)
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True)
    other_project_code = serializers.CharField(source="other_project.code", read_only=True, allow_null=True)
    details = serializers.JSONField(read_only=True)
    severity_display = ChoiceDisplayField("severity")
    status_display = ChoiceDisplayField("status")
    unit_display = ChoiceDisplayField("unit")
    allowed_statuses = serializers.SerializerMethodField(
        help_text="the statuses `POST …/status/` may move the finding to now"
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "url",
            "web_url",
            "rule",
            "rule_code",
            "rule_name",
            "kind",
            "key",
            "subject_type",
            "subject_id",
            "subject_label",
            "supporter",
            "supporter_name",
            "division",
            "division_code",
            "division_name",
            "project",
            "project_code",
            "other_project",
            "other_project_code",
            "year",
            "period",
            "value",
            "threshold",
            "comparator",
            "unit",
            "unit_display",
            "message",
            "rows_url",
            "details",
            "severity",
            "severity_display",
            "status",
            "status_display",
            "allowed_statuses",
            "holds",
            "first_found",
            "closed_at",
            "last_updated",
        ]
        read_only_fields = fields

    def get_subject_type(self, finding) -> str | None:
        subject_type = finding.subject_type
        return f"{subject_type.app_label}.{subject_type.model}" if subject_type else None

    def get_allowed_statuses(self, finding) -> list[str]:
        return [str(status) for status in ALLOWED_MOVES.get(finding.status, ())]


class FindingDetailSerializer(FindingSerializer):
    """A finding with its thread, oldest first."""

    comments = FindingCommentSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "comments"]
        read_only_fields = fields


class FindingStatusSerializer(serializers.Serializer):
    """A status change with its reason (kept in the thread), as on the finding's page."""

    status = serializers.ChoiceField(
        choices=FindingStatus.choices,
        help_text="acknowledged, resolved or false_positive from open or acknowledged; open to reopen",
    )
    comment = serializers.CharField(max_length=2000, help_text="理由, required")


class FindingCommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="意见")
