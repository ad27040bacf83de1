"""Voucher applications, issue, revocation and expiry (DESIGN.md 2, steps 2 and 7)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from core.exceptions import InvalidStateError, SubsidyRuleError
from core.models import AuditEvent
from ledger.models import Account, Transfer
from ledger.services import balances_of
from marketplace import services as marketplace
from marketplace.models import Offering, Order
from programmes.models import BudgetPool, Programme
from tests.concurrency import race
from tests.factories import (
    BudgetPoolFactory,
    ProgrammeFactory,
    accredited_provider_admin,
    delivered_order,
    issued_voucher,
    listed_offering,
    placed_order,
    seeded_programme,
    user_with_role,
)
from vouchers.models import FirmCapUsage, Voucher, VoucherApplication
from vouchers.services import voucher_application_submit, voucher_issue
from vouchers.tasks import expire_vouchers

pytestmark = pytest.mark.django_db

State = Callable[[], dict[str, Any]]
LedgerOk = Callable[..., None]
ClientFor = Callable[[Any], APIClient]

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPUTE_BUDGET = 60_000_000_000
ISSUED_AT = "2026-03-10T10:00:00+08:00"
VALID_UNTIL = "2027-03-10T10:00:00+08:00"


def _apply(client: APIClient, **overrides: Any) -> Any:
    body = {
        "programme": "SH2025",
        "category": "compute",
        "requested_fen": 100_000,
        "justification": "Fine-tuning a customer-service model",
    }
    body.update(overrides)
    return client.post("/api/v1/voucher-applications", body)


def _pool_available(programme: Programme, category: str = "compute") -> int:
    pool = BudgetPool.objects.select_related("account").get(programme=programme, category=category)
    return balances_of([pool.account])[pool.account.pk].available


def _voucher_body(voucher: Voucher, **changes: Any) -> dict[str, Any]:
    body = {
        "id": str(voucher.pk),
        "code": voucher.code,
        "programme": voucher.programme.code,
        "category": voucher.category,
        "firm": str(voucher.firm_id),
        "face_value_fen": voucher.face_value_fen,
        "available_fen": voucher.face_value_fen,
        "held_fen": 0,
        "used_fen": 0,
        "rate_bps": voucher.rate_bps,
        "valid_from": ISSUED_AT,
        "valid_until": VALID_UNTIL,
        "status": "active",
    }
    body.update(changes)
    return body


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def firm_admin(db: None) -> User:
    return user_with_role(Role.FIRM_ADMIN)


@pytest.fixture
def compute_offering(sh2025: Programme, officer: User) -> Offering:
    provider_admin = accredited_provider_admin(sh2025, ["compute"], officer=officer)
    return listed_offering(provider_admin, sh2025, "compute", unit_price_fen=2000)


def _provider_admin_of(offering: Offering) -> User:
    return User.objects.get(
        membership__organisation=offering.provider, membership__role=Role.PROVIDER_ADMIN
    )


# --- applying ------------------------------------------------------------------------------


def test_a_firm_admin_applies(
    sh2025: Programme,
    firm_admin: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    before = db_state()

    response = _apply(client_for(firm_admin))

    assert response.status_code == 201
    application = VoucherApplication.objects.get()
    assert response.json() == {
        "id": str(application.pk),
        "programme": "SH2025",
        "firm": str(firm_admin.organisation_id),
        "category": "compute",
        "requested_fen": 100_000,
        "approved_fen": None,
        "justification": "Fine-tuning a customer-service model",
        "status": "pending",
        "reason": "",
        "voucher": None,
        "created_at": ISSUED_AT,
        "decided_at": None,
    }
    after = db_state()
    assert after["rows"]["VoucherApplication"] == before["rows"]["VoucherApplication"] + 1
    assert after["rows"]["AuditEvent"] == before["rows"]["AuditEvent"] + 1
    assert after["rows"]["Voucher"] == 0
    assert after["balances"] == before["balances"]
    event = AuditEvent.objects.get(action="voucher_application.submitted")
    assert (event.actor, event.object_id, event.after) == (
        firm_admin,
        str(application.pk),
        {"programme": "SH2025", "category": "compute", "requested_fen": 100_000},
    )
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "role", [Role.FIRM_MEMBER, Role.PROVIDER_ADMIN, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER]
)
def test_only_a_firm_admin_may_apply(
    sh2025: Programme,
    client_for: ClientFor,
    db_state: State,
    role: str,
    assert_ledger_ok: LedgerOk,
) -> None:
    before = db_state()

    response = _apply(client_for(user_with_role(role)))

    assert _error(response) == (403, "permission_denied")
    assert db_state() == before
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        (
            {"requested_fen": 0},
            {"requested_fen": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"requested_fen": -500},
            {"requested_fen": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"requested_fen": 2**63},
            {"requested_fen": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        (
            {"requested_fen": 10**40},
            {"requested_fen": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        ({"requested_fen": "12.5"}, {"requested_fen": ["A valid integer is required."]}),
        ({"requested_fen": 500_000_001}, {"requested_fen": ["At most 500000000."]}),
        ({"programme": "XX2099"}, {"programme": ["No such programme."]}),
        ({"category": "gpu"}, {"category": ['"gpu" is not a valid choice.']}),
        ({"programme": "SZ2025", "category": "model"}, {"category": ["Not a category of SZ2025."]}),
        (
            {"programme": "SZ2025", "category": "data", "requested_fen": 200_000_001},
            {"requested_fen": ["At most 200000000."]},
        ),
        ({"justification": ""}, {"justification": ["This field may not be blank."]}),
    ],
    ids=[
        "zero",
        "negative",
        "overflows-64-bits",
        "absurd",
        "not-an-integer",
        "over-the-firm-cap",
        "unknown-programme",
        "unknown-category",
        "category-without-a-pool",
        "over-shenzhen-data-cap",
        "no-justification",
    ],
)
def test_bad_applications_are_400_and_write_nothing(
    sh2025: Programme,
    firm_admin: User,
    client_for: ClientFor,
    db_state: State,
    overrides: dict[str, Any],
    fields: dict[str, Any],
    assert_ledger_ok: LedgerOk,
) -> None:
    seeded_programme(preset="shenzhen-2025", code="SZ2025")
    client = client_for(firm_admin)
    before = db_state()

    response = _apply(client, **overrides)

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == fields
    assert db_state() == before
    assert_ledger_ok("SH2025")


def test_an_application_within_the_firm_cap_is_accepted(
    sh2025: Programme,
    firm_admin: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    response = _apply(client_for(firm_admin), requested_fen=500_000_000)

    assert response.status_code == 201
    assert response.json()["requested_fen"] == 500_000_000
    assert_ledger_ok("SH2025")


def test_a_retried_application_with_the_same_key_is_replayed(
    sh2025: Programme, firm_admin: User, client_for: ClientFor, assert_ledger_ok: LedgerOk
) -> None:
    client = client_for(firm_admin)
    body = {
        "programme": "SH2025",
        "category": "compute",
        "requested_fen": 100_000,
        "justification": "Retried after a timeout",
    }

    first = client.post("/api/v1/voucher-applications", body, HTTP_IDEMPOTENCY_KEY="apply-1")
    again = client.post("/api/v1/voucher-applications", body, HTTP_IDEMPOTENCY_KEY="apply-1")
    changed = client.post(
        "/api/v1/voucher-applications",
        {**body, "requested_fen": 200_000},
        HTTP_IDEMPOTENCY_KEY="apply-1",
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert _error(changed) == (409, "idempotency_key_reused")
    assert VoucherApplication.objects.count() == 1
    assert_ledger_ok("SH2025")


def test_the_application_list_query_count_does_not_grow(
    sh2025: Programme,
    officer: User,
    client_for: ClientFor,
    django_assert_num_queries: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(officer)
    for count in (1, 6):
        while VoucherApplication.objects.count() < count:
            issued_voucher(sh2025, "compute", 1_000, officer=officer)
        with django_assert_num_queries(2):
            response = client.get("/api/v1/voucher-applications")
        assert [row["voucher"]["face_value_fen"] for row in response.json()["results"]] == (
            [1_000] * count
        )
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2025, 7, 31, 23, 59, 59, tzinfo=SHANGHAI),
        dt.datetime(2028, 1, 1, 0, 0, tzinfo=SHANGHAI),
        # Already 2028-01-01 in Shanghai, the programme's time zone.
        dt.datetime(2027, 12, 31, 16, 0, tzinfo=dt.UTC),
    ],
    ids=str,
)
def test_applying_outside_the_programme_period_is_409(
    sh2025: Programme,
    firm_admin: User,
    client_for: ClientFor,
    db_state: State,
    time_machine: Any,
    moment: dt.datetime,
    assert_ledger_ok: LedgerOk,
) -> None:
    time_machine.move_to(moment, tick=False)
    before = db_state()

    response = _apply(client_for(firm_admin))

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_state",
            "message": "Programme SH2025 runs from 2025-08-01 to 2027-12-31.",
            "fields": {},
        }
    }
    assert db_state() == before
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2025, 8, 1, 0, 0, tzinfo=SHANGHAI),
        dt.datetime(2027, 12, 31, 23, 59, 59, tzinfo=SHANGHAI),
    ],
    ids=str,
)
def test_applying_on_the_first_and_last_day_is_accepted(
    sh2025: Programme,
    firm_admin: User,
    client_for: ClientFor,
    time_machine: Any,
    moment: dt.datetime,
    assert_ledger_ok: LedgerOk,
) -> None:
    time_machine.move_to(moment, tick=False)

    response = _apply(client_for(firm_admin))

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert_ledger_ok("SH2025")


# --- approving and rejecting ----------------------------------------------------------------


@pytest.fixture
def application(sh2025: Programme, firm_admin: User) -> VoucherApplication:
    return voucher_application_submit(
        actor=firm_admin,
        programme=sh2025,
        category="compute",
        requested_fen=100_000,
        justification="Training a model",
    )


def test_an_officer_approves_for_less(
    sh2025: Programme,
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    response = client_for(officer).post(
        f"/api/v1/voucher-applications/{application.pk}/approve", {"approved_fen": 80_000}
    )

    assert response.status_code == 200
    voucher = Voucher.objects.get()
    assert response.json() == {
        "id": str(application.pk),
        "programme": "SH2025",
        "firm": str(application.firm_id),
        "category": "compute",
        "requested_fen": 100_000,
        "approved_fen": 80_000,
        "justification": "Training a model",
        "status": "approved",
        "reason": "",
        "voucher": _voucher_body(voucher, face_value_fen=80_000, available_fen=80_000),
        "created_at": ISSUED_AT,
        "decided_at": ISSUED_AT,
    }
    assert voucher.code.startswith("V-")
    assert len(voucher.code) == 10
    assert (voucher.rate_bps, voucher.pool.category, voucher.firm_id) == (
        3000,
        "compute",
        application.firm_id,
    )
    application.refresh_from_db()
    assert (application.status, application.approved_fen, application.decided_by) == (
        "approved",
        80_000,
        officer,
    )
    # The face value is committed from the pool into the voucher's account.
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 80_000
    account = voucher.account
    assert (account.ledger, account.code, account.debits_must_not_exceed_credits) == (
        "SH2025",
        f"voucher:{voucher.pk}",
        True,
    )
    assert balances_of([account])[account.pk].credits_posted == 80_000
    issue = Transfer.objects.get(kind="voucher_issue")
    assert (issue.amount, issue.phase, issue.debit_account.code, issue.credit_account_id) == (
        80_000,
        "single",
        "pool:compute",
        account.pk,
    )
    event = AuditEvent.objects.get(action="voucher.issued")
    assert (event.actor, event.object_id, event.before, event.after) == (
        officer,
        str(voucher.pk),
        {"application_status": "pending"},
        {
            "application": str(application.pk),
            "code": voucher.code,
            "face_value_fen": 80_000,
            "valid_until": VALID_UNTIL,
        },
    )
    pools = client_for(application.applied_by).get("/api/v1/programmes/SH2025").json()["pools"]
    assert pools[0] == {
        "category": "compute",
        "budget_fen": COMPUTE_BUDGET,
        "committed_fen": 80_000,
        "available_fen": COMPUTE_BUDGET - 80_000,
        "rate_bps": 3000,
        "firm_cap_fen": 500_000_000,
    }
    assert_ledger_ok("SH2025")


def test_approving_without_an_amount_grants_the_request(
    sh2025: Programme,
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    response = client_for(officer).post(f"/api/v1/voucher-applications/{application.pk}/approve")

    assert response.status_code == 200
    assert response.json()["approved_fen"] == 100_000
    assert response.json()["voucher"]["face_value_fen"] == 100_000
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 100_000
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "role", [Role.FIRM_ADMIN, Role.FINANCE_OFFICER, Role.AUDITOR, Role.PROVIDER_ADMIN]
)
def test_only_a_programme_officer_approves_or_rejects(
    application: VoucherApplication,
    client_for: ClientFor,
    db_state: State,
    role: str,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(user_with_role(role))
    before = db_state()

    approve = client.post(f"/api/v1/voucher-applications/{application.pk}/approve")
    reject = client.post(f"/api/v1/voucher-applications/{application.pk}/reject", {"reason": "x"})

    assert _error(approve) == (403, "permission_denied")
    assert _error(reject) == (403, "permission_denied")
    assert db_state() == before
    assert_ledger_ok()


@pytest.mark.parametrize(
    ("approved_fen", "fields"),
    [
        (100_001, {"approved_fen": ["Between 1 and 100000."]}),
        (0, {"approved_fen": ["Ensure this value is greater than or equal to 1."]}),
        (-1, {"approved_fen": ["Ensure this value is greater than or equal to 1."]}),
        ("lots", {"approved_fen": ["A valid integer is required."]}),
    ],
)
def test_approving_an_amount_out_of_range_is_400(
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    approved_fen: Any,
    fields: dict[str, Any],
    assert_ledger_ok: LedgerOk,
) -> None:
    before = db_state()

    response = client_for(officer).post(
        f"/api/v1/voucher-applications/{application.pk}/approve", {"approved_fen": approved_fen}
    )

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == fields
    assert db_state() == before
    assert_ledger_ok()


def test_approving_twice_is_409(
    sh2025: Programme,
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(officer)
    assert client.post(f"/api/v1/voucher-applications/{application.pk}/approve").status_code == 200
    before = db_state()

    again = client.post(
        f"/api/v1/voucher-applications/{application.pk}/approve", {"approved_fen": 50_000}
    )

    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "invalid_state",
        "message": "The application is already approved.",
        "fields": {},
    }
    assert db_state() == before
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 100_000
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    ("issued_at", "valid_until"),
    [
        (dt.datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI), "2027-12-31T23:00:00+08:00"),
        # Twelve months would run past the programme: capped at the end of its last day.
        (dt.datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI), "2028-01-01T00:00:00+08:00"),
        (dt.datetime(2027, 6, 15, 9, 30, tzinfo=SHANGHAI), "2028-01-01T00:00:00+08:00"),
    ],
    ids=["twelve-months", "just-capped", "capped"],
)
def test_a_voucher_is_valid_twelve_months_at_most_to_the_programme_end(
    sh2025: Programme,
    firm_admin: User,
    officer: User,
    client_for: ClientFor,
    time_machine: Any,
    issued_at: dt.datetime,
    valid_until: str,
    assert_ledger_ok: LedgerOk,
) -> None:
    time_machine.move_to(issued_at, tick=False)
    application = _apply(client_for(firm_admin)).json()

    voucher = (
        client_for(officer)
        .post(f"/api/v1/voucher-applications/{application['id']}/approve")
        .json()["voucher"]
    )

    assert (voucher["valid_from"], voucher["valid_until"]) == (
        issued_at.isoformat(),
        valid_until,
    )
    assert_ledger_ok("SH2025")


def test_validity_counts_months_in_the_programme_time_zone(
    firm_admin: User,
    officer: User,
    time_machine: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    """Issued on 31 January in Shanghai (still 30 January in UTC), a one-month voucher runs to
    28 February in Shanghai, not to 1 March."""
    pool = BudgetPoolFactory.create(programme=ProgrammeFactory.create(voucher_validity_months=1))
    issued_at = dt.datetime(2026, 1, 31, 5, 0, tzinfo=SHANGHAI)
    time_machine.move_to(issued_at, tick=False)

    voucher = issued_voucher(pool.programme, "compute", 1_000, firm_admin=firm_admin)

    assert voucher.valid_until == dt.datetime(2026, 2, 28, 5, 0, tzinfo=SHANGHAI)
    assert_ledger_ok()


def test_an_officer_rejects_with_a_reason(
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(officer)
    before = db_state()

    response = client.post(
        f"/api/v1/voucher-applications/{application.pk}/reject", {"reason": "No AI project"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": str(application.pk),
        "programme": "SH2025",
        "firm": str(application.firm_id),
        "category": "compute",
        "requested_fen": 100_000,
        "approved_fen": None,
        "justification": "Training a model",
        "status": "rejected",
        "reason": "No AI project",
        "voucher": None,
        "created_at": ISSUED_AT,
        "decided_at": ISSUED_AT,
    }
    after = db_state()
    assert after["balances"] == before["balances"]
    assert after["rows"]["Voucher"] == 0
    event = AuditEvent.objects.get(action="voucher_application.rejected")
    assert (event.actor, event.before, event.after) == (
        officer,
        {"status": "pending"},
        {"status": "rejected", "reason": "No AI project"},
    )

    # A decided application stays decided.
    settled = db_state()
    for action, body in (("reject", {"reason": "Again"}), ("approve", {})):
        again = client.post(f"/api/v1/voucher-applications/{application.pk}/{action}", body)
        assert again.status_code == 409
        assert again.json()["error"]["message"] == "The application is already rejected."
        assert again.json()["error"]["code"] == "invalid_state"
    assert db_state() == settled
    assert_ledger_ok()


def test_rejecting_needs_a_reason(
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    before = db_state()

    response = client_for(officer).post(f"/api/v1/voucher-applications/{application.pk}/reject")

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"reason": ["This field is required."]}
    assert db_state() == before
    assert_ledger_ok()


def test_rejecting_an_approved_application_is_409(
    sh2025: Programme,
    application: VoucherApplication,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    client = client_for(officer)
    client.post(f"/api/v1/voucher-applications/{application.pk}/approve")
    before = db_state()

    response = client.post(
        f"/api/v1/voucher-applications/{application.pk}/reject", {"reason": "Changed my mind"}
    )

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "invalid_state",
        "message": "The application is already approved.",
        "fields": {},
    }
    assert db_state() == before
    assert Voucher.objects.get().status == "active"
    assert_ledger_ok("SH2025")


def test_applications_are_scoped_to_the_firm(
    sh2025: Programme,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    first, second = user_with_role(Role.FIRM_ADMIN), user_with_role(Role.FIRM_ADMIN)
    mine = [_apply(client_for(first), requested_fen=fen).json()["id"] for fen in (1000, 2000)]
    theirs = _apply(client_for(second)).json()["id"]
    client_for(officer).post(f"/api/v1/voucher-applications/{mine[0]}/approve")
    member = user_with_role(Role.FIRM_MEMBER, first.organisation)

    def ids(client: APIClient, query: str = "") -> set[str]:
        response = client.get(f"/api/v1/voucher-applications{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(client_for(first)) == set(mine)
    assert ids(client_for(member)) == set(mine)
    assert ids(client_for(member), "?status=pending") == {mine[1]}
    assert ids(client_for(second)) == {theirs}
    assert ids(client_for(officer)) == {*mine, theirs}
    assert ids(client_for(officer), "?status=pending") == {mine[1], theirs}
    assert ids(client_for(officer), "?status=approved") == {mine[0]}
    assert client_for(second).get(f"/api/v1/voucher-applications/{mine[0]}").status_code == 404
    approved = client_for(first).get(f"/api/v1/voucher-applications/{mine[0]}").json()
    assert (approved["status"], approved["voucher"]["face_value_fen"]) == ("approved", 1000)
    provider = client_for(user_with_role(Role.PROVIDER_ADMIN))
    assert _error(provider.get("/api/v1/voucher-applications")) == (403, "permission_denied")
    assert_ledger_ok("SH2025")


# --- insufficient budget --------------------------------------------------------------------


def test_an_application_the_pool_cannot_cover_is_422_and_writes_nothing(
    officer: User, client_for: ClientFor, db_state: State, assert_ledger_ok: LedgerOk
) -> None:
    pool = BudgetPoolFactory.create(budget_fen=100_000)
    programme = pool.programme
    firm_admin = user_with_role(Role.FIRM_ADMIN)
    client = client_for(officer)
    too_big = _apply(client_for(firm_admin), programme=programme.code, requested_fen=150_000)
    before = db_state()

    response = client.post(f"/api/v1/voucher-applications/{too_big.json()['id']}/approve")

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "insufficient_budget",
            "message": f"The compute pool of {programme.code} cannot cover 150000 fen.",
            "fields": {},
        }
    }
    assert db_state() == before
    assert VoucherApplication.objects.get().status == "pending"
    assert not Account.objects.filter(code__startswith="voucher:").exists()
    assert _pool_available(programme) == 100_000

    # Approved for what the pool holds, it drains the pool exactly; then nothing more fits.
    drained = client.post(
        f"/api/v1/voucher-applications/{too_big.json()['id']}/approve", {"approved_fen": 100_000}
    )
    assert drained.status_code == 200
    assert _pool_available(programme) == 0
    one_fen = _apply(client_for(firm_admin), programme=programme.code, requested_fen=1)
    before = db_state()
    refused = client.post(f"/api/v1/voucher-applications/{one_fen.json()['id']}/approve")
    assert _error(refused) == (422, "insufficient_budget")
    assert db_state() == before
    assert_ledger_ok(programme.code)


def test_a_drained_seeded_pool_refuses_the_next_voucher(
    sh2025: Programme, officer: User, db_state: State, assert_ledger_ok: LedgerOk
) -> None:
    """SH2025's data pool (10,000,000,000 fen) holds exactly 20 vouchers at the firm cap."""
    for _ in range(20):
        issued_voucher(sh2025, "data", 500_000_000, officer=officer)
    assert _pool_available(sh2025, "data") == 0
    application = voucher_application_submit(
        actor=user_with_role(Role.FIRM_ADMIN),
        programme=sh2025,
        category="data",
        requested_fen=1,
        justification="One more",
    )
    before = db_state()

    with pytest.raises(SubsidyRuleError) as refused:
        voucher_issue(application=application, approved_fen=None, actor=officer)

    assert refused.value.code == "insufficient_budget"
    assert db_state() == before
    assert_ledger_ok("SH2025")


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_commit_more_than_the_pool(
    assert_ledger_ok: LedgerOk,
) -> None:
    """Ten officers approve at once against a pool with room for exactly three."""
    pool = BudgetPoolFactory.create(budget_fen=30_000)
    programme = pool.programme
    officer = user_with_role(Role.PROGRAMME_OFFICER)
    applications = [
        voucher_application_submit(
            actor=user_with_role(Role.FIRM_ADMIN),
            programme=programme,
            category="compute",
            requested_fen=10_000,
            justification="Racing",
        )
        for _ in range(10)
    ]
    outcomes = race(
        [
            functools.partial(voucher_issue, application=a, approved_fen=None, actor=officer)
            for a in applications
        ]
    )

    issued = [outcome for outcome in outcomes if isinstance(outcome, Voucher)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Voucher)]
    assert len(issued) == 3
    assert len(refused) == 7
    assert all(isinstance(error, SubsidyRuleError) for error in refused), refused
    assert {error.code for error in refused} == {"insufficient_budget"}
    pool.account.refresh_from_db()
    assert (pool.account.credits_posted, pool.account.debits_posted) == (30_000, 30_000)
    assert _pool_available(programme) == 0
    assert Voucher.objects.count() == 3
    assert Account.objects.filter(code__startswith="voucher:").count() == 3
    assert Transfer.objects.filter(kind="voucher_issue").count() == 3
    assert sorted(VoucherApplication.objects.values_list("status", flat=True)) == (
        ["approved"] * 3 + ["pending"] * 7
    )
    assert_ledger_ok(programme.code)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_application_issue_one_voucher(
    assert_ledger_ok: LedgerOk,
) -> None:
    pool = BudgetPoolFactory.create(budget_fen=1_000_000)
    application = voucher_application_submit(
        actor=user_with_role(Role.FIRM_ADMIN),
        programme=pool.programme,
        category="compute",
        requested_fen=10_000,
        justification="Clicked twice",
    )
    officers = [user_with_role(Role.PROGRAMME_OFFICER) for _ in range(5)]
    outcomes = race(
        [
            functools.partial(voucher_issue, application=application, approved_fen=None, actor=o)
            for o in officers
        ]
    )

    issued = [outcome for outcome in outcomes if isinstance(outcome, Voucher)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Voucher)]
    assert len(issued) == 1
    assert [(type(error), error.message) for error in refused] == [
        (InvalidStateError, "The application is already approved.")
    ] * 4
    assert Voucher.objects.count() == 1
    assert Transfer.objects.filter(kind="voucher_issue").count() == 1
    assert _pool_available(pool.programme) == 1_000_000 - 10_000
    assert_ledger_ok(pool.programme.code)


