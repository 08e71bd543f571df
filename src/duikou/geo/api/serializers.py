"""Divisions in the API (read only: reference data, loaded by `duikou load-reference`)."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..choices import Zone
from ..models import Division


class DivisionSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:division")
    level_display = ChoiceDisplayField("level")
    # Declared: DRF drops `allow_blank` from read-only fields, and the region has no zone ("").
    zone = serializers.ChoiceField(choices=Zone.choices, allow_blank=True, read_only=True)
    zone_display = ChoiceDisplayField("zone")
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)

    class Meta:
        model = Division
        fields = [
            "id",
            "url",
            "code",
            "name",
            "short_name",
            "level",
            "level_display",
            "parent",
            "parent_code",
            "zone",
            "zone_display",
            "is_xpcc",
            "is_code_official",
            "is_confirmed",
            "valid_from",
            "valid_to",
            "source",
            "description",
        ]
        read_only_fields = fields
