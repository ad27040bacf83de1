"""Hostile inputs against every endpoint family (DESIGN.md 6, issue 10 section 4), beside the
schemathesis fuzz: each answers 4xx in the error envelope and writes nothing.

- JSON nested thousands deep, or larger than the body limit, on every endpoint taking a body,
  the unauthenticated ones included: 400 / 413;
- forged or corrupted pagination cursors on every list: 400 `invalid_cursor`;
- control characters in one-line fields: 400 naming the field;
- quantities in any form but an ASCII decimal string: 400 naming the field;
- a fapiao number used for a delivery of the same provider: 422 `invoice_reused`;
- two requests racing to create the same row: one 201, the other 4xx.

Statement lines are covered in `tests/settlement/test_statement_hostile.py`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from rest_framework.test import APIClient

from accounts.models import Affiliation, User
from accounts.roles import Role
from core.exceptions import api_exception_handler
from marketplace import services as marketplace
from marketplace.models import Delivery, Offering, Order
from programmes.models import Programme
from tests import factories
from tests.concurrency import race
from tests.conftest import NothingWritten
from vouchers.models import Voucher


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) >= {"code", "message", "fields"}, body
    return response.status_code, body["error"]["code"]


@dataclass
class World:
    programme: Programme
    firm_admin: User
    provider_admin: User
    officer: User
    finance: User
    auditor: User
    offering: Offering
    voucher: Voucher
    order: Order  # accepted, nothing delivered yet
    clients: dict[str, APIClient]

    def client(self, role: str) -> APIClient:
        return self.clients[role]


@pytest.fixture
def world(db: None, client_for: Callable[[Any], APIClient]) -> World:
    pool = factories.BudgetPoolFactory.create()
    programme = pool.programme
    officer = factories.user_with_role(Role.PROGRAMME_OFFICER)
    provider_admin = factories.accredited_provider_admin(programme, officer=officer)
    offering = factories.listed_offering(provider_admin, programme)
    voucher = factories.issued_voucher(programme, officer=officer)
    firm_admin = voucher.application.applied_by
    order = factories.placed_order(offering, voucher, "10")
    marketplace.order_accept(actor=provider_admin, order_id=order.pk)
    finance = factories.user_with_role(Role.FINANCE_OFFICER)
    auditor = factories.user_with_role(Role.AUDITOR)
    users = {
        "firm_admin": firm_admin,
        "provider_admin": provider_admin,
        "programme_officer": officer,
        "finance_officer": finance,
        "auditor": auditor,
    }
    clients = {role: client_for(user) for role, user in users.items()}
    clients["anonymous"] = APIClient()
    return World(
        programme, firm_admin, provider_admin, officer, finance, auditor, offering, voucher,
        order, clients,
    )  # fmt: skip


# (role, method, path): one endpoint of each family that reads a JSON body, as a caller allowed
# to send it. `{order}`, `{offering}`, `{voucher_application}` are filled in from the world.
BODY_ENDPOINTS = [
    ("anonymous", "post", "/api/v1/organisations/register"),
    ("anonymous", "post", "/api/v1/auth/token"),
    ("firm_admin", "post", "/api/v1/organisations/me/members"),
    ("firm_admin", "post", "/api/v1/organisations/me/affiliations"),
    ("provider_admin", "post", "/api/v1/accreditation-requests"),
    ("provider_admin", "put", "/api/v1/providers/me/bank-account"),
    ("provider_admin", "post", "/api/v1/offerings"),
    ("provider_admin", "patch", "/api/v1/offerings/{offering}"),
    ("firm_admin", "post", "/api/v1/voucher-applications"),
    ("programme_officer", "post", "/api/v1/voucher-applications/{voucher_application}/approve"),
    ("firm_admin", "post", "/api/v1/orders"),
    ("provider_admin", "post", "/api/v1/orders/{order}/deliveries"),
    ("provider_admin", "post", "/api/v1/orders/{order}/reject"),
    ("finance_officer", "post", "/api/v1/payout-batches"),
    ("finance_officer", "post", "/api/v1/clawbacks"),
]

LIST_ENDPOINTS = [
    ("firm_admin", "/api/v1/organisations/me/members"),
    ("firm_admin", "/api/v1/organisations/me/affiliations"),
    ("programme_officer", "/api/v1/accreditation-requests"),
    ("firm_admin", "/api/v1/providers"),
    ("firm_admin", "/api/v1/offerings"),
    ("programme_officer", "/api/v1/voucher-applications"),
    ("programme_officer", "/api/v1/vouchers"),
    ("firm_admin", "/api/v1/orders"),
    ("provider_admin", "/api/v1/orders/{order}/deliveries"),
    ("finance_officer", "/api/v1/payout-batches"),
    ("finance_officer", "/api/v1/reconciliation-exceptions"),
    ("finance_officer", "/api/v1/clawbacks"),
    ("auditor", "/api/v1/audit-events"),
]


def _path(world: World, template: str) -> str:
    return template.format(
        order=world.order.pk,
        offering=world.offering.pk,
        voucher_application=world.voucher.application.pk,
    )


def _send(world: World, role: str, method: str, path: str, body: bytes) -> Any:
    client = world.client(role)
    return getattr(client, method)(_path(world, path), data=body, content_type="application/json")


# --- bodies --------------------------------------------------------------------------------


DEEP_BODIES = {
    "arrays": b"[" * 5000 + b"]" * 5000,
    "objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "inside_a_field": b'{"quantity": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


@pytest.mark.parametrize("shape", DEEP_BODIES)
@pytest.mark.parametrize(("role", "method", "path"), BODY_ENDPOINTS)
def test_json_nested_thousands_deep_is_a_400(
    shape: str,
    role: str,
    method: str,
    path: str,
    world: World,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = _send(world, role, method, path, DEEP_BODIES[shape])

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["message"] == (
        "JSON parse error - nested more than 32 levels deep"
    )


def test_json_nested_to_the_limit_is_parsed(world: World) -> None:
    body = b'{"email": "a@example.com", "password": "x", "deep": ' + b"[" * 31 + b"]" * 31 + b"}"

    response = _send(world, "anonymous", "post", "/api/v1/auth/token", body)

    assert _error(response) == (400, "validation_error")  # a wrong password, not a parse error
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["The e-mail or password is wrong."]
    }


def test_brackets_inside_strings_do_not_count_as_nesting(world: World) -> None:
    name = "[" * 60 + '\\"{' * 20
    body = b'{"email": "a@example.com", "password": "' + name.encode() + b'"}'

    response = _send(world, "anonymous", "post", "/api/v1/auth/token", body)

    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["The e-mail or password is wrong."]
    }


@pytest.mark.parametrize(("role", "method", "path"), BODY_ENDPOINTS)
def test_a_body_over_the_limit_is_a_413(
    role: str,
    method: str,
    path: str,
    world: World,
    settings: Any,
    nothing_written: NothingWritten,
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = b'{"name": "' + b"x" * 5000 + b'"}'

    with nothing_written():
        response = _send(world, role, method, path, body)

    assert _error(response) == (413, "request_too_large")
    assert response.json()["error"]["message"] == (
        "The request body is larger than the limit of 4096 bytes."
    )


def test_a_body_over_the_default_limit_is_a_413_before_registration(
    world: World, nothing_written: NothingWritten
) -> None:
    body = b'{"kind": "firm", "name": "' + b"x" * (3 * 1024 * 1024) + b'"}'

    with nothing_written():
        response = _send(world, "anonymous", "post", "/api/v1/organisations/register", body)

    assert _error(response) == (413, "request_too_large")


def test_a_form_over_the_limit_outside_drf_is_a_413(
    world: World, settings: Any, nothing_written: NothingWritten
) -> None:
    """Django itself raises `RequestDataTooBig` when a non-API view reads `request.POST`."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    with nothing_written():
        response = world.client("anonymous").post(
            "/admin/login/",
            data="username=" + "x" * 2000,
            content_type="application/x-www-form-urlencoded",
        )

    assert _error(response) == (413, "request_too_large")


