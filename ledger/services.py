"""The ledger's write API: open accounts, create, post and void transfers, read balances.

Every function must run inside the caller's transaction (it opens one if there is none).
A refusal raises `LedgerError` with a stable `code`; callers translate it into their own
domain error (for example `exceeds_credits` on a pool becomes `insufficient_budget`).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.db import Write, insert_rows, pk_value
from core.exceptions import DomainError
from ledger.models import Account, Entry, Transfer

MAX_AMOUNT = 2**63 - 1


class LedgerError(DomainError):
    status_code: int = 409
    code = "ledger_error"


@dataclass(frozen=True)
class Balance:
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0

    @property
    def credit_balance(self) -> int:
        """Posted credits less posted debits: what a credit-normal account holds."""
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        """What a credit-normal account can still be debited: pending debits count against it."""
        return self.credits_posted - self.debits_posted - self.debits_pending


def account_open(
    *,
    ledger: str,
    code: str,
    currency: str = "CNY",
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
    is_balance_cached: bool = True,
) -> Account:
    """Open an account, or return the one with this ledger and code if its flags agree."""
    if debits_must_not_exceed_credits and credits_must_not_exceed_debits:
        raise LedgerError("An account cannot carry both limit flags.", code="flags_are_exclusive")
    fields = {
        "currency": currency,
        "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
        "is_balance_cached": is_balance_cached,
    }
    account, created = Account.objects.get_or_create(ledger=ledger, code=code, defaults=fields)
    if not created and any(getattr(account, name) != value for name, value in fields.items()):
        raise LedgerError(
            f"Account {ledger}/{code} exists with different flags.",
            code="account_exists_with_different_flags",
        )
    return account


def transfer_create(
    *,
    id: uuid.UUID,
    debit_account: Account,
    credit_account: Account,
    amount: int,
    kind: str,
    pending: bool = False,
    metadata: dict[str, Any] | None = None,
) -> Transfer:
    """Move `amount` from the debit to the credit account, posted at once or held pending.

    The id is the idempotency key: the same id with the same fields returns the existing
    transfer; with other fields it raises `exists_with_different_fields`. A debit that would
    take a limited account's debits (pending included) above its credits raises
    `exceeds_credits` and writes nothing.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise LedgerError("The amount must be an integer.", code="amount_must_be_integer")
    if amount <= 0:
        raise LedgerError("The amount must be positive.", code="amount_must_be_positive")
    if amount > MAX_AMOUNT:
        raise LedgerError("The amount overflows 64 bits.", code="amount_overflow")
    if debit_account.pk == credit_account.pk:
        raise LedgerError(
            "Debit and credit accounts must differ.", code="accounts_must_be_different"
        )
    if debit_account.ledger != credit_account.ledger:
        raise LedgerError("Both accounts must be in the same ledger.", code="ledger_mismatch")
    if debit_account.currency != credit_account.currency:
        raise LedgerError("Both accounts must have the same currency.", code="currency_mismatch")

    transfer = Transfer(
        id=id,
        ledger=debit_account.ledger,
        currency=debit_account.currency,
        debit_account=debit_account,
        credit_account=credit_account,
        amount=amount,
        kind=kind,
        phase=Transfer.Phase.PENDING if pending else Transfer.Phase.SINGLE,
        metadata=metadata or {},
    )
    counter = "pending" if pending else "posted"
    with transaction.atomic(savepoint=False):
        written, applied = _apply_and_insert(
            transfer,
            debit_delta={f"debits_{counter}": amount},
            credit_delta={f"credits_{counter}": amount},
            pending_delta=amount if pending else 0,
            posted_delta=0 if pending else amount,
        )
        if not written:
            _undo(applied)
            return _existing_or_raise(transfer)
    return transfer


