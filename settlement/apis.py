from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.permissions import IsFinanceOfficer, IsStaff
from core.apis import BaseApi
from core.csv import csv_response
from core.exceptions import ValidationError
from core.idempotency import idempotent
from core.serializers import SingleLineField, TextField
from programmes.selectors import programme_for_input, programme_get
from settlement import reconciliation, selectors, services
from settlement.models import Clawback, Payout, PayoutBatch, ReconciliationException


class PayoutOutput(serializers.ModelSerializer[Payout]):
    provider = serializers.UUIDField(source="provider_id")

    class Meta:
        model = Payout
        fields = [
            "id",
            "provider",
            "amount_fen",
            "reference",
            "status",
            "held_reason",
            "sent_at",
            "paid_at",
            "returned_at",
        ]


class BatchOutput(serializers.ModelSerializer[PayoutBatch]):
    programme = serializers.CharField(source="programme.code")
    payouts = PayoutOutput(many=True, read_only=True)

    class Meta:
        model = PayoutBatch
        fields = [
            "id",
            "programme",
            "status",
            "cutoff_at",
            "total_fen",
            "prepared_by",
            "submitted_by",
            "approved_by",
            "prepared_at",
            "submitted_at",
            "approved_at",
            "created_at",
            "payouts",
        ]


class BatchFilter(filters.FilterSet):
    programme = filters.CharFilter(field_name="programme__code")
    status = filters.ChoiceFilter(choices=PayoutBatch.Status.choices)

    class Meta:
        model = PayoutBatch
        fields = ["programme", "status"]


