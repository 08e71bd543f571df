"""Programmes and what each configures — categories, cadre batches — in the API (read only)."""

from duikou.core.api.serializers import ModelSerializer

from ..models import Batch, Category, Programme


class ProgrammeSerializer(ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "short_name", "started", "region", "description"]
        read_only_fields = fields


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "id",
            "programme",
            "code",
            "name",
            "short_name",
            "counts_as_livelihood",
            "order",
            "valid_from_year",
            "valid_to_year",
        ]
        read_only_fields = fields


class BatchSerializer(ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "programme", "number", "name", "starts", "ends"]
        read_only_fields = fields
