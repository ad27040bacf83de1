"""Bank statement import and reconciliation (DESIGN.md 2, step 6; API.md 6).

The CSV is streamed, never loaded whole: lines are parsed, validated and matched in chunks
inside one transaction. Any malformed line fails the whole import with 400 (naming the bad
lines) and nothing is kept. A statement uploaded again (same bytes) returns the first import;
a line seen before in any statement is a duplicate and moves nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import structlog
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.db import insert_rows
from core.exceptions import InvalidStateError, ValidationError
from core.ids import stable_id
from core.locks import Rank, lock_rows
from core.serializers import has_control_character
from ledger import services as ledger
from ledger.models import Account
from ledger.services import TransferSpec
from programmes.models import Programme
from settlement.models import (
    BankStatement,
    Payout,
    PayoutBatch,
    PayoutPart,
    ReconciliationException,
    StatementLine,
)
from settlement.services import _require_finance, clearing_account, disbursed_account

log = structlog.get_logger(__name__)

HEADER = ["value_date", "reference", "amount", "currency", "counterparty_account", "description"]
MAX_LINES = 100_000
CHUNK = 2_000
MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    value_date: dt.date
    reference: str
    amount_fen: int
    currency: str
    counterparty_account: str
    description: str
    fingerprint: str  # the digest of the line's content, see `_fingerprint`


def _fingerprint(*fields: str) -> str:
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass
class _Payout:
    """The few fields of a payout that matching reads, locked for this import."""

    pk: uuid.UUID
    provider_id: uuid.UUID
    programme_id: uuid.UUID
    amount_fen: int
    status: str


# The contract's forms (API.md 6), ASCII only: `Decimal()` and `date.fromisoformat()` also take
# exponents, digit separators, other scripts' digits and ISO week dates.
_AMOUNT = re.compile(r"[+-]?[0-9]+(\.[0-9]{1,2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")


def _amount_fen(text: str) -> int:
    """Yuan written `-1234.50` as fen; ValueError for any other form, zero or out of range."""
    if not _AMOUNT.fullmatch(text):
        raise ValueError(text)
    fen = int(Decimal(text) * 100)
    if fen == 0 or abs(fen) >= 2**63:
        raise ValueError(text)
    return fen


def _date(text: str) -> dt.date:
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _parse(rows: Iterator[list[str]], errors: dict[str, str]) -> Iterator[ParsedLine]:
    for row in rows:
        row_number = rows.line_num  # type: ignore[attr-defined]  # csv.reader's physical line
        if not any(cell.strip(" ") for cell in row):
            continue
        if len(row) != len(HEADER):
            errors[str(row_number)] = f"Expected {len(HEADER)} columns, found {len(row)}."
            continue
        bad = [name for name, cell in zip(HEADER, row, strict=True) if has_control_character(cell)]
        if bad:
            errors[str(row_number)] = f"{bad[0]} holds a control character."
            continue
        value_date, reference, amount, currency, counterparty, description = (
            c.strip(" ") for c in row
        )
        try:
            parsed_date = _date(value_date)
        except ValueError:
            errors[str(row_number)] = f"value_date {value_date[:20]!r} is not a date (YYYY-MM-DD)."
            continue
        try:
            amount_fen = _amount_fen(amount)
        except ValueError:
            errors[str(row_number)] = (
                f"amount {amount[:30]!r} is not a non-zero yuan amount with at most 2 decimals."
            )
            continue
        if not reference or len(reference) > 64:
            errors[str(row_number)] = "reference must be 1 to 64 characters."
            continue
        if not _CURRENCY.fullmatch(currency) or len(counterparty) > 64 or len(description) > 500:
            errors[str(row_number)] = (
                "currency must be 3 letters; counterparty and description are too long."
            )
            continue
        currency = currency.upper()
        yield ParsedLine(
            row_number,
            parsed_date,
            reference,
            amount_fen,
            currency,
            counterparty,
            description,
            _fingerprint(
                parsed_date.isoformat(),
                reference,
                str(amount_fen),
                currency,
                counterparty,
                description,
            ),
        )


def statement_import(
    *, upload: IO[bytes], filename: str, actor: User
) -> tuple[BankStatement, bool]:
    """Import a bank statement and reconcile it. Returns the statement and whether it is new
    (False: these exact bytes were imported before, and nothing was counted again)."""
    _require_finance(actor)
    digest = hashlib.sha256()
    for block in iter(lambda: upload.read(1 << 16), b""):
        digest.update(block)
    upload.seek(0)
    file_sha256 = digest.hexdigest()

    with transaction.atomic():
        _lock_reconciliation()
        existing = BankStatement.objects.filter(file_sha256=file_sha256).first()
        if existing is not None:
            return existing, False
        statement = BankStatement.objects.create(
            file_sha256=file_sha256, filename=filename[:255], uploaded_by=actor
        )
        text = codecs.getreader("utf-8-sig")(upload)
        reader = csv.reader(text)
        errors: dict[str, str] = {}
        try:
            header = next(reader, None)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The file is not UTF-8.", fields={"file": [str(exc)[:200]]}
            ) from exc
        if header is None or [cell.strip().lower() for cell in header] != HEADER:
            raise ValidationError(
                f"The header must be: {','.join(HEADER)}.", fields={"file": ["Bad header."]}
            )
        counts = {"lines": 0, "matched": 0, "exceptions": 0}
        chunk: list[ParsedLine] = []
        try:
            for parsed in _parse(reader, errors):  # type: ignore[arg-type]
                counts["lines"] += 1
                if counts["lines"] > MAX_LINES:
                    raise ValidationError(
                        f"A statement has at most {MAX_LINES} lines.",
                        fields={"file": ["Too many lines."]},
                    )
                chunk.append(parsed)
                if len(chunk) >= CHUNK:
                    if not errors:
                        _reconcile(statement, chunk, counts)
                    chunk = []
                if len(errors) >= MAX_REPORTED_ERRORS:
                    break
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "The file is not UTF-8.", fields={"file": [str(exc)[:200]]}
            ) from exc
        except csv.Error as exc:
            raise ValidationError(
                "The file is not valid CSV.", fields={"file": [str(exc)[:200]]}
            ) from exc
        if errors:
            raise ValidationError(
                f"{len(errors)} line(s) are malformed; nothing was imported.",
                fields={"lines": errors},
            )
        if chunk:
            _reconcile(statement, chunk, counts)
        statement.lines = counts["lines"]
        statement.matched = counts["matched"]
        statement.exceptions = counts["exceptions"]
        statement.save(update_fields=["lines", "matched", "exceptions"])
        _close_settled_batches()
        audit_record(
            actor=actor,
            action="bank_statement.imported",
            target=statement,
            after={"filename": filename, **counts},
        )
        if counts["exceptions"]:
            from settlement.tasks import send_exception_emails

            transaction.on_commit(lambda: send_exception_emails.delay(str(statement.pk)))
    log.info("bank_statement.imported", statement=str(statement.pk), **counts)
    return statement, True


def _lock_reconciliation() -> None:
    """Imports are serialised, so concurrent uploads never count a line twice."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('settlement.reconciliation'))")


