"""Clawbacks (API.md 6; DESIGN.md 2 step 7): an ineligible captured subsidy returns to its pool
and the provider's next payouts are reduced by it, batch after batch until it is covered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Transfer
from marketplace import services as marketplace
from marketplace.models import Order
from settlement.models import Clawback
from tests.conftest import NothingWritten
from tests.factories import user_with_role
from tests.settlement.conftest import (
    CLAWBACKS,
    CODE,
    AssertLedgerOk,
    World,
    amounts_by_provider,
    error_of,
    payable,
    payable_due,
    pool_available,
)


def _programme_available(world: World, category: str = "compute") -> int:
    pools = world.client().get(f"/api/v1/programmes/{CODE}").json()["pools"]
    return next(int(pool["available_fen"]) for pool in pools if pool["category"] == category)


def test_a_clawback_returns_the_subsidy_to_the_pool_and_reduces_the_next_payout(
    world: World, settlement_clock: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    ineligible = world.capture(provider, 3_000)
    world.capture(provider, 6_000)
    first = world.settle()
    world.pay(first)
    available = pool_available()
    assert _programme_available(world) == available

    response = world.claw_back(ineligible, "The firm and the provider share a shareholder.")

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "order": str(ineligible.pk),
        "provider": str(provider.organisation_id),
        "category": "compute",
        "amount_fen": 3_000,
        "reason": "The firm and the provider share a shareholder.",
        "created_at": body["created_at"],
    }
    assert pool_available() == _programme_available(world) == available + 3_000
    assert payable_due(provider) == -3_000
    transfer = Transfer.objects.get(kind="clawback")
    assert (transfer.debit_account, transfer.credit_account.code, transfer.amount) == (
        payable(provider),
        "pool:compute",
        3_000,
    )
    event = AuditEvent.objects.get(action="clawback.created")
    assert (event.actor, event.object_id, event.after) == (
        world.maker,
        body["id"],
        {
            "order": str(ineligible.pk),
            "amount_fen": 3_000,
            "reason": "The firm and the provider share a shareholder.",
        },
    )

    settlement_clock.shift(dt.timedelta(days=1))
    world.capture(provider, 4_500)
    second = world.settle()

    assert amounts_by_provider(second) == {str(provider.organisation_id): (1_500, "sent")}
    assert second["total_fen"] == 1_500
    assert payable_due(provider) == 0
    assert_ledger_ok(CODE)


def test_a_clawback_before_payment_takes_the_subsidy_out_of_the_next_batch(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    other = world.provider()
    ineligible = world.capture(provider, 3_000)
    world.capture(other, 1_000)

    assert world.claw_back(ineligible).status_code == 201
    batch = world.request_batch()

    assert amounts_by_provider(batch) == {str(other.organisation_id): (1_000, "pending")}
    assert payable_due(provider) == 0
    assert_ledger_ok(CODE)


def test_a_clawback_larger_than_a_batch_carries_over_until_it_is_covered(
    world: World, settlement_clock: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    other = world.provider()
    ineligible = world.capture(provider, 6_000)
    world.pay(world.settle())
    assert world.claw_back(ineligible).status_code == 201

    dues = []
    for subsidy_fen in (2_000, 3_000, 2_500):
        settlement_clock.shift(dt.timedelta(days=1))
        world.capture(provider, subsidy_fen)
        world.capture(other, 100)
        batch = world.settle()
        dues.append(amounts_by_provider(batch).get(str(provider.organisation_id)))
        assert amounts_by_provider(batch)[str(other.organisation_id)] == (100, "sent")
        world.pay(batch)

    # -6,000 + 2,000 = -4,000: nothing; + 3,000 = -1,000: nothing; + 2,500: 1,500 paid.
    assert dues == [None, None, (1_500, "sent")]
    assert payable_due(provider) == 0
    assert_ledger_ok(CODE)


def test_a_clawback_is_netted_within_its_category(
    world: World, settlement_clock: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    """The debt is owed to the compute pool, so only compute payables pay it off: the
    provider's model subsidy is paid in full meanwhile."""
    provider = world.provider(("compute", "model"))
    ineligible = world.capture(provider, 6_000)
    world.pay(world.settle())
    assert world.claw_back(ineligible).status_code == 201
    settlement_clock.shift(dt.timedelta(days=1))
    world.capture(provider, 2_000)
    world.capture(provider, 5_000, "model")

    batch = world.settle()

    assert amounts_by_provider(batch) == {str(provider.organisation_id): (5_000, "sent")}
    assert (payable_due(provider), payable_due(provider, "model")) == (-4_000, 0)
    assert_ledger_ok(CODE)


