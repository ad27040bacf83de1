"""Providers: accreditation, suspension, bank accounts and the provider directory (API.md 3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from core.models import AuditEvent
from marketplace.models import Offering, Order
from marketplace.services import accreditation_suspend
from programmes.models import Programme
from providers.models import Accreditation, AccreditationRequest, BankAccount
from providers.services import (
    accreditation_request_approve,
    accreditation_request_submit,
    bank_account_set,
)
from tests.factories import (
    accredited_provider_admin,
    issued_voucher,
    listed_offering,
    placed_order,
    seeded_programme,
    user_with_role,
)

pytestmark = pytest.mark.django_db

State = Callable[[], dict[str, Any]]
LedgerOk = Callable[..., None]
ClientFor = Callable[[Any], APIClient]

AT = "2026-03-10T10:00:00+08:00"  # the frozen clock (conftest.NOW), as the API renders it
REQUESTS = "/api/v1/accreditation-requests"
BANK = "/api/v1/providers/me/bank-account"
ACCOUNT_NUMBER = "6222020200123456789"


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _request(client: APIClient, programme: str = "SH2025", categories: Any = None) -> Any:
    return client.post(
        REQUESTS, {"programme": programme, "categories": categories or ["model", "compute"]}
    )


def _offering(client: APIClient, category: str = "compute", name: str = "A100 hour") -> Any:
    return client.post(
        "/api/v1/offerings",
        {
            "programme": "SH2025",
            "category": category,
            "name": name,
            "unit": "gpu_hour" if category == "compute" else "dataset",
            "unit_price_fen": 2000,
            "description": "",
        },
    )


@pytest.fixture
def provider_admin(db: None) -> User:
    return user_with_role(Role.PROVIDER_ADMIN)


@pytest.fixture
def pending_request(sh2025: Programme, provider_admin: User) -> AccreditationRequest:
    return accreditation_request_submit(
        actor=provider_admin, programme=sh2025, categories=["compute", "model"]
    )


# --- accreditation requests -----------------------------------------------------------------


def test_a_provider_admin_requests_accreditation(
    sh2025: Programme, provider_admin: User, client_for: ClientFor, db_state: State
) -> None:
    before = db_state()

    response = _request(client_for(provider_admin), categories=["model", "compute", "model"])

    assert response.status_code == 201
    request = AccreditationRequest.objects.get()
    assert response.json() == {
        "id": str(request.pk),
        "provider": str(provider_admin.organisation_id),
        "programme": "SH2025",
        "categories": ["compute", "model"],
        "status": "pending",
        "reason": "",
        "created_at": AT,
        "decided_at": None,
    }
    after = db_state()
    assert after["rows"]["Accreditation"] == 0
    assert after["rows"]["AuditEvent"] == before["rows"]["AuditEvent"] + 1
    assert after["balances"] == before["balances"]
    event = AuditEvent.objects.get(action="accreditation_request.submitted")
    assert (event.actor, event.object_type, event.object_id, event.after) == (
        provider_admin,
        "providers.accreditationrequest",
        str(request.pk),
        {"programme": "SH2025", "categories": ["compute", "model"]},
    )


@pytest.mark.parametrize(
    ("programme", "categories", "fields"),
    [
        ("SZ2025", ["compute", "model"], {"categories": ["Not in SZ2025: model."]}),
        ("XX2099", ["compute"], {"programme": ["No such programme."]}),
        ("SH2025", ["gpu"], {"categories": {"0": ['"gpu" is not a valid choice.']}}),
        ("SH2025", [], {"categories": ["Ensure this field has at least 1 elements."]}),
    ],
    ids=["category-not-in-programme", "unknown-programme", "unknown-category", "none"],
)
def test_bad_accreditation_requests_are_400_and_write_nothing(
    sh2025: Programme,
    provider_admin: User,
    client_for: ClientFor,
    db_state: State,
    programme: str,
    categories: list[str],
    fields: dict[str, Any],
) -> None:
    seeded_programme(preset="shenzhen-2025", code="SZ2025")
    client = client_for(provider_admin)
    before = db_state()

    response = client.post(REQUESTS, {"programme": programme, "categories": categories})

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == fields
    assert db_state() == before


@pytest.mark.parametrize(
    "role", [Role.FIRM_ADMIN, Role.FIRM_MEMBER, Role.PROVIDER_MEMBER, Role.PROGRAMME_OFFICER]
)
def test_only_a_provider_admin_requests_accreditation(
    sh2025: Programme, client_for: ClientFor, db_state: State, role: str
) -> None:
    before = db_state()

    response = _request(client_for(user_with_role(role)))

    assert _error(response) == (403, "permission_denied")
    assert db_state() == before


def test_listing_accreditation_requests(
    sh2025: Programme, officer: User, client_for: ClientFor
) -> None:
    first, second = user_with_role(Role.PROVIDER_ADMIN), user_with_role(Role.PROVIDER_ADMIN)
    first_pending = _request(client_for(first), categories=["data"]).json()["id"]
    first_approved = _request(client_for(first), categories=["compute"]).json()["id"]
    second_pending = _request(client_for(second)).json()["id"]
    client_for(officer).post(f"{REQUESTS}/{first_approved}/approve")

    def ids(client: APIClient, query: str = "") -> set[str]:
        response = client.get(f"{REQUESTS}{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    staff = client_for(officer)
    assert ids(staff, "?status=pending") == {first_pending, second_pending}
    assert ids(staff, "?status=approved") == {first_approved}
    assert ids(staff) == {first_pending, first_approved, second_pending}
    assert ids(client_for(first)) == {first_pending, first_approved}
    member = client_for(user_with_role(Role.PROVIDER_MEMBER, second.organisation))
    assert ids(member) == {second_pending}
    assert ids(member, "?status=approved") == set()
    assert _error(client_for(second).get(f"{REQUESTS}/{first_pending}")) == (404, "not_found")
    assert client_for(first).get(f"{REQUESTS}/{first_pending}/").json()["categories"] == ["data"]
    firm = client_for(user_with_role(Role.FIRM_ADMIN))
    assert _error(firm.get(REQUESTS)) == (403, "permission_denied")


def test_the_request_list_query_count_does_not_grow(
    sh2025: Programme, officer: User, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    client = client_for(officer)
    for count in (1, 6):
        while AccreditationRequest.objects.count() < count:
            accreditation_request_submit(
                actor=user_with_role(Role.PROVIDER_ADMIN), programme=sh2025, categories=["data"]
            )
        with django_assert_num_queries(2):
            response = client.get(f"{REQUESTS}?status=pending")
        assert len(response.json()["results"]) == count


def test_an_officer_approves_a_request(
    sh2025: Programme,
    pending_request: AccreditationRequest,
    provider_admin: User,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(officer)

    response = client.post(f"{REQUESTS}/{pending_request.pk}/approve")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(pending_request.pk),
        "provider": str(provider_admin.organisation_id),
        "programme": "SH2025",
        "categories": ["compute", "model"],
        "status": "approved",
        "reason": "",
        "created_at": AT,
        "decided_at": AT,
    }
    provider = provider_admin.organisation
    assert provider is not None
    accreditations = Accreditation.objects.filter(provider=provider).order_by("category")
    assert [(a.programme.code, a.category, a.status, a.request_id) for a in accreditations] == [
        ("SH2025", "compute", "active", pending_request.pk),
        ("SH2025", "model", "active", pending_request.pk),
    ]
    assert [
        (a.payable_account.ledger, a.payable_account.code, a.payable_account.is_balance_cached)
        for a in accreditations
    ] == [
        ("SH2025", f"provider:{provider.pk}:payable:compute", False),
        ("SH2025", f"provider:{provider.pk}:payable:model", False),
    ]
    event = AuditEvent.objects.get(action="accreditation_request.approved")
    assert (event.actor, event.object_id, event.before, event.after) == (
        officer,
        str(pending_request.pk),
        {"status": "pending"},
        {"status": "approved", "categories": ["compute", "model"]},
    )

    before = db_state()
    for action, body in (("approve", {}), ("reject", {"reason": "Too late"})):
        again = client.post(f"{REQUESTS}/{pending_request.pk}/{action}", body)
        assert again.status_code == 409
        assert again.json()["error"] == {
            "code": "invalid_state",
            "message": "The request is already approved.",
            "fields": {},
        }
    assert db_state() == before
    assert_ledger_ok("SH2025")


def test_an_officer_rejects_a_request(
    pending_request: AccreditationRequest,
    officer: User,
    client_for: ClientFor,
    db_state: State,
) -> None:
    client = client_for(officer)

    response = client.post(
        f"{REQUESTS}/{pending_request.pk}/reject", {"reason": "No data-centre licence"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == (
        "rejected",
        "No data-centre licence",
    )
    assert response.json()["decided_at"] == AT
    assert not Accreditation.objects.exists()
    event = AuditEvent.objects.get(action="accreditation_request.rejected")
    assert (event.actor, event.before, event.after) == (
        officer,
        {"status": "pending"},
        {"status": "rejected", "reason": "No data-centre licence"},
    )

    before = db_state()
    for action, body in (("reject", {"reason": "Again"}), ("approve", {})):
        again = client.post(f"{REQUESTS}/{pending_request.pk}/{action}", body)
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "invalid_state"
        assert again.json()["error"]["message"] == "The request is already rejected."
    assert db_state() == before


def test_rejecting_a_request_needs_a_reason(
    pending_request: AccreditationRequest, officer: User, client_for: ClientFor, db_state: State
) -> None:
    before = db_state()

    response = client_for(officer).post(f"{REQUESTS}/{pending_request.pk}/reject", {})

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"reason": ["This field is required."]}
    assert db_state() == before


@pytest.mark.parametrize(
    "role", [Role.PROVIDER_ADMIN, Role.FINANCE_OFFICER, Role.AUDITOR, Role.FIRM_ADMIN]
)
def test_only_a_programme_officer_decides_on_requests(
    pending_request: AccreditationRequest,
    provider_admin: User,
    client_for: ClientFor,
    db_state: State,
    role: str,
) -> None:
    user = provider_admin if role == Role.PROVIDER_ADMIN else user_with_role(role)
    client = client_for(user)
    before = db_state()

    approve = client.post(f"{REQUESTS}/{pending_request.pk}/approve")
    reject = client.post(f"{REQUESTS}/{pending_request.pk}/reject", {"reason": "x"})

    assert _error(approve) == (403, "permission_denied")
    assert _error(reject) == (403, "permission_denied")
    assert db_state() == before


# --- offerings need accreditation -----------------------------------------------------------


def test_listing_an_offering_needs_accreditation(
    pending_request: AccreditationRequest,
    provider_admin: User,
    officer: User,
    client_for: ClientFor,
    db_state: State,
) -> None:
    client = client_for(provider_admin)
    before = db_state()

    refused = _offering(client)

    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "provider_not_accredited",
        "message": "The provider is not accredited for compute in SH2025.",
        "fields": {},
    }
    assert db_state() == before

    client_for(officer).post(f"{REQUESTS}/{pending_request.pk}/approve")
    created = _offering(client)
    assert created.status_code == 201
    assert (created.json()["category"], created.json()["status"]) == ("compute", "active")
    assert created.json()["provider"] == str(provider_admin.organisation_id)

    # Accredited for compute and model, not data.
    before = db_state()
    data = _offering(client, category="data", name="Legal corpus")
    assert _error(data) == (422, "provider_not_accredited")
    assert db_state() == before


# --- suspension ----------------------------------------------------------------------------


@pytest.fixture
def trading_provider(sh2025: Programme, officer: User) -> dict[str, Any]:
    """A provider accredited in compute and model with two compute offerings and one model
    offering; a firm holds 60000 of its compute voucher on an order for each compute
    offering (one pending, one accepted and delivered)."""
    admin = accredited_provider_admin(sh2025, ["compute", "model"], officer=officer)
    first = listed_offering(admin, sh2025, "compute", unit_price_fen=2000, name="A100 hour")
    second = listed_offering(admin, sh2025, "compute", unit_price_fen=1000, name="H20 hour")
    model = listed_offering(
        admin, sh2025, "model", unit_price_fen=500, unit="million_tokens", name="Qwen tokens"
    )
    voucher = issued_voucher(sh2025, "compute", 200_000, officer=officer)
    pending = placed_order(first, voucher, "100")  # gross 200000, subsidy 60000
    accepted = placed_order(second, voucher, "200")  # gross 200000, subsidy 60000
    return {
        "admin": admin,
        "offerings": (first, second, model),
        "voucher": voucher,
        "orders": (pending, accepted),
    }


def _compute_accreditation(provider: Organisation | None) -> Accreditation:
    return Accreditation.objects.get(provider=provider, category="compute")


def test_suspension_archives_the_category_and_keeps_open_orders(
    sh2025: Programme,
    trading_provider: dict[str, Any],
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    admin = trading_provider["admin"]
    first = trading_provider["offerings"][0]
    voucher = trading_provider["voucher"]
    pending, accepted = trading_provider["orders"]
    provider_client = client_for(admin)
    firm_client = client_for(voucher.application.applied_by)
    assert provider_client.post(f"/api/v1/orders/{accepted.pk}/accept").status_code == 200
    accreditation = _compute_accreditation(admin.organisation)

    response = client_for(officer).post(
        f"/api/v1/accreditations/{accreditation.pk}/suspend", {"reason": "Fake invoices"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": str(accreditation.pk),
        "programme": "SH2025",
        "category": "compute",
        "status": "suspended",
        "reason": "Fake invoices",
    }
    statuses = dict(Offering.objects.values_list("name", "status"))
    assert statuses == {"A100 hour": "archived", "H20 hour": "archived", "Qwen tokens": "active"}
    assert Accreditation.objects.get(provider=admin.organisation, category="model").status == (
        "active"
    )
    event = AuditEvent.objects.get(action="accreditation.suspended")
    assert (event.actor, event.after) == (
        officer,
        {"status": "suspended", "reason": "Fake invoices", "offerings_archived": 2},
    )
    # The open orders keep their holds.
    voucher_body = firm_client.get(f"/api/v1/vouchers/{voucher.pk}").json()
    assert (voucher_body["held_fen"], voucher_body["available_fen"]) == (120_000, 80_000)

    # New orders on an archived offering are refused, and nothing is written.
    before = db_state()
    refused = firm_client.post(
        "/api/v1/orders",
        {"offering": str(first.pk), "quantity": "1", "voucher": str(voucher.pk)},
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "invalid_state",
        "message": "Offering 'A100 hour' is archived.",
        "fields": {},
    }
    assert db_state() == before
    # No new offering in the suspended category either.
    no_offering = _offering(provider_client, name="B200 hour")
    assert _error(no_offering) == (422, "provider_not_accredited")
    assert db_state() == before
    # The other category trades on.
    assert _offering(provider_client, category="model", name="More tokens").status_code == 201

    # The open orders can still be delivered and confirmed.
    for order, delivered in ((pending, "100"), (accepted, "100")):
        if order is pending:
            assert provider_client.post(f"/api/v1/orders/{order.pk}/accept").status_code == 200
        delivery = provider_client.post(
            f"/api/v1/orders/{order.pk}/deliveries",
            {"quantity": delivered, "invoice_number": f"FP-{str(order.pk)[:8]}"},
        )
        assert delivery.status_code == 201, delivery.json()
        assert provider_client.post(f"/api/v1/orders/{order.pk}/complete").status_code == 200
        confirmed = firm_client.post(f"/api/v1/orders/{order.pk}/confirm")
        assert confirmed.status_code == 200, confirmed.json()
    assert Order.objects.get(pk=pending.pk).captured_subsidy_fen == 60_000
    assert Order.objects.get(pk=accepted.pk).captured_subsidy_fen == 30_000  # 100 of 200 hours
    voucher_body = firm_client.get(f"/api/v1/vouchers/{voucher.pk}").json()
    assert (voucher_body["held_fen"], voucher_body["used_fen"], voucher_body["available_fen"]) == (
        0,
        90_000,
        110_000,
    )
    assert_ledger_ok("SH2025")


def test_suspending_twice_is_409(
    trading_provider: dict[str, Any],
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    accreditation = _compute_accreditation(trading_provider["admin"].organisation)
    client = client_for(officer)
    path = f"/api/v1/accreditations/{accreditation.pk}/suspend"
    assert client.post(path, {"reason": "a"}).status_code == 200
    before = db_state()

    again = client.post(path, {"reason": "b"})

    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "invalid_state",
        "message": "The accreditation is already suspended.",
        "fields": {},
    }
    assert db_state() == before
    assert_ledger_ok()


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.FINANCE_OFFICER, Role.FIRM_ADMIN])
def test_only_a_programme_officer_suspends(
    trading_provider: dict[str, Any],
    client_for: ClientFor,
    db_state: State,
    role: str,
    assert_ledger_ok: LedgerOk,
) -> None:
    admin = trading_provider["admin"]
    accreditation = _compute_accreditation(admin.organisation)
    user = admin if role == Role.PROVIDER_ADMIN else user_with_role(role)
    before = db_state()

    response = client_for(user).post(
        f"/api/v1/accreditations/{accreditation.pk}/suspend", {"reason": "x"}
    )

    assert _error(response) == (403, "permission_denied")
    assert db_state() == before
    assert_ledger_ok()


def test_suspending_an_unknown_accreditation_is_404(
    sh2025: Programme, officer: User, client_for: ClientFor
) -> None:
    response = client_for(officer).post(
        "/api/v1/accreditations/00000000-0000-0000-0000-000000000000/suspend", {"reason": "x"}
    )

    assert response.json() == {
        "error": {"code": "not_found", "message": "No such accreditation.", "fields": {}}
    }
    assert response.status_code == 404


def test_a_suspended_provider_can_be_accredited_again(
    sh2025: Programme,
    trading_provider: dict[str, Any],
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    admin = trading_provider["admin"]
    accreditation = _compute_accreditation(admin.organisation)
    client_for(officer).post(
        f"/api/v1/accreditations/{accreditation.pk}/suspend", {"reason": "Audit"}
    )
    request = _request(client_for(admin), categories=["compute"]).json()

    client_for(officer).post(f"{REQUESTS}/{request['id']}/approve")

    accreditation.refresh_from_db()
    assert (accreditation.status, accreditation.reason) == ("active", "")
    assert Accreditation.objects.filter(provider=admin.organisation).count() == 2
    assert _offering(client_for(admin), name="B200 hour").status_code == 201
    # What suspension archived stays archived.
    assert Offering.objects.get(name="A100 hour").status == "archived"
    assert_ledger_ok("SH2025")


# --- bank account ---------------------------------------------------------------------------

BANK_BODY = {
    "account_name": "Cloud Co Ltd",
    "account_number": ACCOUNT_NUMBER,
    "bank_name": "ICBC Shanghai Pudong",
}
MASKED_BANK = {
    "account_name": "Cloud Co Ltd",
    "account_number_masked": "****6789",
    "bank_name": "ICBC Shanghai Pudong",
    "updated_at": AT,
}


def test_a_provider_admin_sets_and_reads_the_bank_account(
    provider_admin: User, client_for: ClientFor
) -> None:
    client = client_for(provider_admin)
    assert client.get(BANK).json() == {
        "error": {"code": "not_found", "message": "No bank account has been set.", "fields": {}}
    }

    response = client.put(BANK, BANK_BODY)

    assert response.status_code == 200
    assert response.json() == MASKED_BANK
    assert client.get(BANK).json() == MASKED_BANK
    assert client.get(f"{BANK}/").json() == MASKED_BANK
    member = client_for(user_with_role(Role.PROVIDER_MEMBER, provider_admin.organisation))
    assert member.get(BANK).json() == MASKED_BANK
    account = BankAccount.objects.get()
    assert (account.provider_id, account.account_number) == (
        provider_admin.organisation_id,
        ACCOUNT_NUMBER,
    )

    changed = client.put(BANK, {**BANK_BODY, "account_number": "6222020200987654321"})
    assert changed.json()["account_number_masked"] == "****4321"
    assert BankAccount.objects.get().account_number == "6222020200987654321"
    masked = {
        "account_name": "Cloud Co Ltd",
        "account_number_masked": "****6789",
        "bank_name": "ICBC Shanghai Pudong",
    }
    events = AuditEvent.objects.filter(action="bank_account.set")
    assert events.count() == 2
    first, second = events.get(before__isnull=True), events.get(before__isnull=False)
    assert (first.actor, first.object_id, first.after) == (provider_admin, str(account.pk), masked)
    assert (second.before, second.after) == (
        masked,
        {**masked, "account_number_masked": "****4321"},
    )
    # The audit log never holds the full number.
    for event in events:
        assert ACCOUNT_NUMBER not in json.dumps([event.before, event.after])
        assert "6222020200987654321" not in json.dumps([event.before, event.after])


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"account_number": "6222-0202-0012"},
            {"account_number": ["This value does not match the required pattern."]},
        ),
        (
            {"account_number": "1234567"},
            {"account_number": ["This value does not match the required pattern."]},
        ),
        (
            {"account_number": "1" * 35},
            {
                "account_number": [
                    "Ensure this field has no more than 34 characters.",
                    "This value does not match the required pattern.",
                ]
            },
        ),
        ({"account_number": ""}, {"account_number": ["This field may not be blank."]}),
        ({"bank_name": ""}, {"bank_name": ["This field may not be blank."]}),
    ],
    ids=["not-digits", "too-short", "too-long", "blank", "no-bank"],
)
def test_an_invalid_bank_account_is_400_and_writes_nothing(
    provider_admin: User,
    client_for: ClientFor,
    db_state: State,
    changes: dict[str, str],
    fields: dict[str, Any],
) -> None:
    client = client_for(provider_admin)
    before = db_state()

    response = client.put(BANK, {**BANK_BODY, **changes})

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == fields
    assert db_state() == before

    # Nor does a bad update touch the account already set.
    assert client.put(BANK, BANK_BODY).status_code == 200
    before = db_state()
    assert _error(client.put(BANK, {**BANK_BODY, **changes})) == (400, "validation_error")
    assert db_state() == before


@pytest.mark.parametrize("role", [Role.PROVIDER_MEMBER, Role.FIRM_ADMIN, Role.FINANCE_OFFICER])
def test_only_a_provider_admin_sets_the_bank_account(
    client_for: ClientFor, db_state: State, role: str
) -> None:
    before = db_state()

    response = client_for(user_with_role(role)).put(BANK, BANK_BODY)

    assert _error(response) == (403, "permission_denied")
    assert db_state() == before


@pytest.mark.parametrize("role", [Role.FIRM_ADMIN, Role.PROGRAMME_OFFICER])
def test_only_providers_read_their_bank_account(client_for: ClientFor, role: str) -> None:
    response = client_for(user_with_role(role)).get(BANK)

    assert _error(response) == (403, "permission_denied")


# --- the provider directory ----------------------------------------------------------------


@pytest.fixture
def directory(sh2025: Programme, officer: User) -> dict[str, Any]:
    """`accredited` (compute, with a bank account), `unaccredited` (a pending request only)
    and `suspended` (data, suspended: no active accreditation left)."""
    accredited = accredited_provider_admin(sh2025, ["compute"], officer=officer)
    bank_account_set(actor=accredited, **BANK_BODY)
    unaccredited = user_with_role(Role.PROVIDER_ADMIN)
    accreditation_request_submit(actor=unaccredited, programme=sh2025, categories=["model"])
    suspended = user_with_role(Role.PROVIDER_ADMIN)
    request = accreditation_request_submit(actor=suspended, programme=sh2025, categories=["data"])
    accreditation_request_approve(request=request, actor=officer)
    data = Accreditation.objects.get(provider=suspended.organisation)
    accreditation_suspend(accreditation=data, reason="Scraped corpus", actor=officer)
    return {
        name: user.organisation
        for name, user in (
            ("accredited", accredited),
            ("unaccredited", unaccredited),
            ("suspended", suspended),
        )
    }


def _provider_body(provider: Organisation, bank: Any = ..., **kwargs: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(provider.pk),
        "organisation": str(provider.pk),
        "name": provider.name,
        "credit_code": provider.credit_code,
        "accreditations": [
            {
                "id": str(accreditation.pk),
                "programme": "SH2025",
                "category": accreditation.category,
                "status": accreditation.status,
                "reason": accreditation.reason,
            }
            for accreditation in Accreditation.objects.filter(provider=provider).order_by(
                "category"
            )
        ],
    }
    if bank is not ...:
        body["bank_account"] = bank
    return body


def _by_name(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.json()
    return sorted(response.json()["results"], key=lambda row: row["name"])


def test_any_user_sees_accredited_providers_without_bank_details(
    directory: dict[str, Organisation], client_for: ClientFor
) -> None:
    accredited = directory["accredited"]
    expected = _provider_body(accredited)
    assert expected["accreditations"][0]["status"] == "active"

    readers = [
        user_with_role(Role.FIRM_ADMIN),
        user_with_role(Role.FIRM_MEMBER),
        user_with_role(Role.PROVIDER_MEMBER, accredited),
    ]
    for reader in readers:
        client = client_for(reader)
        assert _by_name(client.get("/api/v1/providers")) == [expected]
        assert client.get(f"/api/v1/providers/{accredited.pk}").json() == expected
        for hidden in (directory["unaccredited"], directory["suspended"]):
            response = client.get(f"/api/v1/providers/{hidden.pk}")
            assert response.status_code == 404
            assert response.json() == {
                "error": {"code": "not_found", "message": "No such provider.", "fields": {}}
            }


def test_a_provider_sees_itself_before_accreditation(
    directory: dict[str, Organisation], client_for: ClientFor
) -> None:
    unaccredited = directory["unaccredited"]
    admin = User.objects.get(membership__organisation=unaccredited)
    client = client_for(admin)

    assert _by_name(client.get("/api/v1/providers")) == sorted(
        [_provider_body(directory["accredited"]), _provider_body(unaccredited)],
        key=lambda row: row["name"],
    )
    assert client.get(f"/api/v1/providers/{unaccredited.pk}").json() == _provider_body(unaccredited)
    assert "bank_account" not in client.get(f"/api/v1/providers/{unaccredited.pk}").json()


@pytest.mark.parametrize("role", [Role.PROGRAMME_OFFICER, Role.AUDITOR])
def test_staff_see_every_provider_with_a_masked_bank_account(
    directory: dict[str, Organisation], client_for: ClientFor, role: str
) -> None:
    client = client_for(user_with_role(role))

    listing = _by_name(client.get("/api/v1/providers"))

    expected = sorted(
        [
            _provider_body(directory["accredited"], bank=MASKED_BANK),
            _provider_body(directory["unaccredited"], bank=None),
            _provider_body(directory["suspended"], bank=None),
        ],
        key=lambda row: row["name"],
    )
    assert listing == expected
    suspended = _provider_body(directory["suspended"], bank=None)
    assert suspended["accreditations"][0] | {"id": None} == {
        "id": None,
        "programme": "SH2025",
        "category": "data",
        "status": "suspended",
        "reason": "Scraped corpus",
    }
    assert client.get(f"/api/v1/providers/{directory['suspended'].pk}").json() == suspended
    detail = client.get(f"/api/v1/providers/{directory['accredited'].pk}").json()
    assert detail["bank_account"] == MASKED_BANK
    assert ACCOUNT_NUMBER not in json.dumps(detail)


def test_a_finance_officer_sees_the_full_account_number(
    directory: dict[str, Organisation], client_for: ClientFor
) -> None:
    client = client_for(user_with_role(Role.FINANCE_OFFICER))
    accredited = directory["accredited"]

    detail = client.get(f"/api/v1/providers/{accredited.pk}")

    assert detail.json() == _provider_body(
        accredited, bank={**MASKED_BANK, "account_number": ACCOUNT_NUMBER}
    )
    rows = {row["id"]: row for row in client.get("/api/v1/providers").json()["results"]}
    assert rows[str(accredited.pk)]["bank_account"]["account_number"] == ACCOUNT_NUMBER
    assert rows[str(directory["unaccredited"].pk)]["bank_account"] is None


def test_provider_filters(
    directory: dict[str, Organisation], client_for: ClientFor, officer: User
) -> None:
    seeded_programme(preset="shenzhen-2025", code="SZ2025")
    staff = client_for(officer)

    def ids(query: str) -> set[str]:
        return {row["id"] for row in _by_name(staff.get(f"/api/v1/providers?{query}"))}

    assert ids("category=compute") == {str(directory["accredited"].pk)}
    assert ids("category=data") == {str(directory["suspended"].pk)}
    assert ids("programme=SH2025") == {
        str(directory["accredited"].pk),
        str(directory["suspended"].pk),
    }
    assert ids("programme=SZ2025") == set()
    assert _error(staff.get("/api/v1/providers?category=gpu")) == (400, "validation_error")


def test_the_provider_list_query_count_does_not_grow(
    sh2025: Programme,
    officer: User,
    client_for: ClientFor,
    django_assert_num_queries: Any,
) -> None:
    client = client_for(user_with_role(Role.FINANCE_OFFICER))
    for count in (1, 5):
        while Organisation.objects.filter(kind="provider").count() < count:
            admin = accredited_provider_admin(sh2025, ["compute", "data"], officer=officer)
            bank_account_set(actor=admin, **BANK_BODY)
        with django_assert_num_queries(3):
            response = client.get("/api/v1/providers")
        assert len(response.json()["results"]) == count
