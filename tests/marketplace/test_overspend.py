"""Concurrent orders against one voucher and against one firm's yearly cap, on real PostgreSQL
transactions: the subsidy can never be over-held, whatever the interleaving.

Each worker thread has its own database connection (Django's are per thread) and places
orders through `marketplace.services.order_place`, one transaction per attempt. A pool of
workers shares the 200 attempts, so that the connection count stays well under
PostgreSQL's `max_connections`.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Organisation, User
from core.exceptions import SubsidyRuleError
from core.models import AuditEvent
from ledger.models import Transfer
from ledger.services import balances_of
from marketplace.models import Offering, Order
from marketplace.services import order_place
from programmes.models import BudgetPool, Programme
from tests.marketplace.conftest import IssueVoucher, VoucherFigures, voucher_figures
from vouchers.models import FirmCapUsage, Voucher

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

ATTEMPTS = 200
WORKERS = 24
WAIT_SECONDS = 60
SUBSIDY = 6000  # ten GPU hours at 2000 fen, 30%

LedgerOk = Callable[..., None]
Attempt = Callable[[User], str]


def _order_attempt(offering: Offering, voucher: Voucher) -> Attempt:
    def attempt(actor: User) -> str:
        try:
            order_place(
                actor=actor,
                offering_id=offering.pk,
                quantity=Decimal("10"),
                voucher_id=voucher.pk,
            )
        except SubsidyRuleError as exc:
            return exc.code
        return "placed"

    return attempt


def _hammer(actor_id: uuid.UUID, attempts: list[Attempt]) -> Counter[str]:
    """Run the attempts on WORKERS threads started together; count the outcomes.

    Any exception other than a subsidy refusal (a deadlock, a CHECK violation, a server error)
    is an outcome of its own, so the test fails showing it."""
    work: queue.SimpleQueue[Attempt] = queue.SimpleQueue()
    for attempt in attempts:
        work.put(attempt)
    outcomes: queue.SimpleQueue[str] = queue.SimpleQueue()
    barrier = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            actor = User.objects.get(pk=actor_id)  # this thread's own copy, on its connection
            assert actor.roles
            barrier.wait(timeout=WAIT_SECONDS)
            while True:
                try:
                    attempt = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcomes.put(attempt(actor))
                except Exception as exc:  # reported as an outcome; the test fails on it
                    outcomes.put(f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            outcomes.put(f"worker {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads)
    counts: Counter[str] = Counter()
    while not outcomes.empty():
        counts[outcomes.get()] += 1
    return counts


def _hold_transfers() -> tuple[int, int]:
    holds = Transfer.objects.filter(kind="subsidy_hold", phase=Transfer.Phase.PENDING)
    return holds.count(), int(holds.aggregate(total=Sum("amount"))["total"] or 0)


@pytest.mark.parametrize(
    ("face_value_fen", "subsidies"),
    [
        (50 * SUBSIDY, {SUBSIDY: 50}),
        # What the last full subsidy leaves goes to one more order, and to one only.
        (50 * SUBSIDY + 3000, {SUBSIDY: 50, 3000: 1}),
    ],
    ids=["exactly_50", "50_and_a_remainder"],
)
def test_the_overspend_hammer(
    face_value_fen: int,
    subsidies: dict[int, int],
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    firm: Organisation,
    assert_ledger_ok: LedgerOk,
) -> None:
    """A voucher covering exactly 50 orders' subsidy (and then a bit more), 200 concurrent
    orders: 50 (51) are held, the rest refused, and the voucher is never overdrawn."""
    voucher = issue_voucher(firm_admin, face_value_fen=face_value_fen)
    placed = sum(subsidies.values())

    outcomes = _hammer(firm_admin.pk, [_order_attempt(offering, voucher)] * ATTEMPTS)

    assert outcomes == Counter({"placed": placed, "insufficient_budget": ATTEMPTS - placed})
    assert Counter(Order.objects.values_list("subsidy_fen", flat=True)) == Counter(subsidies)
    assert set(Order.objects.values_list("gross_fen", "status")) == {(20000, "pending_provider")}
    account = Voucher.objects.get(pk=voucher.pk).account
    balance = balances_of([account])[account.pk]
    assert balance.available == 0
    assert (balance.credits_posted, balance.debits_posted, balance.debits_pending) == (
        face_value_fen,
        0,
        face_value_fen,
    )
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=0, held_fen=face_value_fen, used_fen=0
    )
    assert _hold_transfers() == (placed, face_value_fen)
    assert set(Order.objects.values_list("hold_transfer_id", flat=True)) == set(
        Transfer.objects.filter(kind="subsidy_hold").values_list("id", flat=True)
    )
    assert FirmCapUsage.objects.get(firm=firm).used_fen == face_value_fen
    assert AuditEvent.objects.filter(action="order.placed").count() == placed
    assert_ledger_ok("SH2025")


@pytest.mark.parametrize(
    "cap_row_exists",
    [False, True],
    ids=["first_orders_create_the_cap_row", "cap_row_locked_with_the_voucher"],
)
def test_the_firm_cap_hammer_across_two_vouchers(
    cap_row_exists: bool,
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    firm: Organisation,
    programme: Programme,
    assert_ledger_ok: LedgerOk,
) -> None:
    """Two vouchers with five times the firm's yearly cap between them, 200 concurrent orders
    split over both: the cap admits 20 full subsidies and a last one of the 2500 fen left,
    and refuses the rest; the cap row never passes the cap and equals the sum of the holds.

    Without a cap row, the first orders race to create it; with one, every order locks it in
    the statement that locks its voucher."""
    first = issue_voucher(firm_admin, face_value_fen=300_000)
    second = issue_voucher(firm_admin, face_value_fen=300_000)
    cap = 20 * SUBSIDY + 2500
    BudgetPool.objects.filter(programme=programme, category="compute").update(firm_cap_fen=cap)
    if cap_row_exists:
        FirmCapUsage.objects.create(
            firm=firm,
            programme=programme,
            category="compute",
            year=timezone.now().astimezone(ZoneInfo(programme.time_zone)).year,
            cap_fen=cap,
        )
    attempts = [
        _order_attempt(offering, first if number % 2 else second) for number in range(ATTEMPTS)
    ]

    outcomes = _hammer(firm_admin.pk, attempts)

    assert outcomes == Counter({"placed": 21, "firm_cap_reached": ATTEMPTS - 21})
    subsidies = Counter(Order.objects.values_list("subsidy_fen", flat=True))
    assert subsidies == Counter({SUBSIDY: 20, 2500: 1})
    usage = FirmCapUsage.objects.get()
    assert (usage.firm_id, usage.category, usage.cap_fen, usage.used_fen) == (
        firm.pk,
        "compute",
        cap,
        cap,
    )
    assert _hold_transfers() == (21, cap)
    held = [voucher_figures(voucher).held_fen for voucher in (first, second)]
    assert sum(held) == cap
    for voucher, held_fen in zip((first, second), held, strict=True):
        assert voucher_figures(voucher) == VoucherFigures(
            available_fen=300_000 - held_fen, held_fen=held_fen, used_fen=0
        )
        assert (
            Order.objects.filter(voucher=voucher).aggregate(total=Sum("subsidy_fen"))["total"] or 0
        ) == held_fen
    assert_ledger_ok("SH2025")


def test_an_order_that_waited_for_the_voucher_gets_what_is_left(
    offering: Offering,
    issue_voucher: IssueVoucher,
    firm_admin: User,
    assert_ledger_ok: LedgerOk,
) -> None:
    """The voucher's free balance is read after its lock is granted: an order that queued
    behind another gets the 3000 fen that one left, not a refusal computed from a balance
    read before it waited."""
    voucher = issue_voucher(firm_admin, face_value_fen=SUBSIDY + 3000)
    waiter_pid: queue.SimpleQueue[int] = queue.SimpleQueue()
    result: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def second_order() -> None:
        try:
            actor = User.objects.get(pk=firm_admin.pk)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                waiter_pid.put(cursor.fetchone()[0])
            result.put(
                order_place(
                    actor=actor,
                    offering_id=offering.pk,
                    quantity=Decimal("10"),
                    voucher_id=voucher.pk,
                ).subsidy_fen
            )
        except Exception as exc:
            result.put(exc)
        finally:
            connection.close()

    with transaction.atomic():
        first = order_place(
            actor=firm_admin, offering_id=offering.pk, quantity=Decimal("10"), voucher_id=voucher.pk
        )
        thread = threading.Thread(target=second_order, daemon=True)
        thread.start()
        pid = waiter_pid.get(timeout=WAIT_SECONDS)
        _until_waiting_for_a_lock(pid, thread)
    thread.join(timeout=WAIT_SECONDS)

    assert first.subsidy_fen == SUBSIDY
    assert result.get(timeout=WAIT_SECONDS) == 3000
    assert voucher_figures(voucher) == VoucherFigures(
        available_fen=0, held_fen=SUBSIDY + 3000, used_fen=0
    )
    assert_ledger_ok("SH2025")


def _until_waiting_for_a_lock(pid: int, thread: threading.Thread) -> None:
    """Poll pg_locks (live, unlike pg_stat_activity inside a transaction) until the backend
    `pid` waits for a lock; give up if its thread ends first or after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while thread.is_alive() and time.monotonic() < deadline:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid]
            )
            row = cursor.fetchone()
            if row is not None and row[0]:
                return
    raise AssertionError(f"backend {pid} never waited for a lock")
