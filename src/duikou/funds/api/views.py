"""The ledger endpoints: read, post, reverse. Never update, never delete (405)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from duikou.core.api.exceptions import validation_error
from duikou.core.api.views import ReadOnlyModelViewSet

from ..filtersets import LedgerEntryFilterSet
from ..models import LedgerEntry
from ..services import ZERO, confirm_arrival, dispute_arrival, reverse_entry
from .serializers import (
    ArrivalConfirmationSerializer,
    ConfirmArrivalSerializer,
    DisputeArrivalSerializer,
    LedgerEntrySerializer,
    ReverseEntrySerializer,
)


class LedgerEntryViewSet(mixins.CreateModelMixin, ReadOnlyModelViewSet):
    """Fund ledger entries · 资金分录: append-only. POST posts one (`post_entry`); a mistake is corrected by
    `POST …/{id}/reverse/`; PUT, PATCH and DELETE are refused (405)."""

    queryset = LedgerEntry.objects.select_related(
        "supporter", "division", "project", "reversal", "confirmation"
    ).order_by(
        "-value_date",
        "-pk",  # the registry's order, funds_value_date_idx read backwards
    )
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerEntryFilterSet
    # The services check the change permission when an answer is changed (confirm after a dispute).
    action_permissions = {
        "reverse": ["funds.add_ledgerentry"],
        "confirm": ["funds.add_arrivalconfirmation"],
        "dispute": ["funds.add_arrivalconfirmation"],
    }

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method in ("PUT", "PATCH", "DELETE"):
            raise exceptions.MethodNotAllowed(
                request.method, detail=_("资金分录只能新增，不能修改或删除；更正请录入冲正分录。")
            )
        return super().http_method_not_allowed(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.save()  # post_entry is one transaction

    @extend_schema(request=ReverseEntrySerializer, responses={201: LedgerEntrySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Post the reversing entry of this one (冲正). An entry is reversed at most once."""
        entry = self.get_object()
        serializer = ReverseEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            reversal = reverse_entry(entry, acting_user=request.user, **serializer.validated_data)
        except ValidationError as error:
            raise validation_error(error, rename={"note": "reason"}) from error
        reversal = self.get_queryset().get(pk=reversal.pk)
        return Response(self.get_serializer(reversal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConfirmArrivalSerializer, responses={200: ArrivalConfirmationSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The recipient confirms this arrival (到位) in full (对账)."""
        entry = self.get_object()
        serializer = ConfirmArrivalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            confirmation = confirm_arrival(entry, acting_user=request.user, **serializer.validated_data)
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(ArrivalConfirmationSerializer(confirmation).data)

    @extend_schema(request=DisputeArrivalSerializer, responses={200: ArrivalConfirmationSerializer})
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """The recipient disputes this arrival (到位), with a reason and what did arrive (对账)."""
        entry = self.get_object()
        serializer = DisputeArrivalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            confirmation = dispute_arrival(
                entry,
                acting_user=request.user,
                reason=data["reason"],
                amount_received=data.get("amount_received", ZERO),
            )
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(ArrivalConfirmationSerializer(confirmation).data)
