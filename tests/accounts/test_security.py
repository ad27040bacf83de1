"""Passwords, logout, password change, the token limit, login lockout and the throttles on
adding members and uploading statements (issue 10, section 3)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from accounts.services import staff_create
from core.exceptions import ValidationError
from core.models import AuditEvent
from settlement.models import BankStatement
from tests import factories

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/organisations/register"
TOKEN = "/api/v1/auth/token"
LOGOUT = "/api/v1/auth/logout"
PASSWORD_CHANGE = "/api/v1/auth/password"
ME = "/api/v1/me"
MEMBERS = "/api/v1/organisations/me/members"
STATEMENTS = "/api/v1/bank-statements"
FACTORY_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
NEW_PASSWORD = "a-brand-new-passphrase-7"
WRONG = {"non_field_errors": ["The e-mail or password is wrong."]}
LOCKED = {
    "error": {
        "code": "account_locked",
        "message": "Too many failed logins: this account is locked for a while. Try again later.",
        "fields": {},
    }
}


def _validation(message: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"error": {"code": "validation_error", "message": message, "fields": fields}}


def _weak(field: str, *messages: str) -> dict[str, Any]:
    return _validation("The password is too weak.", {field: list(messages)})


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuthToken.objects.count(),
        AuditEvent.objects.count(),
    )


def _register_body(**overrides: str) -> dict[str, str]:
    return {
        "kind": "firm",
        "name": "Acme Robotics",
        "credit_code": factories.credit_code(),
        "legal_representative": "Li Lei",
        "admin_email": "wang.fang@acme.example",
        "admin_password": "a-long-passphrase-1",
        **overrides,
    }


def _login(client: APIClient, email: str, password: str, **extra: Any) -> Any:
    return client.post(TOKEN, {"email": email, "password": password}, format="json", **extra)


class TestPasswords:
    def test_registration_refuses_a_password_like_the_email(self, api_client: APIClient) -> None:
        body = _register_body(admin_password="Wang.Fang@Acme")

        response = api_client.post(REGISTER, body, format="json")

        assert response.status_code == 400
        assert response.json() == _weak(
            "admin_password", "The password is too similar to the email."
        )
        assert _counts() == (0, 0, 0, 0, 0)

    def test_registration_refuses_an_all_digit_password(self, api_client: APIClient) -> None:
        response = api_client.post(
            REGISTER, _register_body(admin_password="80561973402"), format="json"
        )

        assert response.status_code == 400
        assert response.json() == _weak("admin_password", "This password is entirely numeric.")
        assert _counts() == (0, 0, 0, 0, 0)

    def test_a_weak_password_is_judged_before_a_taken_email_is_revealed(
        self, api_client: APIClient
    ) -> None:
        factories.UserFactory.create(email="wang.fang@acme.example")
        before = _counts()

        response = api_client.post(
            REGISTER, _register_body(admin_password="80561973402"), format="json"
        )

        assert response.status_code == 400
        assert response.json() == _weak("admin_password", "This password is entirely numeric.")
        assert _counts() == before

    def test_a_weak_password_is_judged_before_a_registered_credit_code(
        self, api_client: APIClient
    ) -> None:
        taken = factories.FirmFactory.create()
        before = _counts()

        response = api_client.post(
            REGISTER,
            _register_body(credit_code=taken.credit_code, admin_password="password"),
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _weak("admin_password", "This password is too common.")
        assert _counts() == before

    def test_a_member_password_like_their_email_is_refused(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(admin)
        before = _counts()

        response = client.post(
            MEMBERS,
            {"email": "li.na@acme.example", "password": "li.na.acme", "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _weak("password", "The password is too similar to the email.")
        assert _counts() == before

    def test_a_weak_member_password_hides_whether_the_email_is_taken(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(admin)
        before = _counts()

        response = client.post(
            MEMBERS,
            {"email": admin.email, "password": "12345678901", "role": "firm_member"},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _weak(
            "password", "This password is too common.", "This password is entirely numeric."
        )
        assert _counts() == before

    def test_staff_passwords_are_validated_against_the_email(self) -> None:
        with pytest.raises(ValidationError) as refused:
            staff_create(email="zhao.lei@city.example", password="zhao.lei.city", role=Role.AUDITOR)

        assert refused.value.fields == {"password": ["The password is too similar to the email."]}
        assert _counts() == (0, 0, 0, 0, 0)


class TestLogout:
    def test_logout_revokes_the_token_in_use_and_only_it(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        client, other = client_for(user), client_for(user)

        response = client.post(LOGOUT)

        assert response.status_code == 204
        assert response.content == b""
        after = client.get(ME)
        assert after.status_code == 401
        assert after.json()["error"]["code"] == "not_authenticated"
        assert other.get(ME).status_code == 200
        assert AuthToken.objects.filter(user=user).count() == 1
        [event] = AuditEvent.objects.filter(action="auth.token_revoked")
        assert (event.actor, event.object_id, event.after) == (user, str(user.pk), {"revoked": 1})

    def test_logout_without_a_token_is_401(self, api_client: APIClient) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        api_client.force_login(user)  # a session is not a token to revoke

        response = api_client.post(LOGOUT)

        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert AuditEvent.objects.count() == 0


class TestPasswordChange:
    def test_changing_the_password_revokes_every_token(
        self, client_for: Callable[[Any], APIClient], api_client: APIClient
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        client, other = client_for(user), client_for(user)
        bystander = factories.user_with_role(Role.FIRM_ADMIN)
        bystander_client = client_for(bystander)

        response = client.post(
            PASSWORD_CHANGE,
            {"old_password": FACTORY_PASSWORD, "new_password": NEW_PASSWORD},
            format="json",
        )

        assert response.status_code == 204
        assert client.get(ME).status_code == 401
        assert other.get(ME).status_code == 401
        assert bystander_client.get(ME).status_code == 200
        assert not AuthToken.objects.filter(user=user).exists()
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 400
        assert _login(api_client, user.email, NEW_PASSWORD).status_code == 200
        [event] = AuditEvent.objects.filter(action="user.password_changed")
        assert (event.actor, event.after) == (user, {"tokens_revoked": 2})

    def test_a_wrong_old_password_changes_nothing(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(user)
        before = _counts()

        response = client.post(
            PASSWORD_CHANGE,
            {"old_password": "not-my-password", "new_password": NEW_PASSWORD},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _validation(
            "The current password is wrong.",
            {"old_password": ["The current password is wrong."]},
        )
        assert _counts() == before
        user.refresh_from_db()
        assert user.check_password(FACTORY_PASSWORD)
        assert client.get(ME).status_code == 200

    def test_a_weak_new_password_changes_nothing(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(user)
        before = _counts()

        response = client.post(
            PASSWORD_CHANGE,
            {"old_password": FACTORY_PASSWORD, "new_password": user.email},
            format="json",
        )

        assert response.status_code == 400
        assert response.json() == _weak("new_password", "The password is too similar to the email.")
        assert _counts() == before
        user.refresh_from_db()
        assert user.check_password(FACTORY_PASSWORD)

    def test_anonymous_is_401(self, api_client: APIClient) -> None:
        response = api_client.post(
            PASSWORD_CHANGE, {"old_password": "x", "new_password": NEW_PASSWORD}, format="json"
        )

        assert response.status_code == 401


class TestTokenLimit:
    def test_a_login_beyond_the_limit_revokes_the_oldest_token(self, api_client: APIClient) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        now = timezone.now()
        tokens = []
        for age in range(10, 0, -1):  # ten live tokens, the oldest first
            instance, _ = AuthToken.objects.create(user=user)
            AuthToken.objects.filter(pk=instance.pk).update(created=now - timedelta(hours=age))
            tokens.append(instance.pk)

        response = _login(api_client, user.email, FACTORY_PASSWORD)

        assert response.status_code == 200
        kept = set(AuthToken.objects.filter(user=user).values_list("pk", flat=True))
        assert len(kept) == 10
        assert tokens[0] not in kept
        assert set(tokens[1:]) <= kept
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api_client.get(ME).status_code == 200

    def test_expired_tokens_are_dropped_first(self, api_client: APIClient) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        live, _ = AuthToken.objects.create(user=user)
        expired, _ = AuthToken.objects.create(user=user)
        AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(hours=1))

        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 200

        remaining = set(AuthToken.objects.filter(user=user).values_list("pk", flat=True))
        assert len(remaining) == 2
        assert live.pk in remaining
        assert expired.pk not in remaining


class TestLockout:
    def test_the_api_login_locks_after_five_failures(self, api_client: APIClient) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        for _ in range(4):
            failed = _login(api_client, user.email, "wrong-password")
            assert failed.status_code == 400
            assert failed.json()["error"]["fields"] == WRONG

        fifth = _login(api_client, user.email.upper(), "wrong-password")

        assert fifth.status_code == 429
        assert fifth.json() == LOCKED
        assert fifth["Retry-After"] == "900"
        right = _login(api_client, user.email, FACTORY_PASSWORD)
        assert right.status_code == 429
        assert right.json() == LOCKED
        assert AuthToken.objects.count() == 0
        elsewhere = _login(api_client, user.email, FACTORY_PASSWORD, REMOTE_ADDR="10.0.0.9")
        assert elsewhere.status_code == 200

    def test_a_success_resets_the_count(self, api_client: APIClient) -> None:
        user = factories.user_with_role(Role.FIRM_ADMIN)
        for _ in range(4):
            assert _login(api_client, user.email, "wrong-password").status_code == 400
        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 200

        for _ in range(4):
            assert _login(api_client, user.email, "wrong-password").status_code == 400
        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 200

    def test_the_lock_lives_in_the_shared_cache(self, api_client: APIClient) -> None:
        """What another web process sees: the count is in the cache (Redis when configured),
        not in this process; clearing the cache is what lifts the lock."""
        user = factories.user_with_role(Role.FIRM_ADMIN)
        for _ in range(5):
            _login(api_client, user.email, "wrong-password")
        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 429

        cache.clear()

        assert _login(api_client, user.email, FACTORY_PASSWORD).status_code == 200

    def test_the_admin_login_locks_after_five_failures(self) -> None:
        admin = factories.UserFactory.create(is_staff=True, is_superuser=True)
        client = Client()
        for _ in range(4):
            failed = client.post(
                "/admin/login/", {"username": admin.email, "password": "wrong-password"}
            )
            assert failed.status_code == 200  # the form again, with its error

        fifth = client.post("/admin/login/", {"username": admin.email, "password": "wrong"})
        right = client.post(
            "/admin/login/", {"username": admin.email, "password": FACTORY_PASSWORD}
        )

        for locked in (fifth, right):
            assert locked.status_code == 429
            assert locked["Retry-After"] == "900"
            assert locked.content.decode() == LOCKED["error"]["message"]
        assert "_auth_user_id" not in client.session


@pytest.fixture
def low_rates() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(ScopedRateThrottle.THROTTLE_RATES, "members", "2/hour")
        patch.setitem(ScopedRateThrottle.THROTTLE_RATES, "statements", "2/hour")
        yield


@pytest.mark.usefixtures("low_rates")
class TestThrottles:
    def test_adding_members_is_throttled_and_listing_is_not(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        admin = factories.user_with_role(Role.FIRM_ADMIN)
        client = client_for(admin)
        for number in range(2):
            added = client.post(
                MEMBERS,
                {
                    "email": f"m{number}@acme.example",
                    "password": NEW_PASSWORD,
                    "role": "firm_member",
                },
                format="json",
            )
            assert added.status_code == 201
        before = _counts()

        throttled = client.post(
            MEMBERS,
            {"email": "m2@acme.example", "password": NEW_PASSWORD, "role": "firm_member"},
            format="json",
        )

        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "3600"
        assert throttled.json() == {
            "error": {
                "code": "throttled",
                "message": "Request was throttled. Expected available in 3600 seconds.",
                "fields": {},
            }
        }
        assert _counts() == before
        for _ in range(3):
            assert client.get(MEMBERS).status_code == 200

    def test_uploading_statements_is_throttled(
        self, client_for: Callable[[Any], APIClient]
    ) -> None:
        officer = factories.user_with_role(Role.FINANCE_OFFICER)
        client = client_for(officer)
        for _ in range(2):  # refused uploads count too
            refused = client.post(STATEMENTS, {}, format="multipart")
            assert refused.status_code == 400

        upload = SimpleUploadedFile("statement.csv", b"date,amount\n", content_type="text/csv")
        throttled = client.post(STATEMENTS, {"file": upload}, format="multipart")

        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "3600"
        assert throttled.json()["error"]["code"] == "throttled"
        assert BankStatement.objects.count() == 0
        assert AuditEvent.objects.count() == 0
