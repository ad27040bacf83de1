"""The ledger services, one behaviour at a time: refusals, two-phase transfers, idempotency,
the append-only triggers, the CHECK constraints and `ledger_check`.

Every refusal asserts its code and that nothing was written (`refused`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, ProtectedError
from django.test.utils import CaptureQueriesContext

from core.db import pk_value
from ledger import services
from ledger.checks import ledger_check
from ledger.models import Account, Entry, Transfer
from ledger.services import Balance, LedgerError

pytestmark = pytest.mark.django_db

LEDGER = "L"
FUNDED = 1000  # what the `book` fixture credits to the pool

AssertLedgerOk = Callable[[str | None], None]


@dataclass(frozen=True)
class Book:
    """The accounts of one ledger, as a programme uses them."""

    funding: Account  # the external source: no limit
    pool: Account  # debits must not exceed credits; funded with FUNDED
    voucher: Account  # no limit, cached
    payable: Account  # no cached counters: its balance is summed from entries
    bank: Account  # credits must not exceed debits


@pytest.fixture
def book() -> Book:
    book = Book(
        funding=services.account_open(ledger=LEDGER, code="funding"),
        pool=services.account_open(ledger=LEDGER, code="pool", debits_must_not_exceed_credits=True),
        voucher=services.account_open(ledger=LEDGER, code="voucher"),
        payable=services.account_open(ledger=LEDGER, code="payable", is_balance_cached=False),
        bank=services.account_open(ledger=LEDGER, code="bank", credits_must_not_exceed_debits=True),
    )
    create(book.funding, book.pool, FUNDED, kind="funding")
    return book


def create(
    debit: Account,
    credit: Account,
    amount: Any,
    *,
    pending: bool = False,
    id: uuid.UUID | None = None,
    kind: str = "test",
) -> Transfer:
    return services.transfer_create(
        id=id or uuid.uuid4(),
        debit_account=debit,
        credit_account=credit,
        amount=amount,
        kind=kind,
        pending=pending,
    )


def post(pending: Transfer, amount: Any = None, *, id: uuid.UUID | None = None) -> Transfer:
    return services.transfer_post(id=id or uuid.uuid4(), pending_id=pending.pk, amount=amount)


def void(pending: Transfer, *, id: uuid.UUID | None = None) -> Transfer:
    return services.transfer_void(id=id or uuid.uuid4(), pending_id=pending.pk)


def balance(account: Account) -> Balance:
    return services.balances_of([account])[account.pk]


def _snapshot() -> tuple[int, int, list[tuple[Any, ...]], dict[str, Balance]]:
    """Everything a refusal must leave alone: rows, raw counters and computed balances."""
    accounts = list(Account.objects.order_by("ledger", "code"))
    balances = services.balances_of(accounts)
    return (
        Transfer.objects.count(),
        Entry.objects.count(),
        list(
            Account.objects.order_by("ledger", "code").values_list(
                "ledger",
                "code",
                "debits_pending",
                "debits_posted",
                "credits_pending",
                "credits_posted",
            )
        ),
        {str(account): balances[account.pk] for account in accounts},
    )


@contextmanager
def refused(code: str) -> Iterator[pytest.ExceptionInfo[LedgerError]]:
    """The block raises `LedgerError(code)` and writes nothing. The services join the caller's
    transaction without a savepoint, so a refusal dooms that transaction; the block runs in a
    savepoint of its own, as a request's transaction would be, so the test can go on."""
    before = _snapshot()
    with pytest.raises(LedgerError) as excinfo, transaction.atomic():
        yield excinfo
    assert excinfo.value.code == code
    assert _snapshot() == before


# --- limits ------------------------------------------------------------------------------