def _order_in(world: World, provider: User, status: str) -> Order:
    if status == "completed_without_subsidy":
        order = world.place(provider, 1_000)
        offering_id = order.offering_id
        firm_admin = world.firm_admin(order)
        marketplace.order_cancel(actor=firm_admin, order_id=order.pk)
        unsubsidised = marketplace.order_place(
            actor=firm_admin, offering_id=offering_id, quantity=Decimal("1"), voucher_id=None
        )
        marketplace.order_accept(actor=provider, order_id=unsubsidised.pk)
        marketplace.delivery_report(
            actor=provider, order_id=unsubsidised.pk, quantity=Decimal("1"), invoice_number="FP-1"
        )
        marketplace.order_complete(actor=provider, order_id=unsubsidised.pk)
        return marketplace.order_confirm(actor=firm_admin, order_id=unsubsidised.pk)
    order = world.place(provider, 1_000)
    if status == "cancelled":
        return marketplace.order_cancel(actor=world.firm_admin(order), order_id=order.pk)
    if status == "pending_provider":
        return order
    if status == "accepted":
        return marketplace.order_accept(actor=provider, order_id=order.pk)
    order = world.awaiting(provider, 1_000)
    if status == "disputed":
        return marketplace.order_dispute(
            actor=world.firm_admin(order), order_id=order.pk, reason="Not delivered"
        )
    return order


@pytest.mark.parametrize(
    "status",
    [
        "pending_provider",
        "accepted",
        "awaiting_confirmation",
        "disputed",
        "cancelled",
        "completed_without_subsidy",
    ],
)
def test_only_a_completed_order_with_captured_subsidy_can_be_clawed_back(
    world: World,
    nothing_written: NothingWritten,
    status: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    provider = world.provider()
    order = _order_in(world, provider, status)
    assert order.status == status.removesuffix("_without_subsidy")

    with nothing_written():
        response = world.claw_back(order)

    assert error_of(response) == (409, "invalid_state")
    assert response.json()["error"]["message"] == (
        "Only a completed order with a captured subsidy can be clawed back."
    )
    assert_ledger_ok(CODE)


def test_an_order_is_clawed_back_once(
    world: World, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    order = world.capture(world.provider(), 3_000)
    assert world.claw_back(order).status_code == 201
    available = pool_available()

    with nothing_written():
        again = world.claw_back(order, "Clicked twice")

    assert error_of(again) == (409, "invalid_state")
    assert again.json()["error"]["message"] == "This order's subsidy was already clawed back."
    assert pool_available() == available
    assert Clawback.objects.count() == 1
    assert_ledger_ok(CODE)


def test_a_clawback_needs_a_known_order_and_a_reason(
    world: World,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    order = world.capture(world.provider(), 3_000)

    with nothing_written():
        unknown = world.post(
            world.maker,
            CLAWBACKS,
            {"order": "00000000-0000-0000-0000-000000000001", "reason": "Ineligible"},
        )
        no_reason = world.post(world.maker, CLAWBACKS, {"order": str(order.pk)})
        not_an_id = world.post(world.maker, CLAWBACKS, {"order": "42", "reason": "Ineligible"})

    assert error_of(unknown) == (400, "validation_error")
    assert unknown.json()["error"]["fields"] == {"order": ["No such order."]}
    assert error_of(no_reason) == (400, "validation_error")
    assert list(no_reason.json()["error"]["fields"]) == ["reason"]
    assert error_of(not_an_id) == (400, "validation_error")
    assert list(not_an_id.json()["error"]["fields"]) == ["order"]
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    "role",
    [Role.PROGRAMME_OFFICER, Role.AUDITOR, Role.FIRM_ADMIN, Role.PROVIDER_ADMIN],
)
def test_only_finance_officers_claw_back(
    world: World,
    nothing_written: NothingWritten,
    role: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    order = world.capture(world.provider(), 3_000)
    user = user_with_role(role)

    with nothing_written():
        response = world.post(user, CLAWBACKS, {"order": str(order.pk), "reason": "Ineligible"})

    assert error_of(response) == (403, "permission_denied")
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FINANCE_OFFICER, 200),
        (Role.AUDITOR, 200),
        (Role.PROGRAMME_OFFICER, 200),
        (Role.FIRM_ADMIN, 403),
        (Role.PROVIDER_MEMBER, 403),
    ],
)
def test_staff_list_clawbacks(
    world: World, role: str, status: int, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    orders = [world.capture(provider, 1_000 + index) for index in range(4)]
    client = world.client(user_with_role(role))
    assert world.claw_back(orders[0]).status_code == 201

    with CaptureQueriesContext(connection) as one:
        response = client.get(CLAWBACKS)

    assert response.status_code == status
    if status != 200:
        assert response.json()["error"]["code"] == "permission_denied"
        assert_ledger_ok(CODE)
        return
    assert [(c["order"], c["amount_fen"]) for c in response.json()["results"]] == [
        (str(orders[0].pk), 1_000)
    ]
    for order in orders[1:]:
        assert world.claw_back(order).status_code == 201
    with CaptureQueriesContext(connection) as four:
        response = client.get(CLAWBACKS)
    assert sorted(c["amount_fen"] for c in response.json()["results"]) == [
        1_000,
        1_001,
        1_002,
        1_003,
    ]
    assert len(four) == len(one)
    assert_ledger_ok(CODE)