# --- auto_grant ----------------------------------------------------------------------------


def test_an_auto_grant_programme_approves_at_once(
    client_for: ClientFor, db_state: State, assert_ledger_ok: LedgerOk
) -> None:
    pool = BudgetPoolFactory.create(
        programme=ProgrammeFactory.create(auto_grant=True), budget_fen=100_000
    )
    programme = pool.programme
    client = client_for(user_with_role(Role.FIRM_ADMIN))

    response = _apply(client, programme=programme.code, requested_fen=60_000)

    assert response.status_code == 201
    body = response.json()
    voucher = Voucher.objects.get()
    assert (body["status"], body["approved_fen"], body["decided_at"]) == (
        "approved",
        60_000,
        ISSUED_AT,
    )
    assert body["voucher"] == _voucher_body(voucher, face_value_fen=60_000, available_fen=60_000)
    assert VoucherApplication.objects.get().decided_by is None
    assert _pool_available(programme) == 40_000

    before = db_state()
    refused = _apply(client, programme=programme.code, requested_fen=40_001)
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "insufficient_budget",
        "message": f"The compute pool of {programme.code} cannot cover 40001 fen.",
        "fields": {},
    }
    assert db_state() == before
    assert VoucherApplication.objects.count() == 1
    assert_ledger_ok(programme.code)