def _reconcile(statement: BankStatement, chunk: list[ParsedLine], counts: dict[str, int]) -> None:
    """Match one chunk of lines: a payment for a `sent` payout of the same amount makes it
    `paid`; a positive line for a `paid` payout of the same amount makes it `returned`, and
    its money payable again. Anything else is an open exception.

    Lines are matched in file order (a payout can be paid and returned in one chunk), over
    plain rows rather than model instances, and written with one COPY per table."""
    seen = set(
        StatementLine.objects.filter(
            fingerprint__any={line.fingerprint for line in chunk}
        ).values_list("fingerprint", flat=True)
    )
    payouts = {
        row[0]: _Payout(*row[1:])
        for row in lock_rows(Payout.objects, Rank.PAYOUT, of=("self",))
        .filter(reference__any={line.reference for line in chunk})
        .values_list(
            "reference", "pk", "provider_id", "batch__programme_id", "amount_fen", "status"
        )
    }
    rows: list[tuple[Any, ...]] = []
    problems: dict[int, tuple[str, str]] = {}
    paid: list[_Payout] = []
    returned: list[_Payout] = []
    for line in chunk:
        payout = payouts.get(line.reference)
        if line.fingerprint in seen:
            kind, message = "duplicate_line", "This line was already imported."
            outcome: str = StatementLine.Outcome.EXCEPTION
        else:
            seen.add(line.fingerprint)
            kind, message, outcome = _match(line, payout)
            if outcome == StatementLine.Outcome.PAID and payout is not None:
                paid.append(payout)
                payout.status = Payout.Status.PAID
            elif outcome == StatementLine.Outcome.RETURNED and payout is not None:
                returned.append(payout)
                payout.status = Payout.Status.RETURNED
        is_exception = outcome == StatementLine.Outcome.EXCEPTION
        if is_exception:
            problems[line.line_number] = (kind, message)
        rows.append(
            (
                statement.pk,
                line.line_number,
                line.value_date,
                line.reference,
                line.amount_fen,
                line.currency,
                line.counterparty_account,
                line.description,
                line.fingerprint,
                str(outcome),
                payout.pk if payout is not None and not is_exception else None,
            )
        )
    insert_rows(StatementLine, _LINE_FIELDS, rows)
    if problems:
        now, open_ = timezone.now(), ReconciliationException.Status.OPEN.value
        line_ids = StatementLine.objects.filter(
            statement=statement, line_number__any=problems
        ).values_list("line_number", "pk")
        insert_rows(
            ReconciliationException,
            ("id", "created_at", "statement_id", "line_id", "kind", "message", "status", "note"),
            (
                (uuid.uuid4(), now, statement.pk, line_id, *problems[line_number], open_, "")
                for line_number, line_id in line_ids
            ),
        )
    _settle(paid, returned)
    counts["matched"] += len(paid) + len(returned)
    counts["exceptions"] += len(problems)


_LINE_FIELDS = (
    "statement_id",
    "line_number",
    "value_date",
    "reference",
    "amount_fen",
    "currency",
    "counterparty_account",
    "description",
    "fingerprint",
    "outcome",
    "payout_id",
)


