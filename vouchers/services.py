"""Voucher issue and revocation, and the subsidy holds orders place on vouchers.

The budget is committed when a voucher is issued: a posted ledger transfer
`pool:<category>` -> `voucher:<id>`. The pool account's limit flag makes over-commitment
impossible, even when approvals race (DESIGN.md 2, step 2).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

import structlog
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from core.audit import audit_record
from core.db import Selection, for_update_of, pk_value
from core.exceptions import (
    InvalidStateError,
    PermissionDeniedError,
    SubsidyRuleError,
    ValidationError,
)
from core.ids import human_code, stable_id
from core.locks import Rank, lock_rows, note_locked
from core.money import subsidy_of
from ledger import services as ledger
from ledger.models import Account
from ledger.services import LedgerError
from programmes.models import BudgetPool, Programme
from programmes.services import pool_of, programme_require_open
from vouchers.models import FirmCapUsage, Voucher, VoucherApplication

log = structlog.get_logger(__name__)

# --- voucher applications and vouchers ---------------------------------------------------


def voucher_application_submit(
    *, actor: User, programme: Programme, category: str, requested_fen: int, justification: str
) -> VoucherApplication:
    """A firm admin applies for a voucher. In an `auto_grant` programme it is approved at once,
    within the rules (the pool must cover it)."""
    firm = actor.organisation
    if firm is None or firm.kind != Organisation.Kind.FIRM or not actor.has_role(Role.FIRM_ADMIN):
        raise PermissionDeniedError("Only a firm admin may apply for vouchers.")
    programme_require_open(programme)
    pool = pool_of(programme, category)
    if requested_fen > pool.firm_cap_fen:
        raise ValidationError(
            f"The request exceeds the yearly cap of {pool.firm_cap_fen} fen per firm.",
            fields={"requested_fen": [f"At most {pool.firm_cap_fen}."]},
        )
    with transaction.atomic():
        application = VoucherApplication.objects.create(
            programme=programme,
            firm=firm,
            category=category,
            requested_fen=requested_fen,
            justification=justification,
            applied_by=actor,
        )
        audit_record(
            actor=actor,
            action="voucher_application.submitted",
            target=application,
            after={
                "programme": programme.code,
                "category": category,
                "requested_fen": requested_fen,
            },
        )
        if programme.auto_grant:
            voucher_issue(application=application, approved_fen=requested_fen, actor=None)
            application.refresh_from_db()
    return application


def voucher_issue(
    *, application: VoucherApplication, approved_fen: int | None, actor: User | None
) -> Voucher:
    """Approve an application (possibly for less) and commit the face value from the pool:
    a posted transfer `pool:<category>` -> `voucher:<id>`. A pool that cannot cover it
    refuses with `insufficient_budget` (DESIGN.md 2, step 2)."""
    with transaction.atomic():
        application = (
            VoucherApplication.objects.select_for_update()
            .select_related("programme", "firm")
            .get(pk=application.pk)
        )
        if application.status != VoucherApplication.Status.PENDING:
            raise InvalidStateError(f"The application is already {application.status}.")
        if approved_fen is None:
            approved_fen = application.requested_fen
        if not 0 < approved_fen <= application.requested_fen:
            raise ValidationError(
                "The approved amount must be positive and at most the requested amount.",
                fields={"approved_fen": [f"Between 1 and {application.requested_fen}."]},
            )
        programme = application.programme
        programme_require_open(programme)
        pool = pool_of(programme, application.category)
        now = timezone.now()
        voucher_id = uuid.uuid4()
        account = ledger.account_open(
            ledger=programme.code,
            code=f"voucher:{voucher_id}",
            currency=programme.currency,
            debits_must_not_exceed_credits=True,
        )
        try:
            ledger.transfer_create(
                id=stable_id("voucher-issue", application.pk),
                debit_account=pool.account,
                credit_account=account,
                amount=approved_fen,
                kind="voucher_issue",
                metadata={"voucher": str(voucher_id), "application": str(application.pk)},
            )
        except LedgerError as exc:
            if exc.code != "exceeds_credits":
                raise
            raise SubsidyRuleError(
                "insufficient_budget",
                f"The {application.category} pool of {programme.code} cannot cover "
                f"{approved_fen} fen.",
            ) from exc
        voucher = Voucher.objects.create(
            id=voucher_id,
            code=human_code("V"),
            programme=programme,
            pool=pool,
            firm=application.firm,
            application=application,
            category=application.category,
            face_value_fen=approved_fen,
            rate_bps=pool.rate_bps,
            valid_from=now,
            valid_until=_valid_until(programme, now),
            account=account,
        )
        application.status = VoucherApplication.Status.APPROVED
        application.approved_fen = approved_fen
        application.decided_by = actor
        application.decided_at = now
        application.save(update_fields=["status", "approved_fen", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="voucher.issued",
            target=voucher,
            before={"application_status": "pending"},
            after={
                "application": str(application.pk),
                "code": voucher.code,
                "face_value_fen": approved_fen,
                "valid_until": voucher.valid_until.isoformat(),
            },
        )
    log.info("voucher.issued", voucher=str(voucher.pk), face_value_fen=approved_fen)
    return voucher


def voucher_application_reject(
    *, application: VoucherApplication, reason: str, actor: User
) -> VoucherApplication:
    with transaction.atomic():
        application = VoucherApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != VoucherApplication.Status.PENDING:
            raise InvalidStateError(f"The application is already {application.status}.")
        application.status = VoucherApplication.Status.REJECTED
        application.reason = reason
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="voucher_application.rejected",
            target=application,
            before={"status": "pending"},
            after={"status": "rejected", "reason": reason},
        )
    return application


def voucher_revoke(*, voucher: Voucher, reason: str, actor: User) -> Voucher:
    """Revoke a voucher: its free balance returns to the pool at once; open holds stay until
    their orders resolve, and then their remainder returns too."""
    with transaction.atomic():
        voucher = _voucher_locked(voucher.pk)
        if voucher.status != Voucher.Status.ACTIVE:
            raise InvalidStateError(f"Voucher {voucher.code} is already {voucher.status}.")
        voucher.status = Voucher.Status.REVOKED
        voucher.reason = reason
        voucher.save(update_fields=["status", "reason"])
        returned = voucher_sweep(voucher=voucher)
        audit_record(
            actor=actor,
            action="voucher.revoked",
            target=voucher,
            before={"status": "active"},
            after={"status": "revoked", "reason": reason, "returned_fen": returned},
        )
    return voucher


def voucher_expire(*, voucher_id: uuid.UUID, now: dt.datetime | None = None) -> bool:
    """Expire one voucher past its validity, returning its free balance to the pool.
    Idempotent: an already expired voucher, or one locked by another worker, is skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        voucher = (
            lock_rows(Voucher.objects, Rank.VOUCHER, skip_locked=True, of=("self",))
            .select_related("pool__account", "account", "programme")
            .filter(pk=voucher_id, status=Voucher.Status.ACTIVE, valid_until__lte=now)
            .first()
        )
        if voucher is None:
            return False
        voucher.status = Voucher.Status.EXPIRED
        voucher.save(update_fields=["status"])
        returned = voucher_sweep(voucher=voucher)
        audit_record(
            actor=None,
            action="voucher.expired",
            target=voucher,
            before={"status": "active"},
            after={"status": "expired", "returned_fen": returned},
        )
    log.info("voucher.expired", voucher=str(voucher_id), returned_fen=returned)
    return True