# --- reading vouchers -----------------------------------------------------------------------


@pytest.fixture
def vouchers_of_two_firms(sh2025: Programme, officer: User, compute_offering: Offering) -> Any:
    """Firm one: a compute voucher (80000) with 60000 held on an order, and a model voucher
    (50000). Firm two: a compute voucher (30000)."""
    first_admin = user_with_role(Role.FIRM_ADMIN)
    compute = issued_voucher(
        sh2025, "compute", 100_000, approved_fen=80_000, firm_admin=first_admin, officer=officer
    )
    model = issued_voucher(sh2025, "model", 50_000, firm_admin=first_admin, officer=officer)
    other = issued_voucher(sh2025, "compute", 30_000, officer=officer)
    placed_order(compute_offering, compute, "100")
    return first_admin, compute, model, other


def test_voucher_detail_and_list_shape(
    vouchers_of_two_firms: Any, client_for: ClientFor, assert_ledger_ok: LedgerOk
) -> None:
    first_admin, compute, model, _ = vouchers_of_two_firms
    client = client_for(first_admin)

    detail = client.get(f"/api/v1/vouchers/{compute.pk}")
    listing = client.get("/api/v1/vouchers/")

    compute_body = _voucher_body(compute, available_fen=20_000, held_fen=60_000)
    model_body = _voucher_body(model, rate_bps=5000)
    assert detail.status_code == 200
    assert detail.json() == compute_body
    assert client.get(f"/api/v1/vouchers/{compute.pk}/").json() == compute_body
    assert listing.status_code == 200
    assert listing.json()["next"] is None
    assert listing.json()["previous"] is None
    assert sorted(listing.json()["results"], key=lambda row: row["id"]) == sorted(
        [compute_body, model_body], key=lambda row: row["id"]
    )
    assert_ledger_ok()


