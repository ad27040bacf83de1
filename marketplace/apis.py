from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsFirm, IsProgrammeOfficer, IsProvider, role_required
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES
from core.apis import BaseApi
from core.exceptions import NotFoundError
from core.idempotency import idempotent
from core.money import MAX_FEN, Category
from core.serializers import (
    DecimalStringField,
    FieldsBuiltOnce,
    ReasonInput,
    SingleLineField,
    TextField,
)
from marketplace import selectors, services
from marketplace.models import QUANTITY_MAX, Delivery, Offering, Order, Unit
from programmes.selectors import programme_for_input
from providers import selectors as provider_selectors
from providers.serializers import AccreditationOutput

IsPartyOrStaff = role_required(*(FIRM_ROLES | PROVIDER_ROLES | STAFF_ROLES))


def _quantity() -> DecimalStringField:
    return DecimalStringField(
        max_digits=20,
        decimal_places=6,
        min_value=Decimal("0.000001"),
        max_value=QUANTITY_MAX,
        coerce_to_string=True,
    )


class OfferingOutput(serializers.ModelSerializer[Offering]):
    programme = serializers.CharField(source="programme.code")
    provider = serializers.UUIDField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")

    class Meta:
        model = Offering
        fields = [
            "id",
            "programme",
            "provider",
            "provider_name",
            "category",
            "name",
            "description",
            "unit",
            "unit_price_fen",
            "status",
            "created_at",
            "updated_at",
        ]


