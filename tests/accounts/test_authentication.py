"""API token authentication: the token, its user and the user's memberships in one query."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _invalid() -> dict[str, Any]:
    return {"error": {"code": "not_authenticated", "message": "Invalid token.", "fields": {}}}


def test_the_token_user_and_memberships_take_one_query() -> None:
    user = factories.user_with_role(Role.FIRM_ADMIN)
    _, token = AuthToken.objects.create(user=user)

    with CaptureQueriesContext(connection) as queries:
        response = _client(token).get(ME)

    assert response.status_code == 200
    assert response.json()["roles"] == ["firm_admin"]
    assert response.json()["organisation"]["id"] == str(user.organisation_id)
    assert len(queries.captured_queries) == 1


def test_every_membership_of_a_staff_user_counts() -> None:
    user = factories.user_with_role(Role.PROGRAMME_OFFICER)
    Membership.objects.create(user=user, role=Role.AUDITOR)
    _, token = AuthToken.objects.create(user=user)

    response = _client(token).get(ME)

    assert response.status_code == 200
    assert sorted(response.json()["roles"]) == ["auditor", "programme_officer"]
    assert response.json()["organisation"] is None


def test_a_user_without_memberships_is_still_authenticated() -> None:
    user = factories.UserFactory.create()
    _, token = AuthToken.objects.create(user=user)

    response = _client(token).get(ME)

    assert response.status_code == 200
    assert response.json()["roles"] == []


def test_tokens_sharing_a_key_prefix_are_told_apart_by_their_digest() -> None:
    owner = factories.user_with_role(Role.FIRM_ADMIN)
    other = factories.user_with_role(Role.FIRM_MEMBER)
    owned, token = AuthToken.objects.create(user=owner)
    forged, _ = AuthToken.objects.create(user=other)
    AuthToken.objects.filter(digest=forged.digest).update(token_key=owned.token_key)

    response = _client(token).get(ME)

    assert response.status_code == 200
    assert response.json()["id"] == str(owner.id)
    assert _client(token[:-1] + ("0" if token[-1] != "0" else "1")).get(ME).json() == _invalid()


def test_a_token_of_an_inactive_user_is_refused() -> None:
    user = factories.user_with_role(Role.FIRM_ADMIN)
    _, token = AuthToken.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = _client(token).get(ME)

    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "not_authenticated",
        "message": "User inactive or deleted.",
        "fields": {},
    }


# The last is not UTF-8 once DRF encodes the header as Latin-1 bytes.
@pytest.mark.parametrize("token", ["no-such-token", "zz" * 32, "é" * 64])
def test_an_unknown_or_malformed_token_is_401(token: str) -> None:
    response = _client(token).get(ME)

    assert response.status_code == 401
    assert response.json() == _invalid()