def test_a_debit_up_to_the_credits_is_accepted_and_one_more_unit_refused(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    create(book.pool, book.voucher, FUNDED)
    with refused("exceeds_credits") as error:
        create(book.pool, book.voucher, 1)
    assert error.value.fields == {"account": "pool"}
    assert balance(book.pool) == Balance(debits_posted=FUNDED, credits_posted=FUNDED)
    assert balance(book.pool).available == 0
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize("pending", [False, True])
def test_a_debit_over_the_credits_is_refused(
    book: Book, pending: bool, assert_ledger_ok: AssertLedgerOk
) -> None:
    with refused("exceeds_credits"):
        create(book.pool, book.voucher, FUNDED + 1, pending=pending)
    assert balance(book.pool) == Balance(credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


def test_pending_debits_count_against_the_limit(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    with refused("exceeds_credits"):
        create(book.pool, book.voucher, 401)
    with refused("exceeds_credits"):
        create(book.pool, book.voucher, 401, pending=True)
    create(book.pool, book.voucher, 400)
    assert balance(book.pool) == Balance(
        debits_pending=600, debits_posted=400, credits_posted=FUNDED
    )
    assert balance(book.pool).available == 0

    void(hold)  # releasing the hold makes its 600 available again
    assert balance(book.pool).available == 600
    create(book.pool, book.voucher, 600)
    assert balance(book.pool) == Balance(debits_posted=FUNDED, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


def test_a_credit_over_the_debits_is_refused(book: Book, assert_ledger_ok: AssertLedgerOk) -> None:
    create(book.bank, book.funding, 500)
    create(book.voucher, book.bank, 300, pending=True)
    with refused("exceeds_debits") as error:
        create(book.voucher, book.bank, 201)
    assert error.value.fields == {"account": "bank"}
    with refused("exceeds_debits"):
        create(book.voucher, book.bank, 201, pending=True)
    create(book.voucher, book.bank, 200)
    assert balance(book.bank) == Balance(debits_posted=500, credits_pending=300, credits_posted=200)
    assert_ledger_ok(LEDGER)


def _account_with_id(pk: uuid.UUID, code: str) -> Account:
    # account_open cannot choose the id, and the id decides the order of the two counter
    # updates; an explicit id makes the order of this test certain.
    return Account.objects.create(id=pk, ledger=LEDGER, code=code)


@pytest.mark.parametrize(
    "counterparty_id",
    [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)],
    ids=["counterparty-updated-first", "pool-updated-first"],
)
def test_a_limit_refusal_undoes_the_other_side(
    book: Book, counterparty_id: uuid.UUID, assert_ledger_ok: AssertLedgerOk
) -> None:
    counterparty = _account_with_id(counterparty_id, "counterparty")
    with refused("exceeds_credits"):
        create(book.pool, counterparty, FUNDED + 1)
    assert balance(counterparty) == Balance()
    create(book.pool, counterparty, FUNDED)
    assert balance(counterparty) == Balance(credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


# --- two-phase transfers -----------------------------------------------------------------


def test_posting_in_full_moves_the_pending_amount(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True, kind="hold")
    assert balance(book.pool) == Balance(debits_pending=600, credits_posted=FUNDED)
    assert balance(book.payable) == Balance(credits_pending=600)
    assert services.pending_transfer_state(hold) == "pending"

    posted = post(hold)

    assert (posted.phase, posted.amount, posted.pending_id, posted.kind) == (
        "post",
        600,
        hold.pk,
        "hold",
    )
    assert (posted.debit_account_id, posted.credit_account_id) == (book.pool.pk, book.payable.pk)
    assert balance(book.pool) == Balance(debits_posted=600, credits_posted=FUNDED)
    assert balance(book.payable) == Balance(credits_posted=600)
    assert services.pending_transfer_state(hold) == "posted"
    assert list(
        posted.entries.order_by("side").values_list("side", "pending_delta", "posted_delta")
    ) == [
        ("credit", -600, 600),
        ("debit", -600, 600),
    ]
    assert_ledger_ok(LEDGER)


def test_posting_in_part_releases_the_remainder(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)

    posted = post(hold, 250)

    assert (posted.phase, posted.amount) == ("post", 250)
    assert balance(book.pool) == Balance(debits_posted=250, credits_posted=FUNDED)
    assert balance(book.pool).available == 750
    assert balance(book.payable) == Balance(credits_posted=250)
    assert services.pending_transfer_state(hold) == "posted"
    assert_ledger_ok(LEDGER)


def test_posting_zero_releases_everything(book: Book, assert_ledger_ok: AssertLedgerOk) -> None:
    hold = create(book.pool, book.voucher, 600, pending=True)
    posted = post(hold, 0)
    assert (posted.phase, posted.amount) == ("post", 0)
    assert balance(book.pool) == Balance(credits_posted=FUNDED)
    assert balance(book.voucher) == Balance()
    assert_ledger_ok(LEDGER)


def test_voiding_releases_the_pending_amount(book: Book, assert_ledger_ok: AssertLedgerOk) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)

    voided = void(hold)

    assert (voided.phase, voided.amount, voided.pending_id) == ("void", 0, hold.pk)
    assert balance(book.pool) == Balance(credits_posted=FUNDED)
    assert balance(book.payable) == Balance()
    assert services.pending_transfer_state(hold) == "voided"
    assert_ledger_ok(LEDGER)


def test_posting_twice_is_refused(book: Book, assert_ledger_ok: AssertLedgerOk) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    post(hold, 100)
    with refused("pending_transfer_already_posted"):
        post(hold, 100)
    with refused("pending_transfer_already_posted"):
        post(hold)
    assert balance(book.pool) == Balance(debits_posted=100, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


def test_voiding_after_posting_is_refused(book: Book, assert_ledger_ok: AssertLedgerOk) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    post(hold)
    with refused("pending_transfer_already_posted"):
        void(hold)
    assert balance(book.pool) == Balance(debits_posted=600, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


def test_posting_or_voiding_a_voided_transfer_is_refused(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    void(hold)
    with refused("pending_transfer_already_voided"):
        post(hold)
    with refused("pending_transfer_already_voided"):
        void(hold)
    assert balance(book.pool) == Balance(credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (601, "exceeds_pending_transfer_amount"),
        (-1, "amount_must_be_positive"),
        (2.5, "amount_must_be_positive"),
        (True, "amount_must_be_positive"),
    ],
)
def test_a_bad_post_amount_is_refused(
    book: Book, amount: Any, code: str, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    with refused(code):
        post(hold, amount)
    assert services.pending_transfer_state(hold) == "pending"
    post(hold, 600)
    assert balance(book.pool) == Balance(debits_posted=600, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize("resolve", [post, void], ids=["post", "void"])
def test_resolving_a_transfer_that_is_not_pending_is_refused(
    book: Book, resolve: Callable[[Transfer], Transfer], assert_ledger_ok: AssertLedgerOk
) -> None:
    single = create(book.pool, book.voucher, 100)
    resolution = post(create(book.pool, book.voucher, 200, pending=True))
    with refused("pending_transfer_not_pending"):
        resolve(single)
    with refused("pending_transfer_not_pending"):
        resolve(resolution)
    assert balance(book.pool) == Balance(debits_posted=300, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


def test_resolving_an_unknown_transfer_is_refused(book: Book) -> None:
    with refused("pending_transfer_not_found"):
        services.transfer_post(id=uuid.uuid4(), pending_id=uuid.uuid4())
    with refused("pending_transfer_not_found"):
        services.transfer_void(id=uuid.uuid4(), pending_id=uuid.uuid4())


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "amount_must_be_positive"),
        (-5, "amount_must_be_positive"),
        (1.0, "amount_must_be_integer"),
        ("10", "amount_must_be_integer"),
        (True, "amount_must_be_integer"),
        (None, "amount_must_be_integer"),
        (2**63, "amount_overflow"),
    ],
)
@pytest.mark.parametrize("pending", [False, True])
def test_a_bad_amount_is_refused(book: Book, amount: Any, code: str, pending: bool) -> None:
    with refused(code):
        create(book.funding, book.voucher, amount, pending=pending)


def test_the_largest_amount_is_accepted(assert_ledger_ok: AssertLedgerOk) -> None:
    source = services.account_open(ledger="BIG", code="source")
    target = services.account_open(ledger="BIG", code="target")
    create(source, target, 2**63 - 1)
    assert balance(target) == Balance(credits_posted=2**63 - 1)
    assert_ledger_ok("BIG")


def test_a_counter_overflow_is_refused(book: Book) -> None:
    big = services.account_open(ledger=LEDGER, code="big")
    create(book.funding, big, 2**63 - 1 - FUNDED)  # funding's posted debits are now 2**63 - 1
    with refused("amount_overflow"):
        create(book.funding, book.voucher, 1)


def test_the_same_account_on_both_sides_is_refused(book: Book) -> None:
    with refused("accounts_must_be_different"):
        create(book.voucher, book.voucher, 10)


def test_accounts_of_two_ledgers_are_refused(book: Book) -> None:
    elsewhere = services.account_open(ledger="M", code="voucher")
    with refused("ledger_mismatch"):
        create(book.funding, elsewhere, 10)


def test_accounts_of_two_currencies_are_refused(book: Book) -> None:
    dollars = services.account_open(ledger=LEDGER, code="dollars", currency="USD")
    with refused("currency_mismatch"):
        create(book.funding, dollars, 10)


# --- idempotency -------------------------------------------------------------------------


def _entries_of(transfer: Transfer) -> list[tuple[Any, ...]]:
    return list(
        Entry.objects.filter(transfer=transfer)
        .order_by("id")
        .values_list("account_id", "ledger", "side", "pending_delta", "posted_delta", "created_at")
    )


def test_each_transfer_writes_its_two_entries_with_itself(book: Book) -> None:
    """A transfer and its entries (debit, then credit) are written together: on PostgreSQL by
    one statement, after the conditional UPDATEs of the accounts whose counters are cached."""
    with CaptureQueriesContext(connection) as queries:
        held = create(book.pool, book.payable, 300, pending=True)
        posted = post(held, 200)
    voided = void(create(book.pool, book.payable, 100, pending=True))

    pool, payable = book.pool.pk, book.payable.pk
    assert _entries_of(held) == [
        (pool, LEDGER, "debit", 300, 0, held.created_at),
        (payable, LEDGER, "credit", 300, 0, held.created_at),
    ]
    assert _entries_of(posted) == [
        (pool, LEDGER, "debit", -300, 200, posted.created_at),
        (payable, LEDGER, "credit", -300, 200, posted.created_at),
    ]
    assert [row[2:5] for row in _entries_of(voided)] == [
        ("debit", -100, 0),
        ("credit", -100, 0),
    ]
    # Create: one statement, the pool's UPDATE guarding the transfer with its entries. Post:
    # the pending transfer's read, the resolution with its entries, then the pool's UPDATE.
    kinds = [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]
    assert kinds == ["WITH", "SELECT", "WITH", "UPDATE"]
    assert queries.captured_queries[0]["sql"].startswith("WITH u AS (UPDATE")


@pytest.mark.parametrize("pending", [False, True])
def test_replaying_a_transfer_returns_it_and_moves_nothing(
    book: Book, pending: bool, assert_ledger_ok: AssertLedgerOk
) -> None:
    transfer_id = uuid.uuid4()
    first = create(book.pool, book.payable, 300, pending=pending, id=transfer_id)
    before = _snapshot()

    again = create(book.pool, book.payable, 300, pending=pending, id=transfer_id)

    assert again.pk == first.pk
    assert again.created_at == first.created_at
    assert _snapshot() == before
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize("pending", [False, True])
def test_replaying_a_transfer_that_used_up_the_limit_returns_it(
    book: Book, pending: bool, assert_ledger_ok: AssertLedgerOk
) -> None:
    # The replay's own debit no longer fits, yet it is the same transfer: not exceeds_credits.
    transfer_id = uuid.uuid4()
    first = create(book.pool, book.voucher, FUNDED, pending=pending, id=transfer_id)
    before = _snapshot()

    again = create(book.pool, book.voucher, FUNDED, pending=pending, id=transfer_id)

    assert again.pk == first.pk
    assert _snapshot() == before
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 301},
        {"amount": FUNDED + 1},  # refused by the limit first, then found to differ
        {"kind": "other"},
        {"pending": True},
        {"debit": "funding"},
        {"credit": "payable"},
    ],
    ids=["amount", "amount-over-limit", "kind", "phase", "debit-account", "credit-account"],
)
def test_replaying_an_id_with_different_fields_is_refused(
    book: Book, change: dict[str, Any], assert_ledger_ok: AssertLedgerOk
) -> None:
    transfer_id = uuid.uuid4()
    create(book.pool, book.voucher, 300, id=transfer_id)
    fields: dict[str, Any] = {"amount": 300, "kind": "test", "pending": False}
    fields.update(change)
    debit = getattr(book, fields.pop("debit", "pool"))
    credit = getattr(book, fields.pop("credit", "voucher"))
    with refused("exists_with_different_fields"):
        create(debit, credit, id=transfer_id, **fields)
    assert_ledger_ok(LEDGER)


def test_replaying_a_post_returns_it_and_moves_nothing(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    full_id, partial_id = uuid.uuid4(), uuid.uuid4()
    hold2 = create(book.pool, book.payable, 300, pending=True)
    full = post(hold, id=full_id)
    partial = post(hold2, 100, id=partial_id)
    before = _snapshot()

    assert post(hold, id=full_id).pk == full.pk
    assert post(hold, 600, id=full_id).pk == full.pk
    assert post(hold2, 100, id=partial_id).pk == partial.pk

    assert _snapshot() == before
    assert_ledger_ok(LEDGER)


def test_replaying_a_void_returns_it_and_moves_nothing(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    void_id = uuid.uuid4()
    voided = void(hold, id=void_id)
    before = _snapshot()

    assert void(hold, id=void_id).pk == voided.pk

    assert _snapshot() == before
    assert_ledger_ok(LEDGER)


def test_replaying_a_resolution_id_with_different_fields_is_refused(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    other = create(book.pool, book.payable, 300, pending=True)
    single = create(book.pool, book.voucher, 50)
    post_id, void_id = uuid.uuid4(), uuid.uuid4()
    post(hold, 250, id=post_id)
    voided_hold = create(book.pool, book.payable, 10, pending=True)
    void(voided_hold, id=void_id)

    with refused("exists_with_different_fields"):
        post(hold, id=post_id)  # in full, where the original posted 250
    with refused("exists_with_different_fields"):
        post(hold, 200, id=post_id)
    with refused("exists_with_different_fields"):
        void(hold, id=post_id)
    with refused("exists_with_different_fields"):
        post(other, 250, id=post_id)  # the id resolves another pending transfer
    with refused("exists_with_different_fields"):
        post(voided_hold, id=void_id)
    with refused("exists_with_different_fields"):
        post(other, id=single.pk)  # the id of a single-phase transfer
    with refused("exists_with_different_fields"):
        create(book.pool, book.payable, 250, id=post_id)

    assert services.pending_transfer_state(other) == "pending"
    post(other)
    assert balance(book.pool) == Balance(debits_posted=600, credits_posted=FUNDED)
    assert_ledger_ok(LEDGER)


# --- accounts ----------------------------------------------------------------------------


def test_opening_an_account_again_returns_it(book: Book) -> None:
    count = Account.objects.count()
    again = services.account_open(ledger=LEDGER, code="pool", debits_must_not_exceed_credits=True)
    assert again.pk == book.pool.pk
    assert Account.objects.count() == count


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"debits_must_not_exceed_credits": True, "currency": "USD"},
        {"debits_must_not_exceed_credits": True, "is_balance_cached": False},
        {"credits_must_not_exceed_debits": True},
    ],
    ids=["no-limit", "currency", "uncached", "other-limit"],
)
def test_opening_an_account_with_different_flags_is_refused(
    book: Book, flags: dict[str, Any]
) -> None:
    with refused("account_exists_with_different_flags"):
        services.account_open(ledger=LEDGER, code="pool", **flags)
    pool = Account.objects.get(pk=book.pool.pk)
    assert (pool.currency, pool.debits_must_not_exceed_credits, pool.is_balance_cached) == (
        "CNY",
        True,
        True,
    )


def test_an_account_cannot_carry_both_limits(book: Book) -> None:
    with refused("flags_are_exclusive"):
        services.account_open(
            ledger=LEDGER,
            code="both",
            debits_must_not_exceed_credits=True,
            credits_must_not_exceed_debits=True,
        )


# --- balances ----------------------------------------------------------------------------


def test_an_uncached_balance_is_summed_from_its_entries(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    assert services.balances_of([book.payable]) == {book.payable.pk: Balance()}
    hold = create(book.pool, book.payable, 600, pending=True)
    create(book.pool, book.payable, 100)
    post(hold, 450)
    create(book.payable, book.voucher, 30)

    balances = services.balances_of([book.pool, book.payable, book.voucher])

    assert balances == {
        book.pool.pk: Balance(debits_posted=550, credits_posted=FUNDED),
        book.payable.pk: Balance(debits_posted=30, credits_posted=550),
        book.voucher.pk: Balance(credits_posted=30),
    }
    assert balances[book.payable.pk].credit_balance == 520
    # No counter on the account row is ever written.
    assert Account.objects.filter(pk=book.payable.pk).values_list(
        "debits_pending", "debits_posted", "credits_pending", "credits_posted"
    ).get() == (0, 0, 0, 0)
    assert_ledger_ok(LEDGER)


# --- transactions --------------------------------------------------------------------------


def test_refusals_in_savepoints_leave_the_callers_transaction_usable(
    book: Book, assert_ledger_ok: AssertLedgerOk
) -> None:
    low = _account_with_id(uuid.UUID(int=0), "low")  # updated, then undone, before the refusal
    hold = create(book.pool, book.payable, 100, pending=True)
    post(hold)
    taken_id = uuid.uuid4()
    create(book.funding, book.voucher, 5, id=taken_id)
    small_hold = create(book.pool, book.payable, 10, pending=True)
    with transaction.atomic():
        with refused("exceeds_credits"):
            create(book.pool, low, FUNDED)
        with refused("pending_transfer_already_posted"):
            void(hold)
        with refused("exists_with_different_fields"):
            create(book.funding, book.voucher, 6, id=taken_id)
        with refused("exceeds_pending_transfer_amount"):
            post(small_hold, 11)
        assert not transaction.get_rollback()
        create(book.pool, low, FUNDED - 110)
    assert not connection.needs_rollback
    assert balance(book.pool) == Balance(
        debits_pending=10, debits_posted=FUNDED - 10, credits_posted=FUNDED
    )
    assert balance(low) == Balance(credits_posted=FUNDED - 110)
    assert_ledger_ok(LEDGER)


def test_a_refusal_without_a_savepoint_marks_the_callers_transaction_for_rollback(
    book: Book,
) -> None:
    with transaction.atomic():
        with pytest.raises(LedgerError):
            create(book.pool, book.payable, FUNDED + 1)
        assert transaction.get_rollback()  # leaving the block rolls its savepoint back
    assert not connection.needs_rollback


# --- append-only tables and CHECK constraints ----------------------------------------------


@pytest.fixture
def single(book: Book) -> Transfer:
    return create(book.pool, book.voucher, 100)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE ledger_transfer SET amount = 1 WHERE id = %s", "UPDATE on ledger_transfer"),
        ("DELETE FROM ledger_transfer WHERE id = %s", "DELETE on ledger_transfer"),
        (
            "UPDATE ledger_entry SET posted_delta = 1 WHERE transfer_id = %s",
            "UPDATE on ledger_entry",
        ),
        ("DELETE FROM ledger_entry WHERE transfer_id = %s", "DELETE on ledger_entry"),
    ],
)
def test_raw_sql_cannot_change_transfers_or_entries(
    single: Transfer, statement: str, message: str, assert_ledger_ok: AssertLedgerOk
) -> None:
    with (
        pytest.raises(DatabaseError, match=f"{message} is not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [pk_value(Transfer, single.pk)])
    _assert_unchanged(single)
    assert_ledger_ok(LEDGER)


@pytest.mark.parametrize(
    ("tables", "refused_by"),
    [("ledger_entry", "ledger_entry"), ("ledger_transfer, ledger_entry", "ledger_transfer")],
)
def test_raw_sql_cannot_truncate_transfers_or_entries(
    single: Transfer, tables: str, refused_by: str, assert_ledger_ok: AssertLedgerOk
) -> None:
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: fire their checks now, or PostgreSQL refuses
        # to truncate a table with pending trigger events before our trigger runs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match=f"TRUNCATE on {refused_by} is not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {tables}")
    _assert_unchanged(single)
    assert_ledger_ok(LEDGER)


def test_the_orm_cannot_update_a_transfer(single: Transfer) -> None:
    with (
        pytest.raises(DatabaseError, match="UPDATE on ledger_transfer is not allowed"),
        transaction.atomic(),
    ):
        Transfer.objects.filter(pk=single.pk).update(amount=1)
    single.amount = 1
    with (
        pytest.raises(DatabaseError, match="UPDATE on ledger_transfer is not allowed"),
        transaction.atomic(),
    ):
        single.save()
    _assert_unchanged(single)


def test_the_orm_cannot_delete_a_transfer(single: Transfer) -> None:
    # Its entries protect it before the trigger is reached; the raw DELETE above hits the trigger.
    with pytest.raises(ProtectedError), transaction.atomic():
        Transfer.objects.filter(pk=single.pk).delete()
    _assert_unchanged(single)


def test_the_orm_cannot_update_or_delete_an_entry(single: Transfer) -> None:
    entries = Entry.objects.filter(transfer=single)
    with (
        pytest.raises(DatabaseError, match="UPDATE on ledger_entry is not allowed"),
        transaction.atomic(),
    ):
        entries.update(posted_delta=1)
    with (
        pytest.raises(DatabaseError, match="DELETE on ledger_entry is not allowed"),
        transaction.atomic(),
    ):
        entries.delete()
    _assert_unchanged(single)


def _assert_unchanged(transfer: Transfer) -> None:
    stored = Transfer.objects.get(pk=transfer.pk)
    assert (stored.amount, stored.phase) == (100, "single")
    assert sorted(
        Entry.objects.filter(transfer=transfer).values_list("side", "pending_delta", "posted_delta")
    ) == [("credit", 0, 100), ("debit", 0, 100)]


@pytest.mark.parametrize(
    ("account", "assignment", "constraint"),
    [
        ("pool", "debits_posted = credits_posted + 1", "debits_must_not_exceed_credits"),
        ("pool", "debits_pending = credits_posted + 1", "debits_must_not_exceed_credits"),
        ("bank", "credits_posted = 1", "credits_must_not_exceed_debits"),
        ("bank", "credits_pending = 1", "credits_must_not_exceed_debits"),
        ("funding", "debits_posted = -1", "counters_non_negative"),
    ],
)
def test_the_database_rejects_counters_out_of_bounds(
    book: Book, account: str, assignment: str, constraint: str
) -> None:
    pk = pk_value(Account, getattr(book, account).pk)
    before = _snapshot()
    with (
        pytest.raises(IntegrityError, match=f"ledger_account_{constraint}"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE ledger_account SET {assignment} WHERE id = %s", [pk])  # noqa: S608
    assert _snapshot() == before


def test_the_database_rejects_the_orm_taking_a_pool_negative(book: Book) -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_account_debits_must_not_exceed_credits"),
        transaction.atomic(),
    ):
        Account.objects.filter(pk=book.pool.pk).update(debits_posted=F("credits_posted") + 1)
    assert balance(book.pool) == Balance(credits_posted=FUNDED)


def test_the_database_rejects_a_limit_on_an_uncached_account() -> None:
    with (
        pytest.raises(IntegrityError, match="ledger_account_limits_need_cached_balance"),
        transaction.atomic(),
    ):
        services.account_open(
            ledger=LEDGER, code="pool", debits_must_not_exceed_credits=True, is_balance_cached=False
        )
    assert not Account.objects.exists()


# --- ledger_check ----------------------------------------------------------------------------


def test_ledger_check_reports_the_figures_of_a_sound_ledger(book: Book) -> None:
    hold = create(book.pool, book.payable, 600, pending=True)
    post(create(book.pool, book.payable, 200, pending=True), 150)
    create(book.bank, book.funding, 40)

    report = ledger_check(LEDGER)

    assert report.ok
    assert report.problems == []
    assert report.ledgers == {
        LEDGER: {
            "accounts": 5,
            "transfers": 5,
            "debits_posted": FUNDED + 150 + 40,
            "credits_posted": FUNDED + 150 + 40,
            "debits_pending": hold.amount,
            "credits_pending": hold.amount,
        }
    }


def test_ledger_check_reports_a_corrupted_cached_balance(book: Book) -> None:
    create(book.pool, book.voucher, 300)
    # Account rows are not append-only: a stray UPDATE can make them disagree with the entries.
    Account.objects.filter(pk=book.voucher.pk).update(credits_posted=F("credits_posted") + 1)

    report = ledger_check(LEDGER)

    assert not report.ok
    assert report.problems == [
        "account L/voucher: cached balance differs from its entries "
        "(cached 0/0/0/301, entries 0/0/0/300)"
    ]


def test_ledger_check_reports_a_transfer_whose_pending_sides_differ(book: Book) -> None:
    # Two lopsided pending transfers on uncached accounts that cancel out: the ledger still
    # balances and no cached counter is involved, so only the per-transfer check can see them.
    other = services.account_open(ledger=LEDGER, code="payable2", is_balance_cached=False)
    lopsided = []
    for debit_delta, credit_delta in ((5, 3), (3, 5)):
        transfer = Transfer.objects.create(
            id=uuid.uuid4(),
            ledger=LEDGER,
            currency="CNY",
            debit_account=book.payable,
            credit_account=other,
            amount=5,
            kind="corrupt",
            phase=Transfer.Phase.PENDING,
        )
        for side, delta in ((Entry.Side.DEBIT, debit_delta), (Entry.Side.CREDIT, credit_delta)):
            Entry.objects.create(
                transfer=transfer,
                account=book.payable if side == Entry.Side.DEBIT else other,
                ledger=LEDGER,
                side=side,
                pending_delta=delta,
                posted_delta=0,
            )
        lopsided.append(transfer)

    report = ledger_check(LEDGER)

    assert (
        report.ledgers[LEDGER]["debits_pending"],
        report.ledgers[LEDGER]["credits_pending"],
    ) == (
        8,
        8,
    )
    assert sorted(report.problems) == sorted(
        f"transfer {transfer.pk}: entries do not balance" for transfer in lopsided
    )


def _run_ledger_check(*args: str) -> list[str]:
    out = StringIO()
    call_command("ledger_check", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_ledger_check_command_succeeds_on_a_sound_ledger(book: Book) -> None:
    assert _run_ledger_check() == [
        "ledger L: 5 accounts, 1 transfers, posted debits 1000 = credits 1000, "
        "pending debits 0 = credits 0",
        "ledger_check: OK",
    ]


def test_the_ledger_check_command_fails_on_a_corrupted_ledger(book: Book) -> None:
    other = services.account_open(ledger="M", code="funding")
    services.transfer_create(
        id=uuid.uuid4(),
        debit_account=other,
        credit_account=services.account_open(ledger="M", code="pool"),
        amount=70,
        kind="funding",
    )
    Account.objects.filter(pk=other.pk).update(debits_posted=69)
    problem = (
        "PROBLEM: account M/funding: cached balance differs from its entries "
        "(cached 0/69/0/0, entries 0/70/0/0)"
    )

    assert _run_ledger_check("--programme", LEDGER)[-1] == "ledger_check: OK"
    for args in [("--programme", "M"), ()]:
        out = StringIO()
        with pytest.raises(CommandError, match=r"^ledger_check found 1 problem\(s\)$"):
            call_command("ledger_check", *args, stdout=out)
        assert out.getvalue().splitlines()[-2:] == [problem, "ledger_check: 1 problem(s)"]
