"""Pairings in the API (read only: reference data)."""

from rest_framework import serializers

from duikou.core.api.serializers import ModelSerializer

from ..models import Pairing


class PairingSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:pairing")
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "url",
            "programme",
            "supporter",
            "supporter_name",
            "division",
            "division_code",
            "division_name",
            "since",
            "until",
            "is_confirmed",
            "source",
            "description",
        ]
        read_only_fields = fields
