"""Projects in the API: every fact an officer keys in; status and actual dates move only by transition."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from duikou.core.api.exceptions import Conflict, validation_error
from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer
from duikou.core.scoping import restrict

from ..choices import ProjectStatus
from ..duplicates import CHECKED_FIELDS, duplicate_finder
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
    confirm_duplicates = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="我已核对，仍要保存: save although likely duplicates exist; without it, such a write "
        "is a 409 listing them (docs/api.md)",
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
            "confirm_duplicates",
        ]
        read_only_fields = [*LIFECYCLE_FIELDS, "created", "last_updated"]

    def create(self, validated_data):
        self._adjustment = {name: validated_data.pop(name, "").strip() for name in ADJUSTMENT_FIELDS}
        self._confirm_duplicates = validated_data.pop("confirm_duplicates", False)
        return super().create(validated_data)

    def update(self, instance, validated_data):
        self._adjustment = {name: validated_data.pop(name, "").strip() for name in ADJUSTMENT_FIELDS}
        self._confirm_duplicates = validated_data.pop("confirm_duplicates", False)
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
        self.check_duplicates(instance, before)
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

    def check_duplicates(self, instance, before) -> None:
        """A new project, or a change of its name, division or plan year, that looks like a saved one the
        user may see is refused with 409 listing them, unless the request says `"confirm_duplicates": true`
        (issue 6, item 3; the form's tick 我已核对，仍要保存)."""
        if self._confirm_duplicates:
            return
        attnames = [Project._meta.get_field(name).attname for name in CHECKED_FIELDS]
        if before is not None and all(
            getattr(before, attname) == getattr(instance, attname) for attname in attnames
        ):
            return
        user = self.context["request"].user
        found = duplicate_finder(projects=restrict(Project.objects.all(), user, "view")).find(instance)
        if not found:
            return
        messages = [
            _('本项目可能与下列已有项目重复；核对后确认不是重复，请加上 "confirm_duplicates": true 再提交。')
        ]
        messages += [duplicate.describe() for duplicate in found]
        raise LikelyDuplicates(
            [ErrorDetail(message, code="likely_duplicate") for message in messages],
            extra_data={
                "duplicates": [
                    duplicate.as_dict()
                    | {"url": reverse("api:project", args=[duplicate.pk], request=self.context["request"])}
                    for duplicate in found
                ]
            },
        )


class LikelyDuplicates(Conflict):
    """409: the project looks like saved ones (`duplicates`); resend with `"confirm_duplicates": true`."""

    default_code = "likely_duplicate"


class LikelyDuplicateSerializer(serializers.Serializer):
    """One saved project a write was refused for (409 `likely_duplicate`, docs/api.md)."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    code = serializers.CharField()
    name = serializers.CharField()
    supporter = serializers.CharField(help_text="支援方")
    plan_year = serializers.IntegerField()
    score = serializers.FloatField(help_text="相似度 0–1")
    kind = serializers.CharField(help_text="duplicate")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="依据, in the request's language"
    )


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField()


class LikelyDuplicatesErrorSerializer(serializers.Serializer):
    """The 409 of a project write that looks like saved projects: the one error format plus `duplicates`."""

    errors = ErrorItemSerializer(many=True)
    duplicates = LikelyDuplicateSerializer(many=True, required=False, help_text="only with likely_duplicate")


class TransitionSerializer(serializers.Serializer):
    """One step through the lifecycle (储备 → 计划 → 批复 → 在建 → 完工 → 验收 → 移交, or 取消 / 调整)."""

    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    effective_on = serializers.DateField(required=False, help_text="default: today")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
