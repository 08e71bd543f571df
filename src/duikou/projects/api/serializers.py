"""Projects in the API: every fact an officer keys in; status and actual dates move only by transition."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings

from duikou.core.api.exceptions import validation_error
from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..choices import ProjectStatus
from ..models import Project
from ..plans.guard import IssuedPlanGuard
from ..plans.services import record_adjustment

# A change to an issued annual plan's project is an adjustment (计划调整): these say why and who approved it.
ADJUSTMENT_FIELDS = ("adjustment_reason", "adjustment_approver", "adjustment_reference")

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
    adjustment_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="调整原因: required when the change touches an issued annual plan",
    )
    adjustment_approver = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100, help_text="审批人（单位）"
    )
    adjustment_reference = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100, help_text="批准文号"
    )

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
            *ADJUSTMENT_FIELDS,
        ]
        read_only_fields = [*LIFECYCLE_FIELDS, "created", "last_updated"]

    def create(self, validated_data):
        self._adjustment = {name: validated_data.pop(name, "").strip() for name in ADJUSTMENT_FIELDS}
        return super().create(validated_data)

    def update(self, instance, validated_data):
        self._adjustment = {name: validated_data.pop(name, "").strip() for name in ADJUSTMENT_FIELDS}
        return super().update(instance, validated_data)

    def clean_and_save(self, instance):
        """Save, or — when the change touches an issued annual plan — record it as an adjustment with its
        reason and approver (`projects.plans.services.record_adjustment`); a plan under review refuses it."""
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise validation_error(error) from error
        before = Project.objects.filter(pk=instance.pk).first() if instance.pk else None
        impact = IssuedPlanGuard().impact(instance, before)
        refusal = impact.review_refusal()
        if refusal:
            raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [refusal]})
        if not impact.adjustments:
            instance.save()
            return instance
        given = self._adjustment
        if not given["adjustment_reason"] or not given["adjustment_approver"]:
            message = impact.adjustment_message()
            raise exceptions.ValidationError(
                {name: [message] for name in ("adjustment_reason", "adjustment_approver") if not given[name]}
            )
        try:
            record_adjustment(
                instance,
                acting_user=self.context["request"].user,
                reason=given["adjustment_reason"],
                approved_by=given["adjustment_approver"],
                approval_reference=given["adjustment_reference"],
            )
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return instance


class TransitionSerializer(serializers.Serializer):
    """One step through the lifecycle (储备 → 计划 → 批复 → 在建 → 完工 → 验收 → 移交, or 取消 / 调整)."""

    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    effective_on = serializers.DateField(required=False, help_text="default: today")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