class OfferingFilter(filters.FilterSet):
    programme = filters.CharFilter(field_name="programme__code")
    category = filters.ChoiceFilter(choices=Category.choices)
    provider = filters.UUIDFilter(field_name="provider_id")
    status = filters.ChoiceFilter(choices=Offering.Status.choices)
    unit = filters.ChoiceFilter(choices=Unit.choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Offering
        fields = ["programme", "category", "provider", "status", "unit", "search"]


class OfferingsApi(BaseApi):
    """The catalogue, for every authenticated user; a provider lists an offering in a category
    it is accredited for (else 422 provider_not_accredited)."""

    serializer_class = OfferingOutput
    filterset_class = OfferingFilter

    class InputSerializer(serializers.Serializer[Any]):
        programme = SingleLineField(max_length=32)
        category = serializers.ChoiceField(choices=Category.choices)
        name = SingleLineField(max_length=200)
        unit = serializers.ChoiceField(choices=Unit.choices)
        unit_price_fen = serializers.IntegerField(min_value=1, max_value=MAX_FEN)
        description = TextField(max_length=5000, required=False, allow_blank=True)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsProvider()]
        return list(super().get_permissions())

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Offering.objects.none()
        return selectors.offerings_for(user=self.actor)

    @extend_schema(responses={200: OfferingOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OfferingOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OfferingOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        programme = programme_for_input(values.pop("programme"))
        offering = services.offering_create(actor=self.actor, programme=programme, **values)
        return Response(OfferingOutput(offering).data, status=status.HTTP_201_CREATED)


def _offering_for(user: Any, offering_id: str) -> Offering:
    offering = selectors.offerings_for(user=user).filter(pk=offering_id).first()
    if offering is None:
        raise NotFoundError("No such offering.")
    return offering


def _own_offering(user: Any, offering_id: str) -> Offering:
    offering = _offering_for(user, offering_id)
    if offering.provider_id != user.organisation_id:
        raise NotFoundError("No such offering.")
    return offering


class OfferingDetailApi(BaseApi):
    serializer_class = OfferingOutput

    class InputSerializer(serializers.Serializer[Any]):
        name = SingleLineField(max_length=200, required=False)
        description = TextField(max_length=5000, required=False, allow_blank=True)
        unit_price_fen = serializers.IntegerField(min_value=1, max_value=MAX_FEN, required=False)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "PATCH":
            return [IsProvider()]
        return list(super().get_permissions())

    def get(self, request: Request, id: str) -> Response:
        return Response(OfferingOutput(_offering_for(self.actor, id)).data)

    @extend_schema(request=InputSerializer, responses={200: OfferingOutput})
    def patch(self, request: Request, id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offering = services.offering_update(
            actor=self.actor, offering=_own_offering(self.actor, id), **data.validated_data
        )
        return Response(OfferingOutput(_offering_for(self.actor, str(offering.pk))).data)


class OfferingArchiveApi(BaseApi):
    permission_classes = [IsProvider]
    serializer_class = OfferingOutput

    @extend_schema(request=None, responses={200: OfferingOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        offering = services.offering_archive(
            actor=self.actor, offering=_own_offering(self.actor, id)
        )
        return Response(OfferingOutput(_offering_for(self.actor, str(offering.pk))).data)


class OrderOutput(FieldsBuiltOnce, serializers.ModelSerializer[Order]):
    """An order as every endpoint shows it; built once (`FieldsBuiltOnce`): the order hot
    path answers with it."""

    offering = serializers.UUIDField(source="offering_id")
    provider = serializers.UUIDField(source="provider_id")
    firm = serializers.UUIDField(source="firm_id")
    voucher = serializers.UUIDField(source="voucher_id", allow_null=True)
    programme = serializers.CharField(source="programme.code")
    quantity = _quantity()
    delivered_quantity = _quantity()

    class Meta:
        model = Order
        fields = [
            "id",
            "programme",
            "offering",
            "provider",
            "firm",
            "voucher",
            "category",
            "unit",
            "quantity",
            "unit_price_fen",
            "gross_fen",
            "subsidy_fen",
            "firm_pays_fen",
            "captured_subsidy_fen",
            "delivered_quantity",
            "status",
            "reason",
            "created_at",
            "accepted_at",
            "completed_at",
            "resolved_at",
        ]


class OrderFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Order.Status.choices)
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    category = filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = Order
        fields = ["status", "created_after", "created_before", "category"]


class OrdersApi(BaseApi):
    """A firm orders at the subsidised price; everyone sees the orders they are party to."""

    serializer_class = OrderOutput
    filterset_class = OrderFilter

    class InputSerializer(serializers.Serializer[Any]):
        offering = serializers.UUIDField()
        quantity = _quantity()
        voucher = serializers.UUIDField(required=False, allow_null=True)
        unit_price_fen = serializers.IntegerField(
            min_value=1,
            max_value=MAX_FEN,
            required=False,
            help_text="The price the client saw; 422 price_changed if it is no longer current.",
        )

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsFirm()]
        return [IsPartyOrStaff()]

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Order.objects.none()
        return selectors.orders_for(user=self.actor)

    @extend_schema(responses={200: OrderOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OrderOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OrderOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = services.order_place(
            actor=self.actor,
            offering_id=values["offering"],
            quantity=values["quantity"],
            voucher_id=values.get("voucher"),
            expected_unit_price_fen=values.get("unit_price_fen"),
        )
        return Response(OrderOutput(order).data, status=status.HTTP_201_CREATED)


def _order_for(user: Any, order_id: str) -> Order:
    order = selectors.orders_for(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFoundError("No such order.")
    return order


class OrderDetailApi(BaseApi):
    serializer_class = OrderOutput
    permission_classes = [IsPartyOrStaff]

    def get(self, request: Request, id: str) -> Response:
        return Response(OrderOutput(_order_for(self.actor, id)).data)


class _OrderActionApi(BaseApi):
    """An order action: checks the caller can see the order (else 404), then one service."""

    serializer_class = OrderOutput
    input_serializer: type[serializers.Serializer[Any]] | None = None

    def act(self, order_id: uuid.UUID, data: dict[str, Any]) -> Order:
        raise NotImplementedError

    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        order = _order_for(self.actor, id)
        return Response(OrderOutput(self.act(order.pk, data)).data)


def _action(service: Any, roles: Any, input_serializer: Any = None, **fixed: Any) -> type[BaseApi]:
    def act(self: _OrderActionApi, order_id: uuid.UUID, data: dict[str, Any]) -> Order:
        return service(actor=self.actor, order_id=order_id, **data, **fixed)  # type: ignore[no-any-return]

    # Each action's own `post`, so each documents its own body: `extend_schema` on the shared
    # `_OrderActionApi.post` gave every action the body of the last one defined.
    def post(self: _OrderActionApi, request: Request, id: str) -> Response:
        return _OrderActionApi.post(self, request, id)

    post.is_idempotent = True  # type: ignore[attr-defined]  # through _OrderActionApi.post

    name = "".join(part.title() for part in service.__name__.split("_")) + "Api"
    return type(
        name,
        (_OrderActionApi,),
        {
            "act": act,
            "post": extend_schema(request=input_serializer, responses={200: OrderOutput})(post),
            "permission_classes": [roles],
            "input_serializer": input_serializer,
            "__doc__": service.__doc__,
        },
    )


class DisputeResolveInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["confirm", "void"])


OrderAcceptApi = _action(services.order_accept, IsProvider)
OrderRejectApi = _action(services.order_reject, IsProvider, ReasonInput)
OrderCancelApi = _action(services.order_cancel, IsFirm)
OrderCompleteApi = _action(services.order_complete, IsProvider)
OrderConfirmApi = _action(services.order_confirm, IsFirm)
OrderDisputeApi = _action(services.order_dispute, IsFirm, ReasonInput)
OrderResolveApi = _action(services.order_resolve, IsProgrammeOfficer, DisputeResolveInput)


class DeliveryOutput(serializers.ModelSerializer[Delivery]):
    order = serializers.UUIDField(source="order_id")
    quantity = _quantity()

    class Meta:
        model = Delivery
        fields = ["id", "order", "quantity", "invoice_number", "created_at"]


class OrderDeliveriesApi(BaseApi):
    """The provider reports a delivery (GPU-hours, tokens, or a data set handed over) with the
    invoice (fapiao) number for the firm's share."""

    serializer_class = DeliveryOutput
    queryset = Delivery.objects.none()  # the deliveries come from the order, below

    class InputSerializer(serializers.Serializer[Any]):
        quantity = _quantity()
        invoice_number = serializers.RegexField(r"^[0-9A-Za-z-]{1,64}$", max_length=64)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsProvider()]
        return [IsPartyOrStaff()]

    @extend_schema(responses={200: DeliveryOutput(many=True)})
    def get(self, request: Request, id: str) -> Response:
        order = _order_for(self.actor, id)
        deliveries = Delivery.objects.filter(order=order)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliveryOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DeliveryOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _order_for(self.actor, id)
        delivery = services.delivery_report(
            actor=self.actor, order_id=order.pk, **data.validated_data
        )
        return Response(DeliveryOutput(delivery).data, status=status.HTTP_201_CREATED)


class AccreditationSuspendApi(BaseApi):
    """A programme officer suspends a provider in one category: its offerings there are
    archived; open orders keep their holds until they resolve."""

    permission_classes = [IsProgrammeOfficer]
    serializer_class = AccreditationOutput

    @extend_schema(request=ReasonInput, responses={200: AccreditationOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        accreditation = provider_selectors.accreditations_for(user=self.actor).filter(pk=id).first()
        if accreditation is None:
            raise NotFoundError("No such accreditation.")
        accreditation = services.accreditation_suspend(
            accreditation=accreditation, reason=data.validated_data["reason"], actor=self.actor
        )
        return Response(AccreditationOutput(accreditation).data)
