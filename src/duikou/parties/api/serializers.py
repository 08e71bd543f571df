"""Organizations in the API (read only: reference data)."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..models import Organization


class OrganizationSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organization")
    kind_display = ChoiceDisplayField("kind")
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "parent",
            "home_division",
            "aliases",
            "description",
        ]
        read_only_fields = fields
