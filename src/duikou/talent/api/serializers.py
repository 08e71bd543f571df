"""The roster in the API: a dispatched person's stint; it ends through `talent.services.end_assignment`."""

from rest_framework import serializers

from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..models import Assignment


class AssignmentSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:assignment")
    kind_display = ChoiceDisplayField("kind")
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    host_division_code = serializers.CharField(source="host_division.code", read_only=True)
    host_division_name = serializers.CharField(source="host_division.name", read_only=True)
    batch_name = serializers.CharField(source="batch.name", read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "url",
            "programme",
            "batch",
            "batch_name",
            "person_name",
            "kind",
            "kind_display",
            "sending_organization",
            "supporter",
            "supporter_name",
            "host_division",
            "host_division_code",
            "host_division_name",
            "host_unit",
            "post",
            "team",
            "start_date",
            "planned_end",
            "actual_end",
            "description",
            "comments",
            "created",
            "last_updated",
        ]
        # The day a person left is recorded by `POST …/{id}/end/` (end_assignment), as on the web.
        read_only_fields = ["actual_end", "created", "last_updated"]


class EndAssignmentSerializer(serializers.Serializer):
    actual_end = serializers.DateField(help_text="the last day in post · 实际离疆日期")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