def vouchers_expire_due(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Expire every active voucher whose validity has ended. Safe to run twice or at once."""
    now = now or timezone.now()
    expired = 0
    ids = list(
        Voucher.objects.filter(status=Voucher.Status.ACTIVE, valid_until__lte=now)
        .order_by("valid_until")
        .values_list("id", flat=True)[:batch_size]
    )
    for voucher_id in ids:
        expired += voucher_expire(voucher_id=voucher_id, now=now)
    return expired


def voucher_sweep(*, voucher: Voucher) -> int:
    """Return a closed (expired or revoked) voucher's free balance to its pool.
    The caller holds the voucher's row lock."""
    if voucher.status == Voucher.Status.ACTIVE:
        return 0
    balance = ledger.balances_of([voucher.account])[voucher.account.pk]
    free = balance.available
    if free <= 0:
        return 0
    ledger.transfer_create(
        id=uuid.uuid4(),
        debit_account=voucher.account,
        credit_account=voucher.pool.account,
        amount=free,
        kind="voucher_return",
        metadata={"voucher": str(voucher.pk), "reason": voucher.status},
    )
    Voucher.objects.filter(pk=voucher.pk).update(returned_fen=F("returned_fen") + free)
    voucher.returned_fen += free
    return free


def _voucher_locked(voucher_id: uuid.UUID) -> Voucher:
    return (
        lock_rows(Voucher.objects, Rank.VOUCHER, of=("self",))
        .select_related("account", "pool__account", "programme")
        .get(pk=voucher_id)
    )


def _valid_until(programme: Programme, now: dt.datetime) -> dt.datetime:
    """`voucher_validity_months` from now, but never past the programme's last day. Months
    are counted on the programme's calendar (Asia/Shanghai), not UTC's."""
    months = programme.voucher_validity_months
    zone = ZoneInfo(programme.time_zone)
    local = now.astimezone(zone)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    until = local.replace(year=year, month=month, day=day)
    programme_end = dt.datetime.combine(
        programme.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone
    )
    return min(until, programme_end)


# --- subsidy holds (used by orders) ------------------------------------------------------


@dataclass(frozen=True)
class HoldQuote:
    voucher: Voucher
    # The firm's cap row; in a preview (`hold_preview`) with no row yet, an unsaved one.
    cap: FirmCapUsage
    subsidy_fen: int


def hold_quote(
    *,
    voucher_id: uuid.UUID,
    firm: Organisation,
    programme: Programme,
    category: str,
    gross_fen: int,
    now: dt.datetime,
) -> HoldQuote:
    """Lock the voucher and the firm's cap row, check the voucher's rules, and compute
    `subsidy = min(floor(gross × rate), voucher's free balance, remaining yearly cap)`
    (DESIGN.md 2, step 3). Raises the rule's 422 and writes nothing."""
    year = _cap_year(programme, now)
    voucher, cap = _voucher_for_hold(
        voucher_id=voucher_id, firm=firm, programme=programme, category=category, year=year
    )
    return _hold_terms(
        voucher=voucher,
        cap=cap,
        # The firm's first hold of the year in the category creates its cap row, locked.
        new_cap=lambda found: cap_row_locked(
            firm=firm,
            programme=programme,
            category=category,
            year=year,
            cap_fen=found.pool.firm_cap_fen,
        ),
        programme=programme,
        category=category,
        gross_fen=gross_fen,
        now=now,
    )


def hold_preview(
    *,
    voucher_id: uuid.UUID,
    firm: Organisation,
    programme: Programme,
    category: str,
    gross_fen: int,
    now: dt.datetime,
) -> HoldQuote:
    """What `hold_quote` would answer now, read without locks and writing nothing (a quote
    shown before an order is placed): the same rules, from the rows as they are."""
    year = _cap_year(programme, now)
    voucher = (
        Voucher.objects.select_related("account", "pool")
        .filter(pk=voucher_id, firm_id=firm.pk)
        .first()
    )
    cap = FirmCapUsage.objects.filter(
        firm_id=firm.pk, programme_id=programme.pk, category=category, year=year
    ).first()
    return _hold_terms(
        voucher=voucher,
        cap=cap,
        new_cap=lambda found: FirmCapUsage(
            firm=firm,
            programme=programme,
            category=category,
            year=year,
            cap_fen=found.pool.firm_cap_fen,
        ),
        programme=programme,
        category=category,
        gross_fen=gross_fen,
        now=now,
    )


def _cap_year(programme: Programme, now: dt.datetime) -> int:
    """The calendar year whose cap an order counts against, on the programme's calendar."""
    return now.astimezone(ZoneInfo(programme.time_zone)).year


def _hold_terms(
    *,
    voucher: Voucher | None,
    cap: FirmCapUsage | None,
    new_cap: Callable[[Voucher], FirmCapUsage],
    programme: Programme,
    category: str,
    gross_fen: int,
    now: dt.datetime,
) -> HoldQuote:
    """The voucher's rules and the subsidy, once for both `hold_quote` and `hold_preview`:
    the voucher must be the firm's, live, in the category and with a free balance; the firm
    must have some of its yearly cap left (`new_cap` gives the cap row when there is none)."""
    if voucher is None:
        raise ValidationError("No such voucher.", fields={"voucher": ["No such voucher."]})
    if voucher.status == Voucher.Status.REVOKED:
        raise SubsidyRuleError("voucher_revoked", f"Voucher {voucher.code} was revoked.")
    if voucher.status == Voucher.Status.EXPIRED or voucher.valid_until <= now:
        raise SubsidyRuleError(
            "voucher_expired",
            f"Voucher {voucher.code} expired on "
            f"{voucher.valid_until.astimezone(ZoneInfo(programme.time_zone)).date().isoformat()}.",
        )
    if voucher.category != category or voucher.programme_id != programme.pk:
        raise SubsidyRuleError(
            "category_mismatch",
            f"Voucher {voucher.code} is for {voucher.category} in its programme; "
            f"this offering is {category}.",
        )
    account = voucher.account
    available = account.available
    if available <= 0:
        raise SubsidyRuleError(
            "insufficient_budget", f"Voucher {voucher.code} has no free balance left."
        )
    if cap is None:
        cap = new_cap(voucher)
    remaining = cap.cap_fen - cap.used_fen
    if remaining <= 0:
        raise SubsidyRuleError(
            "firm_cap_reached",
            f"The firm has reached its {cap.year} cap of {cap.cap_fen} fen in {category}.",
        )
    subsidy = min(subsidy_of(gross_fen, voucher.rate_bps), available, remaining)
    return HoldQuote(voucher=voucher, cap=cap, subsidy_fen=subsidy)


# The hold's reads are plain SQL (`core.db.Selection`): they run on every order.
_VOUCHER_FOR_HOLD = Selection(v=Voucher, a=Account, pl=BudgetPool)
_VOUCHER_AND_CAP_FOR_HOLD = Selection(v=Voucher, a=Account, pl=BudgetPool, c=FirmCapUsage)
_CAP = Selection(c=FirmCapUsage)


def _voucher_for_hold(
    *,
    voucher_id: uuid.UUID,
    firm: Organisation,
    programme: Programme,
    category: str,
    year: int,
) -> tuple[Voucher | None, FirmCapUsage | None]:
    """The firm's voucher with its ledger account and pool, and the firm's cap row for the
    programme, category and year, all locked by one statement in the global
    order: voucher, its account, then the cap row. After waiting for a lock, PostgreSQL
    re-reads the latest version of every row it locks (READ COMMITTED), so the balance and the
    cap are current; a join to a row it did not lock would come from the pre-wait snapshot and
    miss the holds placed meanwhile.

    PostgreSQL cannot lock the far side of an outer join, so the cap row is joined inner. When
    the statement finds nothing (no such voucher, or no cap row yet), the voucher is read and
    locked alone, and the cap comes back None for `cap_row_locked` to create."""
    voucher_params = [pk_value(Voucher, voucher_id), pk_value(Organisation, firm.pk)]
    with connection.cursor() as cursor:
        note_locked(Rank.VOUCHER)  # the voucher, its account, then the firm's cap row
        cursor.execute(
            _hold_read_sql(with_cap=True),
            [pk_value(Programme, programme.pk), category, year, *voucher_params],
        )
        row = cursor.fetchone()
        cap = None
        if row is not None:
            (voucher, account, pool, cap), _ = _VOUCHER_AND_CAP_FOR_HOLD.instances(row)
        else:
            cursor.execute(_hold_read_sql(with_cap=False), voucher_params)
            row = cursor.fetchone()
            if row is None:
                return None, None
            (voucher, account, pool), _ = _VOUCHER_FOR_HOLD.instances(row)
    voucher.account = account
    voucher.pool = pool
    return cast(Voucher, voucher), cast(FirmCapUsage | None, cap)


def _hold_read_sql(*, with_cap: bool) -> str:
    """The voucher (by id and firm) with its account and pool, locked with its account; with
    `with_cap`, also the firm's cap row (by programme, category and year, before the voucher's
    parameters), locked after them."""
    selection, cap_join, locked = _VOUCHER_FOR_HOLD, "", ["v", "a"]
    if with_cap:
        selection, locked = _VOUCHER_AND_CAP_FOR_HOLD, ["v", "a", "c"]
        cap_join = (
            f"JOIN {FirmCapUsage._meta.db_table} AS c ON c.firm_id = v.firm_id "
            "AND c.programme_id = %s AND c.category = %s AND c.year = %s "
        )
    return (
        f"SELECT {selection.columns} "  # noqa: S608
        f"FROM {Voucher._meta.db_table} AS v "
        f"JOIN {Account._meta.db_table} AS a ON a.id = v.account_id "
        f"JOIN {BudgetPool._meta.db_table} AS pl ON pl.id = v.pool_id "
        f"{cap_join}WHERE v.id = %s AND v.firm_id = %s{for_update_of(*locked)}"
    )


def cap_row_locked(
    *, firm: Organisation, programme: Programme, category: str, year: int, cap_fen: int
) -> FirmCapUsage:
    """The firm's cap row for the year, locked; created (with `cap_fen`) on its first use."""
    key = [pk_value(Organisation, firm.pk), pk_value(Programme, programme.pk), category, year]
    cap = _cap_row_locked(key)
    if cap is None:
        FirmCapUsage.objects.bulk_create(
            [
                FirmCapUsage(
                    firm=firm, programme=programme, category=category, year=year, cap_fen=cap_fen
                )
            ],
            ignore_conflicts=True,  # a concurrent first order created it: use that one
        )
        cap = _cap_row_locked(key)
    if cap is None:
        raise FirmCapUsage.DoesNotExist("The firm's cap row was created, yet cannot be read.")
    return cap


def _cap_row_locked(key: list[Any]) -> FirmCapUsage | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_CAP.columns} FROM {FirmCapUsage._meta.db_table} AS c "  # noqa: S608
            "WHERE c.firm_id = %s AND c.programme_id = %s AND c.category = %s AND c.year = %s"
            f"{for_update_of()}",
            key,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    (cap,), _ = _CAP.instances(row)
    return cast(FirmCapUsage, cap)