# --- cursors -------------------------------------------------------------------------------


def _b64(text: bytes) -> str:
    return base64.b64encode(text).decode()


FORGED_CURSORS = {
    "not_base64": "%%%not-base64",
    "not_ascii": "✓✓✓",
    "base64_of_binary": _b64(b"\xff\xfe\x00p=1"),
    "offset_not_a_number": _b64(b"o=abc"),
    "reverse_not_a_number": _b64(b"r=x&p=2025-01-01+00%3A00%3A00%2B00%3A00"),
    "position_garbage": _b64(b"p=garbage"),
    "position_number": _b64(b"p=12345"),
    "position_naive": _b64(b"p=2025-01-01+00%3A00%3A00"),
    "position_nul": _b64(b"p=2025-01-01+00%3A00%3A00%00%2B00%3A00"),
    "position_overflows": _b64(b"p=0001-01-01+00%3A00%3A00%2B01%3A00"),
    "position_offset_without_colon": _b64(b"p=2025-01-01+00%3A00%3A00-2359"),
    "position_week_date": _b64(b"p=2025-W01-1+00%3A00%3A00%2B00%3A00"),
    "position_year_0": _b64(b"p=0000-01-01+00%3A00%3A00%2B00%3A00"),
    "position_month_13": _b64(b"p=2025-13-01+00%3A00%3A00%2B00%3A00"),
}


