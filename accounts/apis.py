from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts import selectors, services
from accounts.authentication import TokenAuthentication
from accounts.models import Affiliation, Membership, Organisation
from accounts.permissions import IsOrganisationAdmin, IsOrganisationMember
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES
from core.apis import BaseApi
from core.idempotency import idempotent
from core.serializers import SingleLineField
from core.throttling import WriteScopedRateThrottle


class OrganisationOutput(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "credit_code", "legal_representative"]


class RegisteredOrganisationOutput(serializers.ModelSerializer[Organisation]):
    """The organisation as `POST /organisations/register` answers it (API.md, section 1)."""

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "credit_code"]


class UserOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    email = serializers.EmailField()


class RegisterApi(BaseApi):
    """Register a firm or provider with its first admin user. Open to the public, throttled."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    class InputSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
        name = SingleLineField(max_length=200)
        credit_code = SingleLineField(max_length=18, min_length=18)
        legal_representative = SingleLineField(max_length=100)
        admin_email = serializers.EmailField(max_length=254)
        admin_password = serializers.CharField(max_length=128, write_only=True)

    class OutputSerializer(serializers.Serializer[Any]):
        organisation = RegisteredOrganisationOutput()
        user = UserOutput()

    serializer_class = InputSerializer

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation, user = services.organisation_register(**data.validated_data)
        output = self.OutputSerializer({"organisation": organisation, "user": user})
        return Response(output.data, status=status.HTTP_201_CREATED)


class TokenApi(BaseApi):
    """Exchange e-mail and password for an API token: send it as `Authorization: Token <token>`."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)

    class OutputSerializer(serializers.Serializer[Any]):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField(allow_null=True)

    serializer_class = InputSerializer

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, instance = services.token_issue(request=request, **data.validated_data)
        return Response(self.OutputSerializer({"token": token, "expires_at": instance.expiry}).data)


class LogoutApi(BaseApi):
    """Revoke the token this request is authenticated with; it answers 401 from then on."""

    permission_classes = [IsAuthenticated]
    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    @idempotent
    def post(self, request: Request) -> Response:
        services.token_revoke(actor=self.actor, token=cast(AuthToken, request.auth))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordApi(BaseApi):
    """Change the caller's password. Every API token of the user is revoked (this one too):
    log in again with the new password."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password"

    class InputSerializer(serializers.Serializer[Any]):
        old_password = serializers.CharField(max_length=128, write_only=True)
        new_password = serializers.CharField(max_length=128, write_only=True)

    serializer_class = InputSerializer

    @extend_schema(request=InputSerializer, responses={204: None})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_change(actor=self.actor, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(BaseApi):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField()
        email = serializers.EmailField()
        roles = serializers.ListField(child=serializers.CharField())
        organisation = OrganisationOutput(allow_null=True)

    serializer_class = OutputSerializer

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        user = self.actor
        return Response(
            self.OutputSerializer(
                {
                    "id": user.id,
                    "email": user.email,
                    "roles": sorted(user.roles),
                    "organisation": user.organisation,
                }
            ).data
        )


class MemberOutput(serializers.ModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email")
    user_id = serializers.UUIDField(source="user.id")

    class Meta:
        model = Membership
        fields = ["id", "user_id", "email", "role", "created_at"]


class MembersApi(BaseApi):
    """List the caller's organisation's members; an organisation admin adds one."""

    serializer_class = MemberOutput
    throttle_classes = [WriteScopedRateThrottle]
    throttle_scope = "members"

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)
        role = serializers.ChoiceField(choices=sorted(FIRM_ROLES | PROVIDER_ROLES))

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsOrganisationAdmin()]
        return [IsOrganisationMember()]

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Membership.objects.none()
        return selectors.members_of(user=self.actor)

    @extend_schema(responses={200: MemberOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MemberOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: MemberOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_add(actor=self.actor, **data.validated_data)
        return Response(MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class AffiliationOutput(serializers.ModelSerializer[Affiliation]):
    class Meta:
        model = Affiliation
        fields = ["id", "credit_code", "relation", "share_bps", "created_at"]


class AffiliationsApi(BaseApi):
    """Related parties the caller's organisation has declared."""

    serializer_class = AffiliationOutput

    class InputSerializer(serializers.Serializer[Any]):
        credit_code = SingleLineField(max_length=18, min_length=18)
        relation = serializers.ChoiceField(choices=Affiliation.Relation.choices)
        share_bps = serializers.IntegerField(
            min_value=0, max_value=10000, required=False, allow_null=True
        )

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [IsOrganisationAdmin()]
        return [IsOrganisationMember()]

    def get_queryset(self) -> Any:
        if self.is_schema_generation():
            return Affiliation.objects.none()
        return selectors.affiliations_of(user=self.actor)

    @extend_schema(responses={200: AffiliationOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AffiliationOutput(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: AffiliationOutput})
    @idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        affiliation = services.affiliation_declare(actor=self.actor, **data.validated_data)
        return Response(AffiliationOutput(affiliation).data, status=status.HTTP_201_CREATED)
