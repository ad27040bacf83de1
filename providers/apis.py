from __future__ import annotations

from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.permissions import IsProgrammeOfficer, IsProviderAdmin, role_required
from accounts.roles import PROVIDER_ROLES, STAFF_ROLES, Role
from core.apis import BaseApi
from core.exceptions import NotFoundError
from core.idempotency import idempotent
from core.money import Category
from core.serializers import ReasonInput, SingleLineField
from programmes.selectors import programme_for_input
from providers import selectors, services
from providers.models import AccreditationRequest, BankAccount
from providers.serializers import AccreditationOutput

IsProviderOrStaff = role_required(*(PROVIDER_ROLES | STAFF_ROLES))
IsProviderRole = role_required(*PROVIDER_ROLES)


class AccreditationRequestOutput(serializers.ModelSerializer[AccreditationRequest]):
    programme = serializers.CharField(source="programme.code")
    provider = serializers.UUIDField(source="provider_id")
    categories = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = AccreditationRequest
        fields = [
            "id",
            "provider",
            "programme",
            "categories",
            "status",
            "reason",
            "created_at",
            "decided_at",
        ]


class AccreditationRequestFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AccreditationRequest.Status.choices)
    programme = filters.CharFilter(field_name="programme__code")

    class Meta:
        model = AccreditationRequest
        fields = ["status", "programme"]


class AccreditationRequestsApi(BaseApi):
    serializer_class = AccreditationRequestOutput
    filterset_class = AccreditationRequestFilter

    class InputSerializer(serializers.Serializer[Any]):
        programme = SingleLineField(max_length=32)
        categories = serializers.ListField(
            child=serializers.ChoiceField(choices=Category.choices), min_length=1, max_length=3
        )

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsProviderAdmin()]
        return [IsProviderOrStaff()]

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return AccreditationRequest.objects.none()
        return selectors.accreditation_requests_for(user=self.actor)

    @extend_schema(responses={200: AccreditationRequestOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AccreditationRequestOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: AccreditationRequestOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accreditation_request = services.accreditation_request_submit(
            actor=self.actor,
            programme=programme_for_input(data.validated_data["programme"]),
            categories=data.validated_data["categories"],
        )
        return Response(
            AccreditationRequestOutput(accreditation_request).data, status=status.HTTP_201_CREATED
        )


def _request_for(user: Any, request_id: str) -> AccreditationRequest:
    found = selectors.accreditation_requests_for(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotFoundError("No such accreditation request.")
    return found


class AccreditationRequestDetailApi(BaseApi):
    serializer_class = AccreditationRequestOutput
    permission_classes = [IsProviderOrStaff]

    def get(self, request: Request, id: str) -> Response:
        return Response(AccreditationRequestOutput(_request_for(self.actor, id)).data)


class AccreditationRequestApproveApi(BaseApi):
    permission_classes = [IsProgrammeOfficer]
    serializer_class = AccreditationRequestOutput

    @extend_schema(request=None, responses={200: AccreditationRequestOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        services.accreditation_request_approve(
            request=_request_for(self.actor, id), actor=self.actor
        )
        return Response(AccreditationRequestOutput(_request_for(self.actor, id)).data)


class AccreditationRequestRejectApi(BaseApi):
    permission_classes = [IsProgrammeOfficer]
    serializer_class = AccreditationRequestOutput

    @extend_schema(request=ReasonInput, responses={200: AccreditationRequestOutput})
    @idempotent
    def post(self, request: Request, id: str) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.accreditation_request_reject(
            request=_request_for(self.actor, id),
            reason=data.validated_data["reason"],
            actor=self.actor,
        )
        return Response(AccreditationRequestOutput(_request_for(self.actor, id)).data)


class BankAccountOutput(serializers.ModelSerializer[BankAccount]):
    """The number is in full for finance officers only; everyone else sees it masked."""

    # Output only. Not a method field, so the schema can say it may be absent (a read-only
    # field is always documented as required).
    account_number = serializers.CharField(
        required=False, help_text="In full, for finance officers only; absent for everyone else."
    )

    class Meta:
        model = BankAccount
        fields = [
            "account_name",
            "account_number_masked",
            "account_number",
            "bank_name",
            "updated_at",
        ]

    def to_representation(self, instance: BankAccount) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context.get("user")
        if user is None or not user.has_role(Role.FINANCE_OFFICER):
            data.pop("account_number")
        return data


class BankAccountApi(BaseApi):
    serializer_class = BankAccountOutput

    class InputSerializer(serializers.Serializer[Any]):
        account_name = SingleLineField(max_length=200)
        account_number = serializers.RegexField(r"^[0-9]{8,34}$", max_length=34)
        bank_name = SingleLineField(max_length=200)

    def get_permissions(self) -> list[Any]:
        if self.request.method == "PUT":
            return [IsProviderAdmin()]
        return [IsProviderRole()]

    def get(self, request: Request) -> Response:
        account = BankAccount.objects.filter(provider_id=self.actor.organisation_id).first()
        if account is None:
            raise NotFoundError("No bank account has been set.")
        return Response(BankAccountOutput(account, context={"user": self.actor}).data)

    @extend_schema(request=InputSerializer, responses={200: BankAccountOutput})
    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.bank_account_set(actor=self.actor, **data.validated_data)
        return Response(BankAccountOutput(account, context={"user": self.actor}).data)


@extend_schema_field(BankAccountOutput(allow_null=True))
class StaffBankAccountField(serializers.Field):
    """The provider's bank account, for staff only. Not a (read-only) method field, so the
    schema can say it may be absent: everyone else gets no `bank_account` at all."""

    def __init__(self) -> None:
        super().__init__(source="*", required=False)

    def to_representation(self, provider: Organisation) -> dict[str, Any] | None:
        user = self.context["user"]
        if not user.roles & STAFF_ROLES:
            return None
        account = getattr(provider, "bank_account", None)
        return dict(BankAccountOutput(account, context={"user": user}).data) if account else None


class ProviderOutput(serializers.ModelSerializer[Organisation]):
    organisation = serializers.UUIDField(source="id")
    accreditations = AccreditationOutput(many=True)
    bank_account = StaffBankAccountField()

    class Meta:
        model = Organisation
        fields = ["id", "organisation", "name", "credit_code", "accreditations", "bank_account"]

    def to_representation(self, instance: Organisation) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context["user"].roles & STAFF_ROLES:
            data.pop("bank_account")
        return data


class ProviderFilter(filters.FilterSet):
    programme = filters.CharFilter(field_name="accreditations__programme__code", distinct=True)
    category = filters.ChoiceFilter(
        field_name="accreditations__category", choices=Category.choices, distinct=True
    )

    class Meta:
        model = Organisation
        fields = ["programme", "category"]


class ProviderListApi(BaseApi):
    serializer_class = ProviderOutput
    filterset_class = ProviderFilter

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Organisation.objects.none()
        return selectors.providers_for(user=self.actor)

    @extend_schema(operation_id="providers_list", responses={200: ProviderOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            ProviderOutput(page, many=True, context={"user": self.actor}).data
        )


class ProviderDetailApi(BaseApi):
    serializer_class = ProviderOutput

    def get(self, request: Request, id: str) -> Response:
        provider = selectors.providers_for(user=self.actor).filter(pk=id).first()
        if provider is None:
            raise NotFoundError("No such provider.")
        return Response(ProviderOutput(provider, context={"user": self.actor}).data)