@pytest.mark.parametrize("cursor", FORGED_CURSORS)
@pytest.mark.parametrize(("role", "path"), LIST_ENDPOINTS)
def test_a_forged_cursor_is_a_400(
    cursor: str, role: str, path: str, world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = world.client(role).get(_path(world, path), {"cursor": FORGED_CURSORS[cursor]})

    assert _error(response) == (400, "invalid_cursor")
    assert response.json()["error"]["fields"] == {"cursor": ["Invalid cursor."]}


def test_a_cursor_the_server_issued_still_pages(world: World) -> None:
    """An extreme but well-formed UTC offset is the same instant in UTC, and still pages."""
    client = world.client("auditor")
    first = client.get("/api/v1/audit-events", {"page_size": "1"})
    assert first.status_code == 200
    second = client.get(first.json()["next"])
    assert second.status_code == 200, second.content
    assert second.json()["results"][0]["id"] != first.json()["results"][0]["id"]
    offset_cursor = _b64(b"p=2099-01-01+00%3A00%3A00-15%3A00")
    third = client.get("/api/v1/audit-events", {"cursor": offset_cursor, "page_size": "1"})
    assert third.status_code == 200


# --- control characters --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Acme\x00Bank", "Acme\r\nBank", "Acme\nBank", "Acme\x1bBank"])
@pytest.mark.parametrize("field", ["account_name", "bank_name"])
def test_a_control_character_in_a_bank_account_field_is_a_400(
    bad: str,
    field: str,
    world: World,
    nothing_written: NothingWritten,
) -> None:
    body = {"account_name": "Acme GPU Ltd", "account_number": "6217000012345678"}
    body |= {"bank_name": "Bank of Shanghai", field: bad}

    with nothing_written():
        response = world.client("provider_admin").put(
            "/api/v1/providers/me/bank-account", body, format="json"
        )

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "field"),
    [
        (
            "anonymous",
            "post",
            "/api/v1/organisations/register",
            {"name": "Acme\r\nInjected: yes"},
            "name",
        ),
        (
            "provider_admin",
            "post",
            "/api/v1/offerings",
            {"name": "A100\nhour", "category": "compute", "unit": "gpu_hour"},
            "name",
        ),
        ("provider_admin", "patch", "/api/v1/offerings/{offering}", {"name": "A\x00"}, "name"),
        (
            "provider_admin",
            "post",
            "/api/v1/orders/{order}/reject",
            {"reason": "no\x07bell"},
            "reason",
        ),
        (
            "firm_admin",
            "post",
            "/api/v1/voucher-applications",
            {"programme": "X\rY", "category": "compute", "requested_fen": 1},
            "programme",
        ),
        ("finance_officer", "post", "/api/v1/payout-batches", {"programme": "A\nB"}, "programme"),
    ],
)
def test_a_control_character_in_a_text_field_is_a_400_naming_it(
    role: str,
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
    world: World,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = getattr(world.client(role), method)(_path(world, path), body, format="json")

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"][field] == ["Control characters are not allowed."]


def test_line_breaks_stay_allowed_in_a_multi_line_reason(world: World) -> None:
    response = world.client("provider_admin").post(
        f"/api/v1/orders/{world.order.pk}/reject", {"reason": "Line one.\r\nLine two."}
    )

    assert response.status_code == 200, response.content


# --- numbers -------------------------------------------------------------------------------


BAD_QUANTITIES = [
    "1_000",
    "١٢",
    "１２",
    "1e1",
    "1E+1",
    "0x10",
    "Infinity",
    "NaN",
    "1.5.1",
    12.5,
    True,
]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_an_order_quantity_in_another_form_is_a_400(
    quantity: Any, world: World, nothing_written: NothingWritten
) -> None:
    body = {"offering": str(world.offering.pk), "voucher": str(world.voucher.pk)}

    with nothing_written():
        response = world.client("firm_admin").post(
            "/api/v1/orders", body | {"quantity": quantity}, format="json"
        )

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["quantity"]


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_a_delivered_quantity_in_another_form_is_a_400(
    quantity: Any, world: World, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = world.client("provider_admin").post(
            f"/api/v1/orders/{world.order.pk}/deliveries",
            {"quantity": quantity, "invoice_number": "FP-1"},
            format="json",
        )

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["quantity"]


@pytest.mark.parametrize("quantity", ["2", "2.5", " 2.5 ", 2])
def test_a_quantity_in_the_contract_form_is_taken(quantity: Any, world: World) -> None:
    response = world.client("provider_admin").post(
        f"/api/v1/orders/{world.order.pk}/deliveries",
        {"quantity": quantity, "invoice_number": "FP-1"},
        format="json",
    )

    assert response.status_code == 201, response.content


# --- fapiao --------------------------------------------------------------------------------


def _deliver(world: World, order: Order, invoice: str, quantity: str = "1") -> Any:
    return world.client("provider_admin").post(
        f"/api/v1/orders/{order.pk}/deliveries",
        {"quantity": quantity, "invoice_number": invoice},
        format="json",
    )


def _second_order(world: World) -> Order:
    order = factories.placed_order(world.offering, world.voucher, "5")
    marketplace.order_accept(actor=world.provider_admin, order_id=order.pk)
    return order


def test_a_fapiao_already_used_on_the_same_order_is_a_422(
    world: World, nothing_written: NothingWritten
) -> None:
    assert _deliver(world, world.order, "FP-0001").status_code == 201

    with nothing_written():
        response = _deliver(world, world.order, "FP-0001")

    assert _error(response) == (422, "invoice_reused")
    assert response.json()["error"]["fields"] == {
        "invoice_number": ["Already used for a delivery."]
    }


def test_a_fapiao_already_used_on_another_order_of_the_provider_is_a_422(
    world: World, nothing_written: NothingWritten
) -> None:
    assert _deliver(world, world.order, "FP-0001").status_code == 201
    second = _second_order(world)

    with nothing_written():
        response = _deliver(world, second, "FP-0001")

    assert _error(response) == (422, "invoice_reused")
    assert Order.objects.get(pk=second.pk).delivered_quantity == 0


def test_another_provider_may_use_the_same_fapiao_number(world: World) -> None:
    assert _deliver(world, world.order, "FP-0001").status_code == 201
    other_admin = factories.accredited_provider_admin(world.programme, officer=world.officer)
    offering = factories.listed_offering(other_admin, world.programme)
    order = factories.placed_order(offering, world.voucher, "1")
    marketplace.order_accept(actor=other_admin, order_id=order.pk)

    delivery = marketplace.delivery_report(
        actor=other_admin, order_id=order.pk, quantity=order.quantity, invoice_number="FP-0001"
    )

    assert delivery.provider_id == other_admin.organisation_id


# --- races ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_racing_with_one_fapiao_one_201_one_422(
    client_for: Callable[[Any], APIClient],
) -> None:
    pool = factories.BudgetPoolFactory.create()
    provider_admin = factories.accredited_provider_admin(pool.programme)
    offering = factories.listed_offering(provider_admin, pool.programme)
    voucher = factories.issued_voucher(pool.programme)
    orders = [factories.placed_order(offering, voucher, "2") for _ in range(2)]
    for order in orders:
        marketplace.order_accept(actor=provider_admin, order_id=order.pk)
    clients = [client_for(provider_admin) for _ in orders]

    def deliver(client: APIClient, order: Order) -> Callable[[], Any]:
        return lambda: client.post(
            f"/api/v1/orders/{order.pk}/deliveries",
            {"quantity": "1", "invoice_number": "FP-RACE"},
            format="json",
        )

    responses = race([deliver(c, o) for c, o in zip(clients, orders, strict=True)])

    assert sorted(r.status_code for r in responses) == [201, 422]
    (refused,) = [r for r in responses if r.status_code == 422]
    assert refused.json()["error"]["code"] == "invoice_reused"
    assert Delivery.objects.count() == 1
    assert sorted(Order.objects.values_list("delivered_quantity", flat=True)) == [0, 1]


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_to_declare_one_affiliation_one_201_one_400(
    client_for: Callable[[Any], APIClient],
) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    clients = [client_for(admin) for _ in range(2)]
    body = {"credit_code": factories.credit_code(), "relation": "shareholder"}

    def declare(client: APIClient) -> Callable[[], Any]:
        return lambda: client.post("/api/v1/organisations/me/affiliations", body, format="json")

    responses = race([declare(c) for c in clients])

    assert sorted(r.status_code for r in responses) == [201, 400]
    (refused,) = [r for r in responses if r.status_code == 400]
    assert refused.json()["error"]["fields"] == {"credit_code": ["Already declared."]}
    assert Affiliation.objects.count() == 1


def test_an_affiliation_committed_after_the_check_is_a_400_not_a_500(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    nothing_written: NothingWritten,
) -> None:
    """The loser of a race passes the existence check; the unique constraint refuses it."""
    credit_code = factories.credit_code()
    factories.AffiliationFactory.create(
        organisation=world.firm_admin.organisation, credit_code=credit_code
    )
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)

    with nothing_written():
        response = world.client("firm_admin").post(
            "/api/v1/organisations/me/affiliations",
            {"credit_code": credit_code, "relation": "shareholder"},
            format="json",
        )

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"credit_code": ["Already declared."]}


def test_a_fapiao_committed_after_the_check_is_a_422_not_a_500(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    nothing_written: NothingWritten,
) -> None:
    assert _deliver(world, world.order, "FP-0001").status_code == 201
    second = _second_order(world)
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)

    with nothing_written():
        response = _deliver(world, second, "FP-0001")

    assert _error(response) == (422, "invoice_reused")


# --- Django's own errors in the envelope -------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "code", "fields"),
    [
        (RequestDataTooBig("big"), 413, "request_too_large", {}),
        (SuspiciousMultipartForm("bad boundary"), 400, "validation_error", {}),
        (
            DjangoValidationError({"name": ["Too long."]}),
            400,
            "validation_error",
            {"name": ["Too long."]},
        ),
        (
            DjangoValidationError("Not allowed."),
            400,
            "validation_error",
            {"non_field_errors": ["Not allowed."]},
        ),
        (IntegrityError("duplicate key value"), 409, "conflict", {}),
        (DataError("value out of range"), 400, "validation_error", {}),
    ],
)
def test_the_handler_renders_djangos_errors_in_the_envelope(
    exc: Exception, status: int, code: str, fields: dict[str, Any]
) -> None:
    response = api_exception_handler(exc, {})

    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["fields"] == fields