def _match(line: ParsedLine, payout: _Payout | None) -> tuple[str, str, str]:
    if line.currency != "CNY":
        return (
            "currency_mismatch",
            f"Currency {line.currency}, expected CNY.",
            StatementLine.Outcome.EXCEPTION,
        )
    if payout is None or payout.status == Payout.Status.HELD:
        return (
            "unknown_reference",
            f"No payout has reference {line.reference}.",
            StatementLine.Outcome.EXCEPTION,
        )
    if line.amount_fen < 0:
        if payout.status == Payout.Status.PENDING:
            return (
                "payout_not_sent",
                "The payout has not been sent.",
                StatementLine.Outcome.EXCEPTION,
            )
        if payout.status != Payout.Status.SENT:
            return (
                "already_settled",
                f"The payout is already {payout.status}.",
                StatementLine.Outcome.EXCEPTION,
            )
        if -line.amount_fen != payout.amount_fen:
            return (
                "amount_mismatch",
                f"Paid {-line.amount_fen} fen; the payout is {payout.amount_fen}.",
                StatementLine.Outcome.EXCEPTION,
            )
        return "", "", StatementLine.Outcome.PAID
    if payout.status != Payout.Status.PAID:
        return (
            "payout_not_paid",
            f"A return for a payout that is {payout.status}.",
            StatementLine.Outcome.EXCEPTION,
        )
    if line.amount_fen != payout.amount_fen:
        return (
            "amount_mismatch",
            f"Returned {line.amount_fen} fen; the payout is {payout.amount_fen}.",
            StatementLine.Outcome.EXCEPTION,
        )
    return "", "", StatementLine.Outcome.RETURNED


def _settle(paid: list[_Payout], returned: list[_Payout]) -> None:
    """Move the money of payouts just paid (`bank:clearing` -> `disbursed`) and just returned
    (`disbursed` -> the payables, so it is due again). A payout can be both in one chunk."""
    if not paid and not returned:
        return
    now = timezone.now()
    # Plain rows, not model instances: a chunk settles thousands of parts.
    parts_by_payout: dict[Any, list[tuple[Any, ...]]] = {}
    returned_ids = {payout.pk for payout in returned}
    payables: set[Any] = set()
    for part in PayoutPart.objects.filter(
        payout_id__any=[p.pk for p in (*paid, *returned)]
    ).values_list("pk", "payout_id", "category", "amount_fen", "payable_account_id"):
        parts_by_payout.setdefault(part[1], []).append(part)
        if part[1] in returned_ids:
            payables.add(part[4])
    # bank:clearing and disbursed, looked up once per programme, not once per part; the
    # payables only for returns.
    programme_accounts = {
        programme.pk: (clearing_account(programme), disbursed_account(programme))
        for programme in Programme.objects.filter(
            pk__in={p.programme_id for p in (*paid, *returned)}
        )
    }
    payable_accounts = Account.objects.in_bulk(payables) if payables else {}
    specs = []
    for payouts, kind in ((paid, "payout_paid"), (returned, "payout_return")):
        for payout in payouts:
            clearing, disbursed = programme_accounts[payout.programme_id]
            for part_id, _, category, amount_fen, payable_id in parts_by_payout.get(payout.pk, []):
                if kind == "payout_paid":
                    debit, credit = clearing, disbursed
                else:
                    debit, credit = disbursed, payable_accounts[payable_id]
                specs.append(
                    TransferSpec(
                        id=stable_id(kind, part_id),
                        debit_account=debit,
                        credit_account=credit,
                        amount=amount_fen,
                        kind=kind,
                        metadata={
                            "category": category,
                            "provider": str(payout.provider_id),
                            "payout": str(payout.pk),
                        },
                    )
                )
    ledger.transfers_create_many(specs)
    Payout.objects.filter(pk__any=[p.pk for p in paid]).update(
        status=Payout.Status.PAID, paid_at=now
    )
    Payout.objects.filter(pk__any=[p.pk for p in returned]).update(
        status=Payout.Status.RETURNED, returned_at=now
    )


def _close_settled_batches() -> None:
    """An approved batch whose payouts are all paid or returned is closed."""
    open_payout = Payout.objects.filter(status__in=[Payout.Status.PENDING, Payout.Status.SENT])
    PayoutBatch.objects.filter(status=PayoutBatch.Status.APPROVED).exclude(
        payouts__in=open_payout
    ).update(status=PayoutBatch.Status.CLOSED)


def exception_resolve(
    *, exception: ReconciliationException, note: str, actor: User
) -> ReconciliationException:
    _require_finance(actor)
    with transaction.atomic():
        exception = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
        if exception.status != ReconciliationException.Status.OPEN:
            raise InvalidStateError("The exception is already resolved.")
        exception.status = ReconciliationException.Status.RESOLVED
        exception.note = note
        exception.resolved_by = actor
        exception.resolved_at = timezone.now()
        exception.save(update_fields=["status", "note", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action="reconciliation_exception.resolved",
            target=exception,
            before={"status": "open"},
            after={"status": "resolved", "note": note},
        )
    return exception
