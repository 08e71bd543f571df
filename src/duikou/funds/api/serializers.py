"""Ledger entries in the API: posted through `funds.services.post_entry`, never changed afterwards."""

from django.core.exceptions import ValidationError
from rest_framework import serializers

from duikou.core.api.exceptions import validation_error
from duikou.core.api.serializers import ChoiceDisplayField, ModelSerializer

from ..models import LedgerEntry
from ..services import post_entry


class LedgerEntrySerializer(ModelSerializer):
    """One posting. With a project, programme, supporter and division default to the project's;
    `fiscal_year` defaults to the value date's year (as in `post_entry`)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:ledger_entry")
    kind_display = ChoiceDisplayField("kind")
    supporter_name = serializers.CharField(source="supporter.name", read_only=True)
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True, allow_null=True)
    reversed_by = serializers.SerializerMethodField(help_text="the id of the entry that reverses this one")
    confirmation_state = serializers.SerializerMethodField(
        help_text="arrivals (到位): the recipient's answer — confirmed, disputed, or null while pending"
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "url",
            "programme",
            "kind",
            "kind_display",
            "amount",
            "value_date",
            "fiscal_year",
            "supporter",
            "supporter_name",
            "division",
            "division_code",
            "division_name",
            "project",
            "project_code",
            "document_reference",
            "note",
            "reverses",
            "reversed_by",
            "confirmation_state",
            "import_batch",
            "created",
        ]
        read_only_fields = ["reverses", "import_batch", "created"]
        extra_kwargs = {
            "programme": {"required": False},
            "supporter": {"required": False},
            "division": {"required": False},
            "fiscal_year": {"required": False},
        }

    def get_reversed_by(self, entry) -> int | None:
        try:
            return entry.reversal.pk
        except LedgerEntry.reversal.RelatedObjectDoesNotExist:
            return None

    def get_confirmation_state(self, entry) -> str | None:
        try:
            return entry.confirmation.state
        except LedgerEntry.confirmation.RelatedObjectDoesNotExist:
            return None

    def create(self, validated_data):
        try:
            return post_entry(acting_user=self.context["request"].user, **validated_data)
        except ValidationError as error:
            raise validation_error(error) from error

    def update(self, instance, validated_data):
        raise NotImplementedError("ledger entries are never updated; post a reversing entry")


class ReverseEntrySerializer(serializers.Serializer):
    """The reversing entry: same kind, negated amount, with the reason in its note."""

    reason = serializers.CharField(max_length=400, help_text="冲正原因, kept in the reversal's note")
    value_date = serializers.DateField(required=False, help_text="default: today")


class ArrivalConfirmationSerializer(serializers.Serializer):
    """The recipient's answer to an arrival (对账)."""

    entry = serializers.IntegerField(source="entry_id", read_only=True)
    state = serializers.CharField(read_only=True)
    amount_received = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    reason = serializers.CharField(read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True)


class ConfirmArrivalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")


class DisputeArrivalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=400, help_text="异议原因")
    amount_received = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, help_text="yuan that did arrive; default 0"
    )