def hold_place(
    *, quote: HoldQuote, hold_id: uuid.UUID, payable_account: Account, order_id: uuid.UUID
) -> None:
    """Hold the subsidy on the voucher (a pending transfer to the provider's payable) and
    count it against the firm's yearly cap, whose row the quote locked."""
    try:
        ledger.transfer_create(
            id=hold_id,
            debit_account=quote.voucher.account,
            credit_account=payable_account,
            amount=quote.subsidy_fen,
            kind="subsidy_hold",
            pending=True,
            metadata={"order": str(order_id), "voucher": str(quote.voucher.pk)},
        )
    except LedgerError as exc:
        if exc.code != "exceeds_credits":
            raise
        raise SubsidyRuleError(
            "insufficient_budget", f"Voucher {quote.voucher.code} cannot cover the subsidy."
        ) from exc
    FirmCapUsage.objects.filter(pk=quote.cap.pk).update(used_fen=F("used_fen") + quote.subsidy_fen)


def hold_resolve(
    *,
    voucher: Voucher,
    hold_id: uuid.UUID,
    held_fen: int,
    capture_fen: int,
    firm_id: uuid.UUID,
    programme_id: uuid.UUID,
    category: str,
    cap_year: int,
) -> None:
    """Post `capture_fen` of a hold (0 voids it); the rest goes back to the voucher and off
    the firm's cap. On a closed voucher, what comes back returns to the pool.
    The caller holds the voucher lock (`voucher_lock`, taken before the order's)."""
    if capture_fen > 0:
        ledger.transfer_post(
            id=stable_id("hold-post", hold_id), pending_id=hold_id, amount=capture_fen
        )
    else:
        ledger.transfer_void(id=stable_id("hold-void", hold_id), pending_id=hold_id)
    released = held_fen - capture_fen
    if released:
        FirmCapUsage.objects.filter(
            firm_id=firm_id, programme_id=programme_id, category=category, year=cap_year
        ).update(used_fen=F("used_fen") - released)
    voucher_sweep(voucher=voucher)


def voucher_lock(voucher_id: uuid.UUID) -> Voucher:
    return _voucher_locked(voucher_id)
