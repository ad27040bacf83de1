"""Deterministic regression tests for bugs the fuzzer (``test_fuzz.py``) found.

Add one here when the fuzzer finds a bug, with the input it reported, so that the bug stays
fixed whatever inputs later fuzzing runs happen to draw.
"""

from __future__ import annotations

import pytest
from django_filters import rest_framework as filters
from knox.models import AuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import Membership
from accounts.roles import Role
from core.filters import StrictFilterBackend
from marketplace.models import Order
from tests.factories import MembershipFactory, user_with_role


class _CreatedBefore(filters.FilterSet):
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Membership
        fields = ["created_before"]


class _View:
    filterset_class = _CreatedBefore


def _filter(value: str) -> list[Membership]:
    request = Request(APIRequestFactory().get("/", {"created_before": value}))
    queryset = StrictFilterBackend().filter_queryset(request, Membership.objects.all(), _View())
    return list(queryset)  # runs the query on PostgreSQL


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        # GET /api/v1/orders?created_before=0292-04-09T04:52:38-23:33 answered 500: PostgreSQL
        # refuses UTC offsets beyond ±15:59, which ISO 8601 parsing accepts.
        "2099-01-01T00:00:00-23:33",
        "2099-01-01T00:00:00+16:00",
        "2099-01-01T00:00:00+14:00",
    ],
)
def test_datetime_filter_takes_any_utc_offset(value: str) -> None:
    membership = MembershipFactory.create()
    assert _filter(value) == [membership]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_datetime_filter_outside_the_representable_range_is_a_bad_filter(value: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _filter(value)
    assert raised.value.detail == {"created_before": ["Out of range."]}


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["", "text/plain", "application/xml"])
def test_a_body_in_a_media_type_the_view_does_not_take_is_a_415(content_type: str) -> None:
    """POST /api/v1/orders with a body and no Content-Type answered 415, which the schema did
    not document (core.schema.add_error_responses now does)."""
    _, token = AuthToken.objects.create(user=user_with_role(Role.FIRM_ADMIN))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.generic("POST", "/api/v1/orders", data="V", content_type=content_type)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert Order.objects.count() == 0