def test_a_firm_sees_only_its_own_vouchers_and_staff_see_all(
    vouchers_of_two_firms: Any,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    first_admin, compute, model, other = vouchers_of_two_firms
    second = client_for(other.application.applied_by)

    hidden = second.get(f"/api/v1/vouchers/{compute.pk}")

    assert hidden.status_code == 404
    assert hidden.json() == {
        "error": {"code": "not_found", "message": "No such voucher.", "fields": {}}
    }
    assert [row["id"] for row in second.get("/api/v1/vouchers").json()["results"]] == [
        str(other.pk)
    ]
    member = client_for(user_with_role(Role.FIRM_MEMBER, first_admin.organisation))
    assert {row["id"] for row in member.get("/api/v1/vouchers").json()["results"]} == {
        str(compute.pk),
        str(model.pk),
    }
    for role in (Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR):
        staff = client_for(user_with_role(role))
        rows = staff.get("/api/v1/vouchers").json()["results"]
        assert {row["id"] for row in rows} == {str(compute.pk), str(model.pk), str(other.pk)}
        assert staff.get(f"/api/v1/vouchers/{other.pk}").json() == _voucher_body(other)
    provider = client_for(user_with_role(Role.PROVIDER_ADMIN))
    assert _error(provider.get("/api/v1/vouchers")) == (403, "permission_denied")
    assert _error(provider.get(f"/api/v1/vouchers/{compute.pk}")) == (403, "permission_denied")
    assert_ledger_ok()


def test_voucher_filters(
    vouchers_of_two_firms: Any,
    compute_offering: Offering,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    _, compute, model, other = vouchers_of_two_firms
    client_for(officer).post(f"/api/v1/vouchers/{other.pk}/revoke", {"reason": "Fraud"})
    staff = client_for(user_with_role(Role.AUDITOR))

    def ids(query: str) -> set[str]:
        response = staff.get(f"/api/v1/vouchers?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("category=model") == {str(model.pk)}
    assert ids("category=compute") == {str(compute.pk), str(other.pk)}
    assert ids("programme=SH2025") == {str(compute.pk), str(model.pk), str(other.pk)}
    assert ids("programme=SZ2025") == set()
    assert ids("status=revoked") == {str(other.pk)}
    assert ids("status=active&category=compute") == {str(compute.pk)}
    assert ids("status=expired") == set()
    # The filter matches the status a voucher shows: one with nothing free is exhausted.
    drained = issued_voucher(compute.programme, "compute", 6_000, officer=officer)
    placed_order(compute_offering, drained, "100")
    assert ids("status=exhausted") == {str(drained.pk)}
    assert ids("status=active") == {str(compute.pk), str(model.pk)}
    bad = staff.get("/api/v1/vouchers?status=lost")
    assert _error(bad) == (400, "validation_error")
    assert set(bad.json()["error"]["fields"]) == {"status"}
    assert_ledger_ok()


def test_a_voucher_with_nothing_free_is_exhausted(
    sh2025: Programme,
    compute_offering: Offering,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher = issued_voucher(sh2025, "compute", 6_000)
    order = placed_order(compute_offering, voucher, "100")  # 30% of 200000 is more than 6000

    response = client_for(voucher.application.applied_by).get(f"/api/v1/vouchers/{voucher.pk}")

    assert order.subsidy_fen == 6_000
    assert response.json() == _voucher_body(
        voucher, available_fen=0, held_fen=6_000, status="exhausted"
    )
    assert_ledger_ok("SH2025")


def test_the_voucher_list_query_count_does_not_grow(
    sh2025: Programme,
    officer: User,
    client_for: ClientFor,
    django_assert_num_queries: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    firm_admin = user_with_role(Role.FIRM_ADMIN)
    client = client_for(firm_admin)
    for count in (1, 6):
        while Voucher.objects.count() < count:
            issued_voucher(sh2025, "compute", 1_000, firm_admin=firm_admin, officer=officer)
        with django_assert_num_queries(2):
            response = client.get("/api/v1/vouchers")
        assert len(response.json()["results"]) == count
    assert_ledger_ok("SH2025")


# --- revocation ----------------------------------------------------------------------------


@pytest.fixture
def held_voucher(sh2025: Programme, officer: User, compute_offering: Offering) -> Any:
    """A 100000 voucher with 60000 held on a pending order (gross 200000 at 30%)."""
    voucher = issued_voucher(sh2025, "compute", 100_000, officer=officer)
    order = placed_order(compute_offering, voucher, "100")
    assert order.subsidy_fen == 60_000
    return voucher, order


def _cap_used(voucher: Voucher) -> int:
    return FirmCapUsage.objects.get(firm=voucher.firm, category=voucher.category).used_fen


def test_revoking_returns_the_free_balance_and_later_the_released_hold(
    sh2025: Programme,
    held_voucher: Any,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, order = held_voucher
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 100_000

    response = client_for(officer).post(
        f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "Ineligible firm"}
    )

    assert response.status_code == 200
    assert response.json() == _voucher_body(
        voucher, available_fen=0, held_fen=60_000, status="revoked"
    )
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 60_000
    voucher.refresh_from_db()
    assert (voucher.status, voucher.reason, voucher.returned_fen) == (
        "revoked",
        "Ineligible firm",
        40_000,
    )
    returned = Transfer.objects.get(kind="voucher_return")
    assert (returned.amount, returned.debit_account_id, returned.credit_account.code) == (
        40_000,
        voucher.account_id,
        "pool:compute",
    )
    event = AuditEvent.objects.get(action="voucher.revoked")
    assert (event.actor, event.after) == (
        officer,
        {"status": "revoked", "reason": "Ineligible firm", "returned_fen": 40_000},
    )
    assert _cap_used(voucher) == 60_000
    assert_ledger_ok("SH2025")

    # The hold stays until its order resolves; then what it releases goes back too.
    marketplace.order_cancel(actor=voucher.application.applied_by, order_id=order.pk)

    assert _pool_available(sh2025) == COMPUTE_BUDGET
    voucher.refresh_from_db()
    assert voucher.returned_fen == 100_000
    assert client_for(officer).get(f"/api/v1/vouchers/{voucher.pk}").json() == _voucher_body(
        voucher, available_fen=0, held_fen=0, used_fen=0, status="revoked"
    )
    assert _cap_used(voucher) == 0
    report = client_for(officer).get("/api/v1/programmes/SH2025/report").json()
    assert report["pools"][0]["committed_fen"] == 0
    assert_ledger_ok("SH2025")


def test_revoking_then_confirming_returns_what_was_not_captured(
    sh2025: Programme,
    held_voucher: Any,
    compute_offering: Offering,
    officer: User,
    client_for: ClientFor,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, order = held_voucher
    delivered_order(order, _provider_admin_of(compute_offering), "80")
    client_for(officer).post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "Ineligible"})

    confirmed = client_for(voucher.application.applied_by).post(
        f"/api/v1/orders/{order.pk}/confirm"
    )

    assert confirmed.status_code == 200
    assert confirmed.json()["captured_subsidy_fen"] == 48_000  # 60000 x 80 / 100
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 48_000
    assert client_for(officer).get(f"/api/v1/vouchers/{voucher.pk}").json() == _voucher_body(
        voucher, available_fen=0, held_fen=0, used_fen=48_000, status="revoked"
    )
    voucher.refresh_from_db()
    assert voucher.returned_fen == 40_000 + 12_000
    assert _cap_used(voucher) == 48_000
    assert_ledger_ok("SH2025")


def test_revoking_twice_is_409(
    held_voucher: Any,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, _ = held_voucher
    client = client_for(officer)
    assert client.post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "a"}).status_code == 200
    before = db_state()

    again = client.post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "b"})

    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "invalid_state",
        "message": f"Voucher {voucher.code} is already revoked.",
        "fields": {},
    }
    assert db_state() == before
    assert_ledger_ok()


