"""Projects in the API: every fact an officer keys in; status and actual dates move only by transition."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..choices import ProjectStatus
from ..models import Project

# Set by `transition_project` (the gate), never written directly (CONTRIBUTING.md, rules).
LIFECYCLE_FIELDS = ("status", "actual_start", "actual_end", "accepted_on")


class ProjectSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:project")
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_display = ChoiceDisplayField("status")

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "programme",
            "programme_code",
            "code",
            "name",
            "plan_year",
            "supporter",
            "supporter_name",
            "division",
            "division_code",
            "division_name",
            "implementation_level",
            "category",
            "category_name",
            "delivery_mode",
            "construction_type",
            "is_in_plan",
            "is_fixed_asset",
            "is_employment_oriented",
            "planned_start",
            "planned_end",
            *LIFECYCLE_FIELDS,
            "status_display",
            "total_investment",
            "aid_amount",
            "local_matching",
            "other_funding",
            "flagship",
            "document_reference",
            "latitude",
            "longitude",
            "description",
            "comments",
            "created",
            "last_updated",
        ]
        read_only_fields = [*LIFECYCLE_FIELDS, "created", "last_updated"]


class TransitionSerializer(serializers.Serializer):
    """One step through the lifecycle (储备 → 计划 → 批复 → 在建 → 完工 → 验收 → 移交, or 取消 / 调整)."""

    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    effective_on = serializers.DateField(required=False, help_text="default: today")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
