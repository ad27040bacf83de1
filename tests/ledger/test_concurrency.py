"""The ledger under real concurrency: 50 threads, each with its own PostgreSQL connection and
transaction, released together by a barrier.

The flush after each test relies on tests/conftest.py letting it TRUNCATE the append-only tables.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import transaction

from ledger import services
from ledger.models import Account, Transfer
from ledger.services import Balance, LedgerError
from tests.concurrency import race

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

LEDGER = "C"
THREADS = 50
AMOUNT = 100
FITS = 20  # the pool is funded with FITS * AMOUNT

AssertLedgerOk = Callable[[str | None], None]


def _race(work: Callable[[int], Transfer]) -> list[Transfer | Exception]:
    """Run `work(i)` for i in 0..THREADS-1, each in its own thread, connection and
    transaction, all starting at once; return each result or exception."""

    def in_transaction(index: int) -> Transfer:
        with transaction.atomic():
            return work(index)

    return race([functools.partial(in_transaction, index) for index in range(THREADS)])


def _tally(outcomes: list[Transfer | Exception]) -> Counter[str]:
    """ "ok" for a transfer, the code of a refusal, the repr of anything else."""
    return Counter(
        "ok"
        if isinstance(outcome, Transfer)
        else outcome.code
        if isinstance(outcome, LedgerError)
        else repr(outcome)
        for outcome in outcomes
    )


def _balance(account: Account) -> Balance:
    return services.balances_of([account])[account.pk]


@pytest.fixture
def funding() -> Account:
    return services.account_open(ledger=LEDGER, code="funding")


@pytest.fixture
def pool(funding: Account) -> Account:
    pool = services.account_open(ledger=LEDGER, code="pool", debits_must_not_exceed_credits=True)
    services.transfer_create(
        id=uuid.uuid4(),
        debit_account=funding,
        credit_account=pool,
        amount=FITS * AMOUNT,
        kind="funding",
    )
    return pool


@pytest.fixture
def payable() -> Account:
    return services.account_open(ledger=LEDGER, code="payable", is_balance_cached=False)


@pytest.mark.parametrize("pending", [False, True])
def test_only_the_debits_that_fit_are_accepted(
    pool: Account, pending: bool, assert_ledger_ok: AssertLedgerOk
) -> None:
    vouchers = [
        services.account_open(ledger=LEDGER, code=f"voucher:{index}") for index in range(THREADS)
    ]

    outcomes = _race(
        lambda index: services.transfer_create(
            id=uuid.uuid4(),
            debit_account=pool,
            credit_account=vouchers[index],
            amount=AMOUNT,
            kind="issue",
            pending=pending,
        )
    )

    assert _tally(outcomes) == {"ok": FITS, "exceeds_credits": THREADS - FITS}
    counter = "debits_pending" if pending else "debits_posted"
    assert _balance(pool) == Balance(credits_posted=FITS * AMOUNT, **{counter: FITS * AMOUNT})
    assert _balance(pool).available == 0
    credited = {voucher.code: _balance(voucher) for voucher in vouchers}
    counter = "credits_pending" if pending else "credits_posted"
    assert credited == {
        voucher.code: Balance(**{counter: AMOUNT}) if isinstance(outcome, Transfer) else Balance()
        for voucher, outcome in zip(vouchers, outcomes, strict=True)
    }
    assert Transfer.objects.filter(kind="issue").count() == FITS
    assert_ledger_ok(LEDGER)


def test_a_pending_transfer_is_resolved_once(
    pool: Account, payable: Account, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = services.transfer_create(
        id=uuid.uuid4(),
        debit_account=pool,
        credit_account=payable,
        amount=FITS * AMOUNT,
        kind="hold",
        pending=True,
    )

    def resolve(index: int) -> Transfer:
        if index % 2:
            return services.transfer_void(id=uuid.uuid4(), pending_id=hold.pk)
        # Each post a different part, so the balance tells which one won.
        return services.transfer_post(id=uuid.uuid4(), pending_id=hold.pk, amount=index + 1)

    outcomes = _race(resolve)

    [winner] = [outcome for outcome in outcomes if isinstance(outcome, Transfer)]
    outcome = "posted" if winner.phase == "post" else "voided"
    assert _tally(outcomes) == {"ok": 1, f"pending_transfer_already_{outcome}": THREADS - 1}
    assert list(Transfer.objects.filter(pending=hold).values_list("pk", flat=True)) == [winner.pk]
    assert services.pending_transfer_state(hold) == outcome
    assert _balance(pool) == Balance(debits_posted=winner.amount, credits_posted=FITS * AMOUNT)
    assert _balance(payable) == Balance(credits_posted=winner.amount)
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize("funded", [1, THREADS], ids=["room-for-one", "room-for-all"])
@pytest.mark.parametrize("pending", [False, True])
def test_concurrent_replays_apply_a_transfer_once(
    funding: Account, funded: int, pending: bool, assert_ledger_ok: AssertLedgerOk
) -> None:
    # With room for one, every replay but the first finds the pool at its limit: it must
    # still return the transfer rather than refuse it.
    pool = services.account_open(ledger=LEDGER, code="pool", debits_must_not_exceed_credits=True)
    voucher = services.account_open(ledger=LEDGER, code="voucher")
    services.transfer_create(
        id=uuid.uuid4(),
        debit_account=funding,
        credit_account=pool,
        amount=funded * AMOUNT,
        kind="funding",
    )
    transfer_id = uuid.uuid4()

    outcomes = _race(
        lambda _: services.transfer_create(
            id=transfer_id,
            debit_account=pool,
            credit_account=voucher,
            amount=AMOUNT,
            kind="issue",
            pending=pending,
        )
    )

    assert _tally(outcomes) == {"ok": THREADS}
    assert {outcome.pk for outcome in outcomes if isinstance(outcome, Transfer)} == {transfer_id}
    assert Transfer.objects.filter(kind="issue").count() == 1
    debits, credits = (
        ("debits_pending", "credits_pending") if pending else ("debits_posted", "credits_posted")
    )
    assert _balance(pool) == Balance(credits_posted=funded * AMOUNT, **{debits: AMOUNT})
    assert _balance(voucher) == Balance(**{credits: AMOUNT})
    assert_ledger_ok(LEDGER)


def test_concurrent_replays_post_once(
    pool: Account, payable: Account, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = services.transfer_create(
        id=uuid.uuid4(),
        debit_account=pool,
        credit_account=payable,
        amount=600,
        kind="hold",
        pending=True,
    )
    post_id = uuid.uuid4()

    outcomes = _race(lambda _: services.transfer_post(id=post_id, pending_id=hold.pk, amount=250))

    assert _tally(outcomes) == {"ok": THREADS}
    assert {outcome.pk for outcome in outcomes if isinstance(outcome, Transfer)} == {post_id}
    assert list(Transfer.objects.filter(pending=hold).values_list("pk", flat=True)) == [post_id]
    assert _balance(pool) == Balance(debits_posted=250, credits_posted=FITS * AMOUNT)
    assert _balance(payable) == Balance(credits_posted=250)
    assert_ledger_ok(LEDGER)