@pytest.mark.parametrize(
    "role", [Role.FIRM_ADMIN, Role.FINANCE_OFFICER, Role.AUDITOR, Role.PROVIDER_ADMIN]
)
def test_only_a_programme_officer_revokes(
    held_voucher: Any,
    client_for: ClientFor,
    db_state: State,
    role: str,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, _ = held_voucher
    user = voucher.application.applied_by if role == Role.FIRM_ADMIN else user_with_role(role)
    before = db_state()

    response = client_for(user).post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "x"})

    assert _error(response) == (403, "permission_denied")
    assert db_state() == before
    assert_ledger_ok()


def test_revoking_needs_a_reason(
    held_voucher: Any,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, _ = held_voucher
    before = db_state()

    response = client_for(officer).post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": ""})

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"reason": ["This field may not be blank."]}
    assert db_state() == before
    assert_ledger_ok()


def test_an_order_with_a_revoked_voucher_is_422(
    held_voucher: Any,
    compute_offering: Offering,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, _ = held_voucher
    client_for(officer).post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "Fraud"})
    before = db_state()

    response = client_for(voucher.application.applied_by).post(
        "/api/v1/orders",
        {"offering": str(compute_offering.pk), "quantity": "1", "voucher": str(voucher.pk)},
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "voucher_revoked",
        "message": f"Voucher {voucher.code} was revoked.",
        "fields": {},
    }
    assert db_state() == before
    assert_ledger_ok()


