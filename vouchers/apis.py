from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsFirmAdmin, IsProgrammeOfficer, role_required
from accounts.roles import FIRM_ROLES, STAFF_ROLES
from core.apis import BaseApi
from core.exceptions import NotFoundError
from core.idempotency import idempotent
from core.money import MAX_FEN, Category
from core.serializers import ReasonInput, SingleLineField, TextField
from programmes.selectors import programme_for_input
from vouchers import selectors, services
from vouchers.models import Voucher, VoucherApplication

IsFirmOrStaff = role_required(*(FIRM_ROLES | STAFF_ROLES))


class VoucherOutput(serializers.ModelSerializer[Voucher]):
    programme = serializers.CharField(source="programme.code")
    firm = serializers.UUIDField(source="firm_id")
    available_fen = serializers.SerializerMethodField()
    held_fen = serializers.SerializerMethodField()
    used_fen = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = [
            "id",
            "code",
            "programme",
            "category",
            "firm",
            "face_value_fen",
            "available_fen",
            "held_fen",
            "used_fen",
            "rate_bps",
            "valid_from",
            "valid_until",
            "status",
        ]

    def get_available_fen(self, voucher: Voucher) -> int:
        return int(selectors.voucher_figures(voucher)["available_fen"])

    def get_held_fen(self, voucher: Voucher) -> int:
        return int(selectors.voucher_figures(voucher)["held_fen"])

    def get_used_fen(self, voucher: Voucher) -> int:
        return int(selectors.voucher_figures(voucher)["used_fen"])

    def get_status(self, voucher: Voucher) -> str:
        return str(selectors.voucher_figures(voucher)["display_status"])


class ApplicationOutput(serializers.ModelSerializer[VoucherApplication]):
    programme = serializers.CharField(source="programme.code")
    firm = serializers.UUIDField(source="firm_id")
    voucher = serializers.SerializerMethodField()

    class Meta:
        model = VoucherApplication
        fields = [
            "id",
            "programme",
            "firm",
            "category",
            "requested_fen",
            "approved_fen",
            "justification",
            "status",
            "reason",
            "voucher",
            "created_at",
            "decided_at",
        ]

    @extend_schema_field(VoucherOutput(allow_null=True))
    def get_voucher(self, application: VoucherApplication) -> dict[str, Any] | None:
        voucher = getattr(application, "voucher", None)
        return dict(VoucherOutput(voucher).data) if voucher else None


class ApplicationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=VoucherApplication.Status.choices)
    programme = filters.CharFilter(field_name="programme__code")
    category = filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = VoucherApplication
        fields = ["status", "programme", "category"]


