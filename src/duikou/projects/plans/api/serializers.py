"""Annual plans in the API: read, with their versions, review steps and adjustments; the review steps as
actions. Adjustments are made by changing the project (`PATCH /api/projects/{id}/` with
`adjustment_reason` and `adjustment_approver`)."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField

from ..models import AnnualPlan, PlanAdjustment, PlanReview, PlanVersion


class PlanVersionSerializer(serializers.ModelSerializer):
    cause_display = ChoiceDisplayField("cause")
    frozen_by = serializers.CharField(
        source="frozen_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "cause",
            "cause_display",
            "frozen_at",
            "frozen_by",
            "note",
            "project_count",
            "aid_amount",
            "total_investment",
        ]


class PlanReviewSerializer(serializers.ModelSerializer):
    action_display = ChoiceDisplayField("action")
    # Plain strings: the plan's `state` already names the PlanState enum in the schema (one name per set).
    from_state = serializers.CharField(
        read_only=True, help_text="a plan state: draft, submitted, returned, issued"
    )
    to_state = serializers.CharField(
        read_only=True, help_text="a plan state: draft, submitted, returned, issued"
    )
    acted_by = serializers.CharField(
        source="acted_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = PlanReview
        fields = [
            "id",
            "action",
            "action_display",
            "from_state",
            "to_state",
            "acted_at",
            "acted_by",
            "comment",
            "project_count",
            "aid_amount",
            "total_investment",
        ]


class PlanAdjustmentSerializer(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")
    project_code = serializers.CharField(source="project.code", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    recorded_by = serializers.CharField(
        source="recorded_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = PlanAdjustment
        fields = [
            "id",
            "project",
            "project_code",
            "kind",
            "kind_display",
            "changes",
            "reason",
            "approved_by",
            "approval_reference",
            "recorded_by",
            "recorded_at",
            "version_number",
        ]


class AnnualPlanSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:annual_plan")
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    state_display = ChoiceDisplayField("state")
    issued_by = serializers.CharField(
        source="issued_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "url",
            "programme",
            "programme_code",
            "supporter",
            "supporter_name",
            "year",
            "state",
            "state_display",
            "version",
            "issued_on",
            "issued_by",
            "document_reference",
            "description",
            "created",
            "last_updated",
        ]


class AnnualPlanDetailSerializer(AnnualPlanSerializer):
    versions = PlanVersionSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)
    adjustments = PlanAdjustmentSerializer(many=True, read_only=True)

    class Meta(AnnualPlanSerializer.Meta):
        fields = [*AnnualPlanSerializer.Meta.fields, "versions", "reviews", "adjustments"]


class SubmitPlanSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnPlanSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="退回意见")


class IssuePlanSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False, help_text="default: today")
    document_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