def transfer_post(
    *,
    id: uuid.UUID,
    pending_id: uuid.UUID,
    amount: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> Transfer:
    """Post a pending transfer, in full (amount None) or in part; the remainder is released.

    A pending transfer is posted or voided at most once.
    """
    return _resolve(
        id=id, pending_id=pending_id, amount=amount, phase=Transfer.Phase.POST, metadata=metadata
    )


def transfer_void(
    *, id: uuid.UUID, pending_id: uuid.UUID, metadata: dict[str, Any] | None = None
) -> Transfer:
    """Void a pending transfer, releasing all of it. At most once, like posting."""
    return _resolve(
        id=id, pending_id=pending_id, amount=0, phase=Transfer.Phase.VOID, metadata=metadata
    )


def _resolve(
    *,
    id: uuid.UUID,
    pending_id: uuid.UUID,
    amount: int | None,
    phase: str,
    metadata: dict[str, Any] | None,
) -> Transfer:
    with transaction.atomic(savepoint=False):
        pending = (
            Transfer.objects.select_related("debit_account", "credit_account")
            .filter(pk=pending_id)
            .first()
        )
        if pending is None:
            raise LedgerError("No such pending transfer.", code="pending_transfer_not_found")
        if pending.phase != Transfer.Phase.PENDING:
            raise LedgerError("That transfer is not pending.", code="pending_transfer_not_pending")
        if amount is None:
            amount = pending.amount
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise LedgerError(
                "The amount must be a non-negative integer.", code="amount_must_be_positive"
            )
        if amount > pending.amount:
            raise LedgerError(
                f"Cannot post {amount}: the pending transfer holds {pending.amount}.",
                code="exceeds_pending_transfer_amount",
            )
        resolution = Transfer(
            id=id,
            ledger=pending.ledger,
            currency=pending.currency,
            debit_account=pending.debit_account,
            credit_account=pending.credit_account,
            amount=amount,
            kind=pending.kind,
            phase=phase,
            pending=pending,
            metadata=metadata or {},
        )
        # Resolving only lowers pending debits and credits, so no limit can refuse it: the
        # insert comes first, and its unique `pending` column is the at-most-once gate.
        written, _ = _insert_unless_exists(
            resolution, pending_delta=-pending.amount, posted_delta=amount
        )
        if not written:
            existing = Transfer.objects.filter(pk=id).first()
            if existing is not None:
                return _existing_or_raise(resolution, existing)
            earlier = Transfer.objects.get(pending_id=pending_id)
            outcome = "posted" if earlier.phase == Transfer.Phase.POST else "voided"
            raise LedgerError(
                f"The pending transfer was already {outcome}.",
                code=f"pending_transfer_already_{outcome}",
            )
        _apply(
            resolution,
            _in_lock_order(
                resolution,
                {"debits_pending": -pending.amount, "debits_posted": amount},
                {"credits_pending": -pending.amount, "credits_posted": amount},
            ),
        )
    return resolution


def balances_of(accounts: Iterable[Account]) -> dict[uuid.UUID, Balance]:
    """Current balances, from the cached counters or, for uncached accounts, from the entries."""
    accounts = list(accounts)
    result: dict[uuid.UUID, Balance] = {}
    cached_ids = [a.pk for a in accounts if a.is_balance_cached]
    for row in Account.objects.filter(pk__in=cached_ids).values(
        "id", "debits_pending", "debits_posted", "credits_pending", "credits_posted"
    ):
        result[row["id"]] = Balance(
            debits_pending=row["debits_pending"],
            debits_posted=row["debits_posted"],
            credits_pending=row["credits_pending"],
            credits_posted=row["credits_posted"],
        )
    uncached_ids = [a.pk for a in accounts if not a.is_balance_cached]
    if uncached_ids:
        result.update(dict.fromkeys(uncached_ids, Balance()))  # an account with no entries yet
        result.update(entry_balances(Entry.objects.filter(account_id__in=uncached_ids)))
    return result


def entry_balances(entries: Any) -> dict[uuid.UUID, Balance]:
    """Sum a queryset of entries into balances per account."""
    zero = 0
    rows = entries.values("account_id").annotate(
        debits_pending=Coalesce(Sum("pending_delta", filter=Q(side=Entry.Side.DEBIT)), zero),
        debits_posted=Coalesce(Sum("posted_delta", filter=Q(side=Entry.Side.DEBIT)), zero),
        credits_pending=Coalesce(Sum("pending_delta", filter=Q(side=Entry.Side.CREDIT)), zero),
        credits_posted=Coalesce(Sum("posted_delta", filter=Q(side=Entry.Side.CREDIT)), zero),
    )
    return {
        row["account_id"]: Balance(
            debits_pending=row["debits_pending"],
            debits_posted=row["debits_posted"],
            credits_pending=row["credits_pending"],
            credits_posted=row["credits_posted"],
        )
        for row in rows
    }


def pending_transfer_state(transfer: Transfer) -> str:
    """`pending`, `posted` or `voided` for a pending transfer; `posted` for a single-phase one."""
    if transfer.phase == Transfer.Phase.SINGLE:
        return "posted"
    resolution = (
        Transfer.objects.filter(pending_id=transfer.pk).values_list("phase", flat=True).first()
    )
    return {None: "pending", "post": "posted", "void": "voided"}[resolution]


# --- internals --------------------------------------------------------------------------


def _apply_and_insert(
    transfer: Transfer,
    *,
    debit_delta: dict[str, int],
    credit_delta: dict[str, int],
    pending_delta: int,
    posted_delta: int,
) -> tuple[bool, _Applied]:
    """Apply the deltas to the accounts' counters, then write the transfer and its entries
    unless it exists (`_insert_unless_exists`). Returns whether the transfer was written, and
    what was applied (for the caller to undo when it was not).

    The last account to update goes in the same statement as the transfer: its conditional
    UPDATE guards the INSERT, so a refusal writes no transfer, at one round trip for the lot.
    The account before it (when both keep counters) is updated first, on its own, so accounts
    are still locked in id order. A limit's refusal undoes what was applied and raises, unless
    the transfer turns out to be a replay of one accepted before."""
    updates = [
        (account, delta)
        for account, delta in _in_lock_order(transfer, debit_delta, credit_delta)
        if account.is_balance_cached and any(delta.values())
    ]
    applied = _apply(transfer, updates[:-1])
    if applied is None:  # a replay of a transfer accepted before
        return False, []
    last = updates[-1] if updates else None
    written, updated = _insert_unless_exists(
        transfer, pending_delta=pending_delta, posted_delta=posted_delta, guard=last
    )
    if last is None:
        return written, applied
    if not updated:
        if _undo_unless_replay(transfer, applied):
            return False, []
        raise _refusal(*last)
    return written, [*applied, last]


def _insert_unless_exists(
    transfer: Transfer,
    *,
    pending_delta: int,
    posted_delta: int,
    guard: tuple[Account, dict[str, int]] | None = None,
) -> tuple[bool, bool]:
    """INSERT the transfer ... ON CONFLICT DO NOTHING and, if this call wrote it, its two
    entries (debit, then credit, each of the deltas), in one statement: the entries are
    selected from the transfer's RETURNING, so they exist exactly when the transfer does.
    With `guard` (an account and its delta), the account's conditional UPDATE comes first in
    the same statement, and the transfer is written only if it updated the account.

    Returns (written, updated). A concurrent insert of the same id (or of a second
    resolution of the same pending transfer) waits for the first to commit and then writes
    nothing."""
    guard_sql, guard_params = _update_sql(*guard) if guard else ("", [])
    insert = Write.insert_values(
        Transfer, _TRANSFER_FIELDS, [_transfer_row(transfer)], suffix=_RETURNING_FOR_ENTRIES
    )
    deltas = [pending_delta, posted_delta]
    with connection.cursor() as cursor:
        cursor.execute(
            _transfer_with_entries_sql(insert.sql, guard_sql),
            [
                *guard_params,
                *insert.params,
                Entry.Side.DEBIT.value,
                *deltas,
                Entry.Side.CREDIT.value,
                *deltas,
            ],
        )
        updated, entries = cursor.fetchone()
    return entries == 2, updated == 1


_RETURNING_FOR_ENTRIES = (
    "ON CONFLICT DO NOTHING RETURNING id, debit_account_id, credit_account_id, ledger, created_at"
)


@functools.lru_cache(maxsize=64)
def _transfer_with_entries_sql(insert_transfer: str, guard: str) -> str:
    """`WITH [u AS (<guard: update an account> RETURNING 1),] t AS (<insert the transfer,
    RETURNING>), e AS (INSERT <its entries> SELECT ... FROM t RETURNING 1) SELECT <rows
    updated>, <entries written>`: with a guard, no update, no transfer; no transfer, no
    entries."""
    entry = "SELECT t.id, t.{account}, t.ledger, %s, %s, %s, t.created_at FROM t"
    insert = insert_transfer
    prefix = ""
    if guard:
        prefix = f"u AS ({guard} RETURNING 1), "
        # The transfer's VALUES (one row) become a SELECT of it only if the update happened.
        head, _, rest = insert_transfer.partition(" VALUES (")
        values, _, suffix = rest.partition(")")
        insert = f"{head} SELECT {values} WHERE EXISTS (SELECT 1 FROM u){suffix}"  # noqa: S608
    updated = "(SELECT count(*) FROM u)" if guard else "0"
    # Only the code's own table and column names and placeholders: no value is in the text.
    return (
        f"WITH {prefix}t AS ({insert}), "  # noqa: S608
        f"e AS (INSERT INTO {Entry._meta.db_table} ({', '.join(_ENTRY_COLUMNS)}) "
        f"{entry.format(account='debit_account_id')} "
        f"UNION ALL {entry.format(account='credit_account_id')} RETURNING 1) "
        f"SELECT {updated}, (SELECT count(*) FROM e)"
    )


def _transfer_row(transfer: Transfer) -> tuple[Any, ...]:
    """A transfer's values in the order of `_TRANSFER_FIELDS`."""
    return (
        transfer.pk,
        transfer.ledger,
        transfer.currency,
        transfer.debit_account_id,
        transfer.credit_account_id,
        transfer.amount,
        transfer.kind,
        str(transfer.phase),
        transfer.pending_id,
        transfer.metadata,
        transfer.created_at,
    )


_COMPARED_FIELDS = (
    "debit_account_id",
    "credit_account_id",
    "amount",
    "kind",
    "phase",
    "pending_id",
    "ledger",
)


def _existing_or_raise(wanted: Transfer, existing: Transfer | None = None) -> Transfer:
    existing = existing or Transfer.objects.filter(pk=wanted.pk).first()
    if existing is None:  # the conflict was on the pending column, handled by the caller
        raise LedgerError(
            "The transfer conflicts with another.", code="exists_with_different_fields"
        )
    if any(getattr(existing, name) != getattr(wanted, name) for name in _COMPARED_FIELDS):
        raise LedgerError(
            f"Transfer {wanted.pk} exists with different fields.",
            code="exists_with_different_fields",
        )
    return existing


_Applied = list[tuple[Account, dict[str, int]]]


def _in_lock_order(
    transfer: Transfer, debit_delta: dict[str, int], credit_delta: dict[str, int]
) -> list[tuple[Account, dict[str, int]]]:
    """Both accounts with their deltas, in a fixed (id) order, which avoids deadlocks."""
    updates = [(transfer.debit_account, debit_delta), (transfer.credit_account, credit_delta)]
    return sorted(updates, key=lambda item: str(item[0].pk))


def _apply(transfer: Transfer, updates: list[tuple[Account, dict[str, int]]]) -> _Applied | None:
    """Update the accounts' counters (`_apply_account`), in the order given. If a limit
    refuses, what was applied is undone before raising, unless the transfer turns out to be a
    replay of one accepted before (then None)."""
    applied: _Applied = []
    for account, delta in updates:
        try:
            applied += _apply_account(account, delta)
        except LedgerError:
            if _undo_unless_replay(transfer, applied):
                return None
            raise
    return applied


def _undo_unless_replay(transfer: Transfer, applied: _Applied) -> bool:
    """After a limit refused an update: undo what was applied, and say whether the transfer is
    a replay of one accepted before (its fields are checked: a different one raises)."""
    _undo(applied)
    existing = Transfer.objects.filter(pk=transfer.pk).first()
    if existing is None:
        return False
    _existing_or_raise(transfer, existing)
    return True


def _refusal(account: Account, delta: dict[str, int]) -> LedgerError:
    """Why a conditional update matched no row: a counter overflow, or the account's limit."""
    current = Account.objects.filter(pk=account.pk).values(*delta).first() or {}
    if any(current.get(name, 0) + value > MAX_AMOUNT for name, value in delta.items()):
        return LedgerError(
            f"The transfer would overflow a counter of {account.code}.",
            code="amount_overflow",
            fields={"account": account.code},
        )
    return LedgerError(
        f"The transfer would take {account.code} over its limit.",
        code="exceeds_credits" if _debit_increase(delta) > 0 else "exceeds_debits",
        fields={"account": account.code},
    )


def _undo(applied: _Applied) -> None:
    for account, delta in applied:
        Account.objects.filter(pk=account.pk).update(
            **{name: F(name) - value for name, value in delta.items()}
        )


def _entry_source(transfer: Transfer, pending_delta: int, posted_delta: int) -> tuple[Any, ...]:
    """What `_entry_rows` takes for a transfer held as a model instance."""
    return (
        transfer.pk,
        transfer.debit_account_id,
        transfer.credit_account_id,
        transfer.ledger,
        pending_delta,
        posted_delta,
    )


# --- bulk operations ---------------------------------------------------------------------


@dataclass(frozen=True)
class TransferSpec:
    id: uuid.UUID
    debit_account: Account
    credit_account: Account
    amount: int
    kind: str
    metadata: dict[str, Any]


def transfers_create_many(specs: list[TransferSpec], *, pending: bool = False) -> None:
    """Create many new transfers at once, posted (or pending), with the same refusals as
    `transfer_create`: for batch work such as settlement and reconciliation.

    Account counters are updated with one conditional UPDATE per account for the sum of its
    transfers, then the transfers and entries are inserted in bulk. The ids must be new: a
    replay is the caller's to prevent (settlement does it under its batch's row lock).
    """
    if not specs:
        return
    accounts: dict[uuid.UUID, Account] = {}
    debit_totals: dict[uuid.UUID, int] = {}
    credit_totals: dict[uuid.UUID, int] = {}
    for spec in specs:
        _validate_new(spec.debit_account, spec.credit_account, spec.amount)
        accounts[spec.debit_account.pk] = spec.debit_account
        accounts[spec.credit_account.pk] = spec.credit_account
        debit_totals[spec.debit_account.pk] = (
            debit_totals.get(spec.debit_account.pk, 0) + spec.amount
        )
        credit_totals[spec.credit_account.pk] = (
            credit_totals.get(spec.credit_account.pk, 0) + spec.amount
        )
    counter = "pending" if pending else "posted"
    with transaction.atomic(savepoint=False):
        applied: _Applied = []
        for account_id in sorted(accounts, key=str):
            account = accounts[account_id]
            delta = {}
            if debit_totals.get(account_id):
                delta[f"debits_{counter}"] = debit_totals[account_id]
            if credit_totals.get(account_id):
                delta[f"credits_{counter}"] = credit_totals[account_id]
            try:
                applied += _apply_account(account, delta)
            except LedgerError:
                _undo(applied)
                raise
        now = timezone.now()
        phase = (Transfer.Phase.PENDING if pending else Transfer.Phase.SINGLE).value
        pending_delta, posted_delta = (1, 0) if pending else (0, 1)
        insert_rows(
            Transfer,
            _TRANSFER_FIELDS,
            (
                (
                    spec.id,
                    spec.debit_account.ledger,
                    spec.debit_account.currency,
                    spec.debit_account.pk,
                    spec.credit_account.pk,
                    spec.amount,
                    spec.kind,
                    phase,
                    None,
                    spec.metadata,
                    now,
                )
                for spec in specs
            ),
        )
        _write_entries_many(
            (
                (
                    spec.id,
                    spec.debit_account.pk,
                    spec.credit_account.pk,
                    spec.debit_account.ledger,
                    spec.amount * pending_delta,
                    spec.amount * posted_delta,
                )
                for spec in specs
            ),
            now=now,
        )


_TRANSFER_FIELDS = (
    "id",
    "ledger",
    "currency",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "kind",
    "phase",
    "pending_id",
    "metadata",
    "created_at",
)


def transfers_resolve_many(
    resolutions: list[tuple[uuid.UUID, uuid.UUID, int | None]], *, void: bool = False
) -> None:
    """Post (amount None: in full) or void many pending transfers at once:
    `(resolution id, pending id, amount)` each. Each pending transfer is resolved at most
    once: the unique `pending` column refuses a second resolution."""
    if not resolutions:
        return
    with transaction.atomic(savepoint=False):
        pending_ids = [pending_id for _, pending_id, _ in resolutions]
        pendings = {
            transfer.pk: transfer
            for transfer in Transfer.objects.select_related(
                "debit_account", "credit_account"
            ).filter(pk__any=pending_ids)
        }
        resolved = Transfer.objects.filter(pending_id__any=pending_ids)
        already = set(resolved.values_list("pending_id", flat=True))
        if already:
            raise LedgerError(
                f"{len(already)} of the pending transfers were already resolved.",
                code="pending_transfer_already_resolved",
            )
        now = timezone.now()
        made: list[Transfer] = []
        deltas: dict[uuid.UUID, dict[str, int]] = {}
        accounts: dict[uuid.UUID, Account] = {}
        for resolution_id, pending_id, amount in resolutions:
            pending = pendings.get(pending_id)
            if pending is None or pending.phase != Transfer.Phase.PENDING:
                raise LedgerError("No such pending transfer.", code="pending_transfer_not_found")
            posted = 0 if void else (pending.amount if amount is None else amount)
            if not 0 <= posted <= pending.amount:
                raise LedgerError(
                    "Cannot post more than is pending.", code="exceeds_pending_transfer_amount"
                )
            made.append(
                Transfer(
                    id=resolution_id,
                    ledger=pending.ledger,
                    currency=pending.currency,
                    debit_account=pending.debit_account,
                    credit_account=pending.credit_account,
                    amount=posted,
                    kind=pending.kind,
                    phase=Transfer.Phase.VOID if void else Transfer.Phase.POST,
                    pending=pending,
                    metadata=pending.metadata,
                    created_at=now,
                )
            )
            for account, side in (
                (pending.debit_account, "debits"),
                (pending.credit_account, "credits"),
            ):
                accounts[account.pk] = account
                delta = deltas.setdefault(account.pk, {})
                delta[f"{side}_pending"] = delta.get(f"{side}_pending", 0) - pending.amount
                delta[f"{side}_posted"] = delta.get(f"{side}_posted", 0) + posted
        for account_id in sorted(deltas, key=str):
            _apply_account(accounts[account_id], deltas[account_id])
        insert_rows(Transfer, _TRANSFER_FIELDS, (_transfer_row(t) for t in made))
        _write_entries_many(
            (
                _entry_source(t, -pendings[t.pending_id].amount, t.amount)  # type: ignore[index]
                for t in made
            ),
            now=now,
        )


def _validate_new(debit_account: Account, credit_account: Account, amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LedgerError("The amount must be a positive integer.", code="amount_must_be_positive")
    if amount > MAX_AMOUNT:
        raise LedgerError("The amount overflows 64 bits.", code="amount_overflow")
    if debit_account.pk == credit_account.pk:
        raise LedgerError(
            "Debit and credit accounts must differ.", code="accounts_must_be_different"
        )
    if debit_account.ledger != credit_account.ledger:
        raise LedgerError("Both accounts must be in the same ledger.", code="ledger_mismatch")
    if debit_account.currency != credit_account.currency:
        raise LedgerError("Both accounts must have the same currency.", code="currency_mismatch")


# The counters a transfer moves, by name: the only column names `_apply_account` writes.
_COUNTERS = {
    field.attname: field.column
    for field in Account._meta.concrete_fields
    if field.attname in ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
}


def _apply_account(account: Account, delta: dict[str, int]) -> _Applied:
    """One conditional UPDATE of one account by `delta` (`_update_sql`), refused when it
    matches no row."""
    if not account.is_balance_cached or not any(delta.values()):
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_update_sql(account, delta))
        updated = cursor.rowcount
    if updated != 1:
        raise _refusal(account, delta)
    return [(account, delta)]


def _debit_increase(delta: dict[str, int]) -> int:
    return delta.get("debits_pending", 0) + delta.get("debits_posted", 0)


def _update_sql(account: Account, delta: dict[str, int]) -> tuple[str, list[Any]]:
    """The conditional UPDATE of one account by `delta`: it matches the row only if the
    account stays within its limit flag and no counter passes 2**63 - 1 (zero rows updated
    means refused; the CHECK constraints are the backstop). Conditions are differences, never
    sums, so they cannot overflow a bigint themselves. Plain SQL: it runs for every transfer,
    and the ORM would compile it anew each time."""
    sets = [f"{_COUNTERS[name]} = {_COUNTERS[name]} + %s" for name in delta]
    conditions = ["id = %s"]
    params: list[Any] = [*delta.values(), pk_value(Account, account.pk)]
    debit_increase = _debit_increase(delta)
    if account.debits_must_not_exceed_credits and debit_increase > 0:
        conditions.append("credits_posted - debits_posted - debits_pending >= %s")
        params.append(debit_increase)
    credit_increase = delta.get("credits_pending", 0) + delta.get("credits_posted", 0)
    if account.credits_must_not_exceed_debits and credit_increase > 0:
        conditions.append("debits_posted - credits_posted - credits_pending >= %s")
        params.append(credit_increase)
    for name, value in delta.items():
        if value > 0:
            conditions.append(f"{_COUNTERS[name]} <= %s")
            params.append(MAX_AMOUNT - value)
    sql = (
        f"UPDATE {Account._meta.db_table} SET {', '.join(sets)} "  # noqa: S608
        f"WHERE {' AND '.join(conditions)}"
    )
    return sql, params


def _write_entries_many(transfers: Iterable[tuple[Any, ...]], *, now: dt.datetime) -> None:
    insert_rows(Entry, _ENTRY_FIELDS, _entry_rows(transfers, now=now))


def _entry_rows(
    transfers: Iterable[tuple[Any, ...]], *, now: dt.datetime
) -> Iterator[tuple[Any, ...]]:
    """The two entries (debit, then credit) of each transfer given as `(transfer id, debit
    account id, credit account id, ledger, pending delta, posted delta)`, in the order of
    `_ENTRY_FIELDS`."""
    debit, credit = Entry.Side.DEBIT.value, Entry.Side.CREDIT.value
    for transfer_id, debit_id, credit_id, code, pending, posted in transfers:
        yield (transfer_id, debit_id, code, debit, pending, posted, now)
        yield (transfer_id, credit_id, code, credit, pending, posted, now)


_ENTRY_FIELDS = (
    "transfer_id",
    "account_id",
    "ledger",
    "side",
    "pending_delta",
    "posted_delta",
    "created_at",
)
_ENTRY_COLUMNS = tuple(
    {field.attname: field.column for field in Entry._meta.concrete_fields}[name]
    for name in _ENTRY_FIELDS
)