class PayoutBatchesApi(BaseApi):
    """Finance officers open a batch (202): a Celery worker prepares it. Staff can read."""

    serializer_class = BatchOutput
    filterset_class = BatchFilter
    queryset = PayoutBatch.objects.none()

    class InputSerializer(serializers.Serializer[Any]):
        programme = SingleLineField(max_length=32)

    def get_permissions(self) -> list[Any]:
        return [IsFinanceOfficer()] if self.request.method == "POST" else [IsStaff()]

    @extend_schema(operation_id="payout_batches_list", responses={200: BatchOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.payout_batches()))
        return self.get_paginated_response(BatchOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={202: BatchOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = programme_for_input(data.validated_data["programme"])
        batch = services.payout_batch_request(programme=programme, actor=self.actor)
        return Response(
            BatchOutput(selectors.payout_batch_get(str(batch.pk))).data,
            status=status.HTTP_202_ACCEPTED,
        )


class PayoutBatchDetailApi(BaseApi):
    serializer_class = BatchOutput
    permission_classes = [IsStaff]

    def get(self, request: Request, id: str) -> Response:
        return Response(BatchOutput(selectors.payout_batch_get(id)).data)


class PayoutBatchSubmitApi(BaseApi):
    """The maker submits a draft batch."""

    serializer_class = BatchOutput
    permission_classes = [IsFinanceOfficer]

    @extend_schema(request=None, responses={200: BatchOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        services.payout_batch_submit(batch=selectors.payout_batch_get(id), actor=self.actor)
        return Response(BatchOutput(selectors.payout_batch_get(id)).data)


class PayoutBatchApproveApi(BaseApi):
    """A different finance officer approves (422 self_approval otherwise): payouts are sent."""

    serializer_class = BatchOutput
    permission_classes = [IsFinanceOfficer]

    @extend_schema(request=None, responses={200: BatchOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        services.payout_batch_approve(batch=selectors.payout_batch_get(id), actor=self.actor)
        return Response(BatchOutput(selectors.payout_batch_get(id)).data)


class PayoutBatchBankFileApi(BaseApi):
    """The bank payment file: reference,provider,account_name,account_number,bank_name,amount
    (yuan, 2 decimals)."""

    permission_classes = [IsFinanceOfficer]
    queryset = PayoutBatch.objects.none()

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, id: str) -> HttpResponse:
        batch = selectors.payout_batch_get(id)
        return csv_response(
            selectors.payout_rows_for_bank_file(batch), filename=f"payouts-{batch.pk}.csv"
        )


class StatementOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    lines = serializers.IntegerField()
    matched = serializers.IntegerField()
    exceptions = serializers.IntegerField()


class BankStatementsApi(BaseApi):
    """Upload a bank statement (CSV, UTF-8 with or without BOM) to reconcile payouts. The same
    file again answers 200 with the first import's figures and counts nothing twice."""

    permission_classes = [IsFinanceOfficer]
    parser_classes = [MultiPartParser]
    serializer_class = StatementOutput
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "statements"

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(max_length=255, allow_empty_file=False)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: StatementOutput, 200: StatementOutput},
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise ValidationError("The file is larger than 50 MB.", fields={"file": ["Too large."]})
        statement, created = reconciliation.statement_import(
            upload=upload, filename=upload.name or "", actor=self.actor
        )
        return Response(
            StatementOutput(statement).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ExceptionOutput(serializers.ModelSerializer[ReconciliationException]):
    line_number = serializers.IntegerField(source="line.line_number")
    reference = serializers.CharField(source="line.reference")
    amount_fen = serializers.IntegerField(source="line.amount_fen")
    statement = serializers.UUIDField(source="statement_id")

    class Meta:
        model = ReconciliationException
        fields = [
            "id",
            "statement",
            "line_number",
            "reference",
            "amount_fen",
            "kind",
            "message",
            "status",
            "note",
            "created_at",
            "resolved_at",
        ]


class ExceptionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReconciliationException.Status.choices)
    kind = filters.ChoiceFilter(choices=ReconciliationException.Kind.choices)

    class Meta:
        model = ReconciliationException
        fields = ["status", "kind"]


class ReconciliationExceptionsApi(BaseApi):
    serializer_class = ExceptionOutput
    filterset_class = ExceptionFilter
    permission_classes = [IsStaff]
    queryset = ReconciliationException.objects.none()

    @extend_schema(
        operation_id="reconciliation_exceptions_list", responses={200: ExceptionOutput(many=True)}
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.reconciliation_exceptions()
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(ExceptionOutput(page, many=True).data)


class ReconciliationExceptionResolveApi(BaseApi):
    serializer_class = ExceptionOutput
    permission_classes = [IsFinanceOfficer]

    class InputSerializer(serializers.Serializer[Any]):
        note = TextField(max_length=2000)

    @extend_schema(request=InputSerializer, responses={200: ExceptionOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exception = reconciliation.exception_resolve(
            exception=selectors.reconciliation_exception_get(id),
            note=data.validated_data["note"],
            actor=self.actor,
        )
        return Response(ExceptionOutput(selectors.reconciliation_exception_get(exception.pk)).data)


class ClawbackOutput(serializers.ModelSerializer[Clawback]):
    order = serializers.UUIDField(source="order_id")
    provider = serializers.UUIDField(source="provider_id")

    class Meta:
        model = Clawback
        fields = ["id", "order", "provider", "category", "amount_fen", "reason", "created_at"]


class ClawbacksApi(BaseApi):
    """A finance officer claws back a captured subsidy found ineligible."""

    serializer_class = ClawbackOutput
    queryset = Clawback.objects.none()

    class InputSerializer(serializers.Serializer[Any]):
        order = serializers.UUIDField()
        reason = TextField(max_length=2000)

    def get_permissions(self) -> list[Any]:
        return [IsFinanceOfficer()] if self.request.method == "POST" else [IsStaff()]

    @extend_schema(operation_id="clawbacks_list", responses={200: ClawbackOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.clawbacks())
        return self.get_paginated_response(ClawbackOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ClawbackOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clawback = services.clawback_create(
            order_id=data.validated_data["order"],
            reason=data.validated_data["reason"],
            actor=self.actor,
        )
        return Response(ClawbackOutput(clawback).data, status=status.HTTP_201_CREATED)


# --- the programme report ------------------------------------------------------------------


class ReportPoolOutput(serializers.Serializer[Any]):
    category = serializers.CharField()
    budget_fen = serializers.IntegerField()
    committed_fen = serializers.IntegerField()
    held_fen = serializers.IntegerField()
    captured_fen = serializers.IntegerField()
    sent_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    clawed_back_fen = serializers.IntegerField()
    available_fen = serializers.IntegerField()


class ReportProviderOutput(serializers.Serializer[Any]):
    provider = serializers.UUIDField()
    name = serializers.CharField()
    captured_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()


class CsvExportNegotiation(DefaultContentNegotiation):
    """`?format=csv` asks the view for its CSV export. DRF reads `format` as a renderer
    override and, having no CSV renderer, would answer 404; errors stay JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        renderers = list(renderers)
        if request.query_params.get("format") == "csv":
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class ProgrammeReportApi(BaseApi):
    """The programme's figures per pool and per provider, from the ledger. `?format=csv`
    returns the same as CSV."""

    permission_classes = [IsStaff]
    content_negotiation_class = CsvExportNegotiation

    class OutputSerializer(serializers.Serializer[Any]):
        programme = serializers.CharField()
        pools = ReportPoolOutput(many=True)
        providers = ReportProviderOutput(many=True)

    serializer_class = OutputSerializer

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], required=False)],
        responses={200: OutputSerializer, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, code: str) -> Response | HttpResponse:
        report = selectors.programme_report(programme=programme_get(code=code))
        if request.query_params.get("format") == "csv":
            rows: list[list[Any]] = [list(ReportPoolOutput().fields)]
            rows += [[pool[name] for name in rows[0]] for pool in report["pools"]]
            rows += [[], ["provider", "name", "captured_fen", "paid_fen"]]
            rows += [
                [p["provider"], p["name"], p["captured_fen"], p["paid_fen"]]
                for p in report["providers"]
            ]
            return csv_response(rows, filename=f"{code}-report.csv")
        return Response(self.OutputSerializer(report).data)
