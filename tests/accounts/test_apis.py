"""Organisations and users over HTTP (API.md, section 1), and the `create_staff` command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Affiliation, Membership, Organisation, User
from accounts.roles import Role
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/organisations/register"
TOKEN = "/api/v1/auth/token"
ME = "/api/v1/me"
MEMBERS = "/api/v1/organisations/me/members"
AFFILIATIONS = "/api/v1/organisations/me/affiliations"
PASSWORD = "a-long-passphrase-1"
FACTORY_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BAD_CHECK_DIGIT = (
    "Not a valid unified social credit code: The number's checksum or check digit is invalid."
)


def _token_ttl() -> timedelta:
    return cast(timedelta, settings.REST_KNOX["TOKEN_TTL"])


def _envelope(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _validation(message: str, fields: dict[str, Any]) -> dict[str, Any]:
    return _envelope("validation_error", message, fields)


def _invalid(fields: dict[str, Any]) -> dict[str, Any]:
    return _validation("The request is invalid; see fields.", fields)


FORBIDDEN = _envelope("permission_denied", "Your role does not allow this action.")


def _iso(moment: datetime) -> str:
    """How the API renders a time: ISO 8601 with the offset of TIME_ZONE."""
    return timezone.localtime(moment).isoformat()


def _wrong_check_digit(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Affiliation.objects.count(),
        AuditEvent.objects.count(),
    )


def _register_body(**overrides: str) -> dict[str, str]:
    return {
        "kind": "firm",
        "name": "Acme Robotics",
        "credit_code": factories.credit_code(),
        "legal_representative": "Li Lei",
        "admin_email": "admin@acme.example",
        "admin_password": PASSWORD,
        **overrides,
    }


class TestRegister:
    def test_a_firm_registers_with_its_first_admin(self, api_client: APIClient) -> None:
        body = _register_body(name="  Acme Robotics ", admin_email="Admin@ACME.example")

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 201
        organisation = Organisation.objects.get()
        user = User.objects.get()
        assert response.json() == {
            "organisation": {
                "id": str(organisation.id),
                "kind": "firm",
                "name": "Acme Robotics",
                "credit_code": body["credit_code"],
            },
            "user": {"id": str(user.id), "email": "admin@acme.example"},
        }
        assert (organisation.kind, organisation.name) == ("firm", "Acme Robotics")
        assert organisation.legal_representative == "Li Lei"
        assert user.check_password(PASSWORD)
        assert list(Membership.objects.values_list("user", "organisation", "role")) == [
            (user.id, organisation.id, "firm_admin")
        ]
        [event] = AuditEvent.objects.all()
        assert (event.action, event.actor, event.object_type, event.object_id) == (
            "organisation.registered",
            user,
            "accounts.organisation",
            str(organisation.id),
        )
        assert event.after == {
            "kind": "firm",
            "name": "Acme Robotics",
            "credit_code": body["credit_code"],
            "admin_email": "admin@acme.example",
        }

    def test_the_new_admin_logs_in_and_sees_the_organisation(self, api_client: APIClient) -> None:
        organisation = api_client.post(REGISTER, _register_body(), format="json").json()[
            "organisation"
        ]

        token = api_client.post(
            TOKEN, {"email": "admin@acme.example", "password": PASSWORD}, format="json"
        ).json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = api_client.get(ME).json()

        assert me["roles"] == ["firm_admin"]
        assert me["organisation"] == {**organisation, "legal_representative": "Li Lei"}

    def test_a_provider_registers_and_its_admin_is_provider_admin(
        self, api_client: APIClient
    ) -> None:
        response = api_client.post(REGISTER, _register_body(kind="provider"), format="json")

        assert response.status_code == 201
        assert response.json()["organisation"]["kind"] == "provider"
        assert Membership.objects.get().role == "provider_admin"

    def test_a_lowercase_credit_code_is_stored_in_capitals(self, api_client: APIClient) -> None:
        code = factories.credit_code(seed=0)
        assert code == "91310000660487643N"

        response = api_client.post(
            REGISTER, _register_body(credit_code=code.lower()), format="json"
        )

        assert response.status_code == 201
        assert response.json()["organisation"]["credit_code"] == code
        assert Organisation.objects.get().credit_code == code

    def test_a_bad_check_digit_is_400_and_writes_nothing(self, api_client: APIClient) -> None:
        body = _register_body(credit_code=_wrong_check_digit(factories.credit_code()))

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 400
        assert response.json() == _validation(BAD_CHECK_DIGIT, {"credit_code": [BAD_CHECK_DIGIT]})
        assert _counts() == (0, 0, 0, 0, 0)

    def test_a_short_credit_code_is_400(self, api_client: APIClient) -> None:
        body = _register_body(credit_code=factories.credit_code()[:17])

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 400
        assert response.json() == _invalid(
            {"credit_code": ["Ensure this field has at least 18 characters."]}
        )
        assert _counts() == (0, 0, 0, 0, 0)

    def test_a_registered_credit_code_is_400_and_writes_nothing(
        self, api_client: APIClient
    ) -> None:
        existing = factories.FirmFactory.create()
        before = _counts()
        body = _register_body(credit_code=existing.credit_code.lower())

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 400
        assert response.json() == _validation(
            "An organisation with this credit code is already registered.",
            {"credit_code": ["Already registered."]},
        )
        assert _counts() == before
        assert not User.objects.filter(email="admin@acme.example").exists()

    def test_a_registered_email_is_400_and_writes_nothing(self, api_client: APIClient) -> None:
        factories.UserFactory.create(email="admin@acme.example")
        before = _counts()
        body = _register_body(admin_email="ADMIN@acme.example")

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 400
        assert response.json() == _validation(
            "A user with this e-mail already exists.",
            {"admin_email": ["A user with this e-mail already exists."]},
        )
        assert _counts() == before
        assert not Organisation.objects.filter(credit_code=body["credit_code"]).exists()

    @pytest.mark.parametrize(
        ("password", "messages"),
        [
            ("password", ["This password is too common."]),
            ("x7#kq", ["This password is too short. It must contain at least 8 characters."]),
        ],
    )
    def test_a_weak_password_is_400_and_writes_nothing(
        self, api_client: APIClient, password: str, messages: list[str]
    ) -> None:
        response = api_client.post(REGISTER, _register_body(admin_password=password), format="json")

        assert response.status_code == 400
        assert response.json() == _validation(
            "The password is too weak.", {"admin_password": messages}
        )
        assert _counts() == (0, 0, 0, 0, 0)

    def test_registration_is_throttled_at_the_configured_rate(
        self, api_client: APIClient, time_machine: Any
    ) -> None:
        time_machine.move_to(NOW, tick=False)
        rate = ScopedRateThrottle.THROTTLE_RATES["register"]
        assert (
            rate
            == cast(dict[str, Any], settings.REST_FRAMEWORK)["DEFAULT_THROTTLE_RATES"]["register"]
        )
        allowed, per_seconds = ScopedRateThrottle().parse_rate(rate)
        assert allowed is not None
        assert per_seconds is not None
        for _ in range(allowed):  # refused requests count too, and are cheap
            assert api_client.post(REGISTER, {}, format="json").status_code == 400

        body = _register_body()
        throttled = api_client.post(REGISTER, body, format="json")

        assert throttled.status_code == 429
        assert throttled["Retry-After"] == str(per_seconds)
        assert throttled.json() == _envelope(
            "throttled", f"Request was throttled. Expected available in {per_seconds} seconds."
        )
        assert _counts() == (0, 0, 0, 0, 0)

        other_address = api_client.post(
            REGISTER, _register_body(admin_email="b@b.example"), REMOTE_ADDR="10.0.0.2"
        )
        assert other_address.status_code == 201

        time_machine.shift(timedelta(seconds=per_seconds))
        assert api_client.post(REGISTER, body, format="json").status_code == 201


class TestToken:
    def test_email_and_password_give_a_working_token(
        self, api_client: APIClient, time_machine: Any
    ) -> None:
        time_machine.move_to(NOW, tick=False)
        user = factories.user_with_role(Role.FIRM_ADMIN)

        response = api_client.post(
            TOKEN, {"email": user.email.upper(), "password": FACTORY_PASSWORD}, format="json"
        )

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"token", "expires_at"}
        expires_at = NOW + _token_ttl()
        assert datetime.fromisoformat(body["expires_at"]) == expires_at
        [token] = AuthToken.objects.all()
        assert token.user == user
        assert token.expiry == expires_at
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        assert api_client.get(ME).json()["email"] == user.email

    @pytest.mark.parametrize(
        ("email", "password"),
        [("user-a@example.com", "wrong-password"), ("nobody@example.com", FACTORY_PASSWORD)],
    )
    def test_wrong_credentials_are_400_and_create_no_token(
        self, api_client: APIClient, email: str, password: str
    ) -> None:
        factories.UserFactory.create(email="user-a@example.com")

        response = api_client.post(TOKEN, {"email": email, "password": password}, format="json")

        assert response.status_code == 400
        assert response.json() == _validation(
            "The e-mail or password is wrong.",
            {"non_field_errors": ["The e-mail or password is wrong."]},
        )
        assert AuthToken.objects.count() == 0

    def test_an_inactive_user_gets_no_token(self, api_client: APIClient) -> None:
        user = factories.UserFactory.create(is_active=False)

        response = api_client.post(
            TOKEN, {"email": user.email, "password": FACTORY_PASSWORD}, format="json"
        )

        assert response.status_code == 400
        assert AuthToken.objects.count() == 0

    def test_a_token_expires_after_its_ttl(
        self, client_for: Callable[[Any], APIClient], time_machine: Any
    ) -> None:
        time_machine.move_to(NOW, tick=False)
        client = client_for(factories.user_with_role(Role.FIRM_MEMBER))
        ttl = _token_ttl()

        time_machine.move_to(NOW + ttl - timedelta(seconds=1), tick=False)
        assert client.get(ME).status_code == 200

        time_machine.move_to(NOW + ttl + timedelta(seconds=1), tick=False)
        response = client.get(ME)

        assert response.status_code == 401
        assert response.json() == _envelope("not_authenticated", "Invalid token.")
        assert AuthToken.objects.count() == 0  # an expired token is deleted when presented


class TestMe:
    def test_a_firm_admin(self, client_for: Callable[[Any], APIClient]) -> None:
        firm = factories.FirmFactory.create(legal_representative="Han Meimei")
        user = factories.user_with_role(Role.FIRM_ADMIN, organisation=firm)

        response = client_for(user).get(ME)

        assert response.status_code == 200
        assert response.json() == {
            "id": str(user.id),
            "email": user.email,
            "roles": ["firm_admin"],
            "organisation": {
                "id": str(firm.id),
                "kind": "firm",
                "name": firm.name,
                "credit_code": firm.credit_code,
                "legal_representative": "Han Meimei",
            },
        }

    def test_a_provider_admin(self, client_for: Callable[[Any], APIClient]) -> None:
        user = factories.user_with_role(Role.PROVIDER_ADMIN)
        provider = user.organisation
        assert provider is not None

        body = client_for(user).get(f"{ME}/").json()  # with or without the slash

        assert body["roles"] == ["provider_admin"]
        assert body["organisation"]["id"] == str(provider.id)
        assert body["organisation"]["kind"] == "provider"

    def test_staff_have_no_organisation(self, client_for: Callable[[Any], APIClient]) -> None:
        user = factories.user_with_role(Role.FINANCE_OFFICER)
        factories.MembershipFactory.create(user=user, organisation=None, role=Role.AUDITOR)

        response = client_for(user).get(ME)

        assert response.status_code == 200
        assert response.json() == {
            "id": str(user.id),
            "email": user.email,
            "roles": ["auditor", "finance_officer"],
            "organisation": None,
        }


class TestMembers:
    def test_the_list_is_scoped_to_the_callers_organisation(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        firm = admin.organisation
        member = factories.user_with_role(Role.FIRM_MEMBER, organisation=firm)
        other_admin = factories.user_with_role(Role.FIRM_ADMIN)
        factories.user_with_role(Role.FIRM_MEMBER, organisation=other_admin.organisation)

        response = client_for(member).get(MEMBERS)

        assert response.status_code == 200
        body = response.json()
        assert body["next"] is None
        assert body["previous"] is None
        memberships = {m.user_id: m for m in Membership.objects.filter(organisation=firm)}
        assert sorted(body["results"], key=lambda row: row["email"]) == [
            {
                "id": str(memberships[user.id].id),
                "user_id": str(user.id),
                "email": user.email,
                "role": role,
                "created_at": _iso(memberships[user.id].created_at),
            }
            for user, role in sorted(
                [(admin, "firm_admin"), (member, "firm_member")], key=lambda pair: pair[0].email
            )
        ]
        other_emails = {
            row["email"] for row in client_for(other_admin).get(MEMBERS).json()["results"]
        }
        assert admin.email not in other_emails
        assert member.email not in other_emails
        assert len(other_emails) == 2

    @pytest.mark.parametrize("members", [1, 9])
    def test_the_list_takes_a_constant_number_of_queries(
        self,
        client_for: Callable[[Any], APIClient],
        django_assert_num_queries: Any,
        members: int,
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        for _ in range(members):
            factories.user_with_role(Role.FIRM_MEMBER, organisation=admin.organisation)
        client = client_for(admin)

        # the token with its user and the caller's memberships, then the page
        with django_assert_num_queries(2):
            response = client.get(MEMBERS, {"page_size": 5})

        assert len(response.json()["results"]) == min(members + 1, 5)

    def test_an_admin_adds_a_member(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        firm = admin.organisation
        assert firm is not None

        response = client_for(admin).post(
            MEMBERS,
            {"email": "New.Member@Example.com", "password": PASSWORD, "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 201
        user = User.objects.get(email="new.member@example.com")
        membership = Membership.objects.get(user=user)
        assert response.json() == {
            "id": str(membership.id),
            "user_id": str(user.id),
            "email": "new.member@example.com",
            "role": "firm_member",
            "created_at": _iso(membership.created_at),
        }
        assert membership.organisation == firm
        assert user.check_password(PASSWORD)
        [event] = AuditEvent.objects.all()
        assert (event.action, event.actor, event.object_id) == (
            "membership.added",
            admin,
            str(membership.id),
        )

    def test_a_provider_admin_adds_a_provider_member(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.PROVIDER_ADMIN)

        response = client_for(admin).post(
            MEMBERS,
            {"email": "ops@provider.example", "password": PASSWORD, "role": "provider_member"},
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["role"] == "provider_member"
        assert Membership.objects.get(user__email="ops@provider.example").organisation_id == (
            admin.organisation_id
        )
        assert AuditEvent.objects.get().action == "membership.added"

    def test_a_firm_member_may_not_add_members(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        member = factories.user_with_role(Role.FIRM_MEMBER)
        before = _counts()

        response = client_for(member).post(
            MEMBERS,
            {"email": "new@example.com", "password": PASSWORD, "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 403
        assert response.json() == FORBIDDEN
        assert _counts() == before

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            (
                "provider_member",
                _validation(
                    "A firm member's role must be one of firm_admin, firm_member.",
                    {"role": ["Must be one of firm_admin, firm_member."]},
                ),
            ),
            (
                "programme_officer",
                _invalid({"role": ['"programme_officer" is not a valid choice.']}),
            ),
        ],
    )
    def test_a_role_of_the_wrong_kind_is_400(
        self, client_for: Callable[[Any], APIClient], role: str, expected: dict[str, Any]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        response = client_for(admin).post(
            MEMBERS, {"email": "new@example.com", "password": PASSWORD, "role": role}, format="json"
        )

        assert response.status_code == 400
        assert response.json() == expected
        assert _counts() == before

    def test_an_existing_email_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        response = client_for(admin).post(
            MEMBERS,
            {"email": admin.email.upper(), "password": PASSWORD, "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "email": ["A user with this e-mail already exists."]
        }
        assert _counts() == before

    def test_a_weak_password_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        response = client_for(admin).post(
            MEMBERS,
            {"email": "new@example.com", "password": "password", "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _validation(
            "The password is too weak.", {"password": ["This password is too common."]}
        )
        assert _counts() == before

    def test_staff_have_no_members_to_see(self, client_for: Callable[[Any], APIClient]) -> None:
        officer = factories.user_with_role(Role.PROGRAMME_OFFICER)

        response = client_for(officer).get(MEMBERS)

        assert response.status_code == 403
        assert response.json() == FORBIDDEN

    def test_anonymous_is_401(self, api_client: APIClient) -> None:
        assert api_client.get(MEMBERS).status_code == 401
        assert api_client.post(MEMBERS, {}, format="json").status_code == 401


class TestAffiliations:
    def test_an_admin_declares_an_affiliation(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        firm = admin.organisation
        assert firm is not None
        code = factories.credit_code(seed=0)

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": code.lower(), "relation": "shareholder", "share_bps": 2500},
            format="json",
        )

        assert response.status_code == 201
        affiliation = Affiliation.objects.get()
        assert response.json() == {
            "id": str(affiliation.id),
            "credit_code": code,
            "relation": "shareholder",
            "share_bps": 2500,
            "created_at": _iso(affiliation.created_at),
        }
        assert affiliation.organisation == firm
        [event] = AuditEvent.objects.all()
        assert (event.action, event.actor, event.object_type, event.object_id) == (
            "affiliation.declared",
            admin,
            "accounts.affiliation",
            str(affiliation.id),
        )
        assert event.after == {
            "organisation": str(firm.id),
            "credit_code": code,
            "relation": "shareholder",
            "share_bps": 2500,
        }

    def test_share_bps_is_optional(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.PROVIDER_ADMIN)

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": factories.credit_code(), "relation": "same_group"},
            format="json",
        )

        assert response.status_code == 201
        assert response.json()["share_bps"] is None

    def test_the_list_shows_only_the_callers_organisation(
        self, client_for: Callable[[Any], APIClient], django_assert_num_queries: Any
    ) -> None:
        member = factories.user_with_role(Role.FIRM_MEMBER)
        firm = member.organisation
        first = factories.AffiliationFactory.create(organisation=firm, relation="parent")
        second = factories.AffiliationFactory.create(organisation=firm, share_bps=5100)
        factories.AffiliationFactory.create()  # another organisation's
        client = client_for(member)

        with django_assert_num_queries(2):
            response = client.get(AFFILIATIONS)

        assert response.status_code == 200
        assert response.json()["results"] == [
            {
                "id": str(affiliation.id),
                "credit_code": affiliation.credit_code,
                "relation": affiliation.relation,
                "share_bps": affiliation.share_bps,
                "created_at": _iso(affiliation.created_at),
            }
            for affiliation in (second, first)  # newest first
        ]

    def test_a_duplicate_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        existing = factories.AffiliationFactory.create(organisation=admin.organisation)
        before = _counts()

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": existing.credit_code, "relation": "other"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _validation(
            "This affiliation is already declared.", {"credit_code": ["Already declared."]}
        )
        assert _counts() == before

    def test_the_same_code_may_be_declared_by_two_organisations(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        code = factories.credit_code()
        factories.AffiliationFactory.create(credit_code=code)
        admin = factories.user_with_role(Role.FIRM_ADMIN)

        response = client_for(admin).post(
            AFFILIATIONS, {"credit_code": code, "relation": "other"}, format="json"
        )

        assert response.status_code == 201
        assert Affiliation.objects.filter(credit_code=code).count() == 2

    def test_the_own_credit_code_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        assert admin.organisation is not None
        before = _counts()

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": admin.organisation.credit_code, "relation": "parent"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _validation(
            "An organisation cannot declare itself as an affiliate.",
            {"credit_code": ["This is your own credit code."]},
        )
        assert _counts() == before

    def test_an_invalid_credit_code_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": _wrong_check_digit(factories.credit_code()), "relation": "parent"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _validation(BAD_CHECK_DIGIT, {"credit_code": [BAD_CHECK_DIGIT]})
        assert _counts() == before

    def test_a_share_above_100_percent_is_400(self, client_for: Callable[[Any], APIClient]) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        response = client_for(admin).post(
            AFFILIATIONS,
            {"credit_code": factories.credit_code(), "relation": "parent", "share_bps": 10001},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _invalid(
            {"share_bps": ["Ensure this value is less than or equal to 10000."]}
        )
        assert _counts() == before

    def test_a_member_may_not_declare(self, client_for: Callable[[Any], APIClient]) -> None:
        member = factories.user_with_role(Role.FIRM_MEMBER)
        before = _counts()

        response = client_for(member).post(
            AFFILIATIONS, {"credit_code": factories.credit_code(), "relation": "parent"}
        )

        assert response.status_code == 403
        assert response.json() == FORBIDDEN
        assert _counts() == before

    def test_staff_have_no_affiliations_to_see(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        auditor = factories.user_with_role(Role.AUDITOR)

        assert client_for(auditor).get(AFFILIATIONS).status_code == 403


class TestCreateStaff:
    def _run(self, email: str, role: str, password: str = PASSWORD) -> str:
        out = StringIO()
        call_command(
            "create_staff", email=email, password=password, role=role, stdout=out, stderr=StringIO()
        )
        return out.getvalue()

    def test_creates_a_staff_user(self, api_client: APIClient) -> None:
        output = self._run("Finance@City.example", "finance_officer")

        assert output == "staff user finance@city.example has role finance_officer\n"
        user = User.objects.get()
        assert user.email == "finance@city.example"
        assert user.check_password(PASSWORD)
        assert list(Membership.objects.values_list("user", "organisation", "role")) == [
            (user.id, None, "finance_officer")
        ]
        [event] = AuditEvent.objects.all()
        assert (event.action, event.actor, event.after) == (
            "staff.role_granted",
            None,
            {"email": "finance@city.example", "role": "finance_officer"},
        )
        token = api_client.post(
            TOKEN, {"email": "finance@city.example", "password": PASSWORD}, format="json"
        ).json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = api_client.get(ME).json()
        assert (me["roles"], me["organisation"]) == (["finance_officer"], None)

    def test_is_idempotent_for_the_same_email_and_role(self) -> None:
        self._run("auditor@city.example", "auditor")
        before = _counts()

        output = self._run("auditor@city.example", "auditor", password="another-passphrase-2")

        assert output == "staff user auditor@city.example has role auditor\n"
        assert _counts() == before
        assert User.objects.get().check_password(PASSWORD)

    def test_grants_a_second_staff_role(self) -> None:
        self._run("officer@city.example", "programme_officer")

        self._run("officer@city.example", "auditor")

        assert User.objects.count() == 1
        assert sorted(Membership.objects.values_list("role", flat=True)) == [
            "auditor",
            "programme_officer",
        ]
        assert AuditEvent.objects.filter(action="staff.role_granted").count() == 2

    @pytest.mark.parametrize("role", ["firm_admin", "provider_member", "superuser"])
    def test_rejects_a_role_that_is_not_staff(self, role: str) -> None:
        with pytest.raises(CommandError, match="invalid choice"):
            self._run("x@city.example", role)

        assert _counts() == (0, 0, 0, 0, 0)

    def test_rejects_a_member_of_an_organisation(self) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        before = _counts()

        with pytest.raises(CommandError, match="belongs to an organisation and cannot be staff"):
            self._run(admin.email, "auditor")

        assert _counts() == before

    def test_rejects_a_weak_password(self) -> None:
        with pytest.raises(CommandError, match="The password is too weak"):
            self._run("x@city.example", "auditor", password="password")

        assert _counts() == (0, 0, 0, 0, 0)
