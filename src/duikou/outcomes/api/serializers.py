"""Outcome measurements in the API, and the indicators they measure (read only)."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..models import Indicator, Measurement


class IndicatorSerializer(ModelSerializer):
    aggregation_display = ChoiceDisplayField("aggregation")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "aggregation",
            "aggregation_display",
            "programme",
            "numerator",
            "denominator",
            "parent",
            "description",
        ]
        read_only_fields = fields


class MeasurementSerializer(ModelSerializer):
    """One value of an indicator for a project or a division, a supporter and a period. With a project,
    supporter and division default to the project's (the model checks that they agree)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:measurement")
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True)
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Measurement
        fields = [
            "id",
            "url",
            "indicator",
            "indicator_code",
            "unit",
            "project",
            "project_code",
            "supporter",
            "supporter_name",
            "division",
            "division_code",
            "division_name",
            "period_start",
            "period_end",
            "value",
            "import_batch",
            "description",
            "comments",
            "created",
            "last_updated",
        ]
        read_only_fields = ["import_batch", "created", "last_updated"]
        extra_kwargs = {"supporter": {"required": False}, "division": {"required": False}}

    def validate(self, attrs):
        project = attrs["project"] if "project" in attrs else getattr(self.instance, "project", None)
        if project is not None:
            for name in ("supporter", "division"):
                # Left out of a PATCH: the stored value stays; left out otherwise: the project's.
                if name not in attrs and not self.partial:
                    attrs[name] = getattr(project, name)
        return attrs