# --- expiry --------------------------------------------------------------------------------

EXPIRY = dt.datetime(2027, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def expiring_voucher(
    sh2025: Programme, officer: User, compute_offering: Offering
) -> tuple[Voucher, Order, Order]:
    """A 100000 voucher valid until 2027-03-10 10:00 with two open holds of 30000: one on
    an order never accepted, one on an order half delivered and awaiting confirmation."""
    voucher = issued_voucher(sh2025, "compute", 100_000, officer=officer)
    pending = placed_order(compute_offering, voucher, "50")
    awaiting = placed_order(compute_offering, voucher, "50")
    delivered_order(awaiting, _provider_admin_of(compute_offering), "25")
    assert (pending.subsidy_fen, awaiting.subsidy_fen) == (30_000, 30_000)
    return voucher, pending, awaiting


def test_expiry_returns_the_free_balance_and_later_the_released_holds(
    sh2025: Programme,
    expiring_voucher: tuple[Voucher, Order, Order],
    officer: User,
    client_for: ClientFor,
    db_state: State,
    time_machine: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher, pending, awaiting = expiring_voucher
    time_machine.move_to(EXPIRY - dt.timedelta(seconds=1), tick=False)
    assert expire_vouchers() == 0
    assert Voucher.objects.get().status == "active"

    time_machine.move_to(EXPIRY, tick=False)
    assert expire_vouchers() == 1

    voucher.refresh_from_db()
    assert (voucher.status, voucher.returned_fen) == ("expired", 40_000)
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 60_000
    staff = client_for(officer)
    assert staff.get(f"/api/v1/vouchers/{voucher.pk}").json() == _voucher_body(
        voucher, available_fen=0, held_fen=60_000, status="expired"
    )
    event = AuditEvent.objects.get(action="voucher.expired")
    assert (event.actor, event.after) == (None, {"status": "expired", "returned_fen": 40_000})
    assert_ledger_ok("SH2025")

    # Running it again changes nothing, and an expired voucher cannot be revoked.
    before = db_state()
    assert expire_vouchers() == 0
    revoked = staff.post(f"/api/v1/vouchers/{voucher.pk}/revoke", {"reason": "Late"})
    assert revoked.status_code == 409
    assert revoked.json()["error"] == {
        "code": "invalid_state",
        "message": f"Voucher {voucher.code} is already expired.",
        "fields": {},
    }
    assert db_state() == before

    # The open holds stay until their orders resolve; then their remainder returns too.
    firm_admin = voucher.application.applied_by
    marketplace.order_cancel(actor=firm_admin, order_id=pending.pk)
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 30_000
    confirmed = marketplace.order_confirm(actor=firm_admin, order_id=awaiting.pk)
    assert confirmed.captured_subsidy_fen == 15_000
    assert _pool_available(sh2025) == COMPUTE_BUDGET - 15_000
    voucher.refresh_from_db()
    assert voucher.returned_fen == 85_000
    assert staff.get(f"/api/v1/vouchers/{voucher.pk}").json() == _voucher_body(
        voucher, available_fen=0, held_fen=0, used_fen=15_000, status="expired"
    )
    assert _cap_used(voucher) == 15_000
    assert_ledger_ok("SH2025")


def test_expiry_leaves_vouchers_still_valid_alone(
    sh2025: Programme,
    expiring_voucher: tuple[Voucher, Order, Order],
    officer: User,
    time_machine: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, 0, tzinfo=SHANGHAI), tick=False)
    later = issued_voucher(sh2025, "model", 50_000, officer=officer)
    time_machine.move_to(EXPIRY, tick=False)

    assert expire_vouchers() == 1

    later.refresh_from_db()
    assert (later.status, later.returned_fen) == ("active", 0)
    assert Voucher.objects.get(pk=expiring_voucher[0].pk).status == "expired"
    assert _pool_available(sh2025, "model") == 30_000_000_000 - 50_000
    assert_ledger_ok("SH2025")


def test_the_expiry_date_is_told_in_the_programme_time_zone(
    sh2025: Programme,
    compute_offering: Offering,
    officer: User,
    client_for: ClientFor,
    db_state: State,
    time_machine: Any,
    assert_ledger_ok: LedgerOk,
) -> None:
    """Valid until 2027-03-10 05:00 in Shanghai, which is still 2027-03-09 in UTC."""
    time_machine.move_to(dt.datetime(2026, 3, 10, 5, 0, tzinfo=SHANGHAI), tick=False)
    voucher = issued_voucher(sh2025, "compute", 10_000, officer=officer)
    time_machine.move_to(dt.datetime(2027, 3, 10, 6, 0, tzinfo=SHANGHAI), tick=False)
    client = client_for(voucher.application.applied_by)
    before = db_state()

    response = client.post(
        "/api/v1/orders",
        {"offering": str(compute_offering.pk), "quantity": "1", "voucher": str(voucher.pk)},
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "voucher_expired",
        "message": f"Voucher {voucher.code} expired on 2027-03-10.",
        "fields": {},
    }
    assert db_state() == before
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize("expired_by_the_task", [True, False], ids=["swept", "not-yet-swept"])
def test_an_order_with_an_expired_voucher_is_422(
    expiring_voucher: tuple[Voucher, Order, Order],
    compute_offering: Offering,
    client_for: ClientFor,
    db_state: State,
    time_machine: Any,
    expired_by_the_task: bool,
    assert_ledger_ok: LedgerOk,
) -> None:
    voucher = expiring_voucher[0]
    time_machine.move_to(EXPIRY + dt.timedelta(days=1), tick=False)
    if expired_by_the_task:
        expire_vouchers()
    client = client_for(voucher.application.applied_by)
    before = db_state()

    response = client.post(
        "/api/v1/orders",
        {"offering": str(compute_offering.pk), "quantity": "10", "voucher": str(voucher.pk)},
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "voucher_expired",
            "message": f"Voucher {voucher.code} expired on 2027-03-10.",
            "fields": {},
        }
    }
    assert db_state() == before
    assert Order.objects.count() == 2
    assert _cap_used(voucher) == 60_000
    assert_ledger_ok()