class VoucherApplicationsApi(BaseApi):
    """A firm admin applies for a voucher; a firm sees its own applications, staff all."""

    serializer_class = ApplicationOutput
    filterset_class = ApplicationFilter

    class InputSerializer(serializers.Serializer[Any]):
        programme = SingleLineField(max_length=32)
        category = serializers.ChoiceField(choices=Category.choices)
        requested_fen = serializers.IntegerField(min_value=1, max_value=MAX_FEN)
        justification = TextField(max_length=5000)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsFirmAdmin()]
        return [IsFirmOrStaff()]

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return VoucherApplication.objects.none()
        return selectors.voucher_applications_for(user=self.actor)

    @extend_schema(responses={200: ApplicationOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApplicationOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ApplicationOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        programme = programme_for_input(values.pop("programme"))
        application = services.voucher_application_submit(
            actor=self.actor, programme=programme, **values
        )
        application = selectors.voucher_applications_for(user=self.actor).get(pk=application.pk)
        return Response(ApplicationOutput(application).data, status=status.HTTP_201_CREATED)


class VoucherApplicationDetailApi(BaseApi):
    serializer_class = ApplicationOutput
    permission_classes = [IsFirmOrStaff]

    def get(self, request: Request, id: str) -> Response:
        application = _application_for(self.actor, id)
        return Response(ApplicationOutput(application).data)


def _application_for(user: Any, application_id: str) -> VoucherApplication:
    application = selectors.voucher_applications_for(user=user).filter(pk=application_id).first()
    if application is None:
        raise NotFoundError("No such voucher application.")
    return application


class VoucherApplicationApproveApi(BaseApi):
    """A programme officer approves, possibly for less than requested: the voucher's face
    value is committed from the pool, or 422 insufficient_budget."""

    permission_classes = [IsProgrammeOfficer]
    serializer_class = ApplicationOutput

    class InputSerializer(serializers.Serializer[Any]):
        approved_fen = serializers.IntegerField(
            min_value=1, max_value=MAX_FEN, required=False, allow_null=True
        )

    @extend_schema(request=InputSerializer, responses={200: ApplicationOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = _application_for(self.actor, id)
        services.voucher_issue(
            application=application,
            approved_fen=data.validated_data.get("approved_fen"),
            actor=self.actor,
        )
        return Response(ApplicationOutput(_application_for(self.actor, id)).data)


class VoucherApplicationRejectApi(BaseApi):
    permission_classes = [IsProgrammeOfficer]
    serializer_class = ApplicationOutput

    @extend_schema(request=ReasonInput, responses={200: ApplicationOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = _application_for(self.actor, id)
        services.voucher_application_reject(
            application=application, reason=data.validated_data["reason"], actor=self.actor
        )
        return Response(ApplicationOutput(_application_for(self.actor, id)).data)


class VoucherFilter(filters.FilterSet):
    programme = filters.CharFilter(field_name="programme__code")
    category = filters.ChoiceFilter(choices=Category.choices)
    # The status a voucher shows (`VoucherOutput.status`): `exhausted` is an active voucher with
    # nothing free, which `?status=active` must not list.
    status = filters.ChoiceFilter(
        choices=[(name, name) for name in ("active", "exhausted", "expired", "revoked")],
        method="filter_status",
    )

    class Meta:
        model = Voucher
        fields = ["programme", "category", "status"]

    def filter_status(self, queryset: QuerySet[Voucher], name: str, value: str) -> Any:
        if value not in ("active", "exhausted"):
            return queryset.filter(status=value)
        posted = F("account__credits_posted") - F("account__debits_posted")
        free = posted - F("account__debits_pending")
        active = queryset.filter(status=Voucher.Status.ACTIVE).alias(free_fen=free)
        if value == "active":
            return active.filter(free_fen__gt=0)
        return active.filter(free_fen__lte=0)


class VoucherListApi(BaseApi):
    serializer_class = VoucherOutput
    permission_classes = [IsFirmOrStaff]
    filterset_class = VoucherFilter

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Voucher.objects.none()
        return selectors.vouchers_for(user=self.actor)

    @extend_schema(operation_id="vouchers_list", responses={200: VoucherOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(VoucherOutput(page, many=True).data)


def _voucher_for(user: Any, voucher_id: str) -> Voucher:
    voucher = selectors.vouchers_for(user=user).filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFoundError("No such voucher.")
    return voucher


class VoucherDetailApi(BaseApi):
    serializer_class = VoucherOutput
    permission_classes = [IsFirmOrStaff]

    def get(self, request: Request, id: str) -> Response:
        return Response(VoucherOutput(_voucher_for(self.actor, id)).data)


class VoucherRevokeApi(BaseApi):
    """A programme officer revokes a voucher; its free balance returns to the pool."""

    permission_classes = [IsProgrammeOfficer]
    serializer_class = VoucherOutput

    @extend_schema(request=ReasonInput, responses={200: VoucherOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        voucher = _voucher_for(self.actor, id)
        services.voucher_revoke(
            voucher=voucher, reason=data.validated_data["reason"], actor=self.actor
        )
        return Response(VoucherOutput(_voucher_for(self.actor, id)).data)
