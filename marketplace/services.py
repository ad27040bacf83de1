"""Offerings and the order lifecycle: the subsidy at the point of sale (DESIGN.md 2, 3-4).

Locks are always taken in the global order programme -> pool -> voucher -> order.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import structlog
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Affiliation, Organisation, User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, Role
from core.audit import audit_event, audit_record
from core.db import (
    Selection,
    Write,
    execute_writes,
    pk_value,
    unique_row,
)
from core.exceptions import (
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    SubsidyRuleError,
    ValidationError,
)
from core.ids import stable_id
from core.locks import Rank, lock_rows
from core.money import MAX_FEN, gross_of, proportion_of
from ledger.models import Account
from marketplace.models import QUANTITY_MAX, UNIT_SCALE, Delivery, Offering, OfferingPrice, Order
from programmes.models import Programme
from programmes.services import programme_require_open
from providers.models import Accreditation
from vouchers import services as vouchers

log = structlog.get_logger(__name__)


# --- offerings ---------------------------------------------------------------------------


def _provider_of(actor: User) -> Organisation:
    organisation = actor.organisation
    if (
        organisation is None
        or organisation.kind != Organisation.Kind.PROVIDER
        or not actor.roles & PROVIDER_ROLES
    ):
        raise PermissionDeniedError("Only a provider may do this.")
    return organisation


def _require_accredited(*, provider: Organisation, programme: Programme, category: str) -> None:
    if not Accreditation.objects.filter(
        provider=provider,
        programme=programme,
        category=category,
        status=Accreditation.Status.ACTIVE,
    ).exists():
        raise SubsidyRuleError(
            "provider_not_accredited",
            f"The provider is not accredited for {category} in {programme.code}.",
        )


def offering_create(
    *,
    actor: User,
    programme: Programme,
    category: str,
    name: str,
    unit: str,
    unit_price_fen: int,
    description: str = "",
) -> Offering:
    """List an offering. Only in a category the provider is accredited for."""
    provider = _provider_of(actor)
    _require_accredited(provider=provider, programme=programme, category=category)
    with transaction.atomic():
        offering = Offering.objects.create(
            provider=provider,
            programme=programme,
            category=category,
            name=name,
            description=description,
            unit=unit,
            unit_price_fen=unit_price_fen,
        )
        OfferingPrice.objects.create(
            offering=offering,
            unit_price_fen=unit_price_fen,
            effective_from=offering.created_at,
            set_by=actor,
        )
        audit_record(
            actor=actor,
            action="offering.created",
            target=offering,
            after={
                "programme": programme.code,
                "category": category,
                "name": name,
                "unit": unit,
                "unit_price_fen": unit_price_fen,
            },
        )
    return offering


def offering_update(*, actor: User, offering: Offering, **changes: Any) -> Offering:
    """Change an offering's price or text. A new price starts a new dated price row; orders
    placed before keep the price they recorded."""
    provider = _provider_of(actor)
    allowed = {"name", "description", "unit_price_fen"}
    changes = {key: value for key, value in changes.items() if key in allowed}
    with transaction.atomic():
        offering = Offering.objects.select_for_update().get(pk=offering.pk, provider=provider)
        if offering.status != Offering.Status.ACTIVE:
            raise InvalidStateError("An archived offering cannot be changed.")
        before = {key: getattr(offering, key) for key in changes}
        changed = [key for key, value in changes.items() if getattr(offering, key) != value]
        if not changed:
            return offering
        for key in changed:
            setattr(offering, key, changes[key])
        offering.save(update_fields=[*changed, "updated_at"])
        if "unit_price_fen" in changed:
            OfferingPrice.objects.create(
                offering=offering,
                unit_price_fen=offering.unit_price_fen,
                effective_from=timezone.now(),
                set_by=actor,
            )
        audit_record(
            actor=actor,
            action="offering.updated",
            target=offering,
            before={key: before[key] for key in changed},
            after={key: changes[key] for key in changed},
        )
    return offering


def offering_archive(*, actor: User, offering: Offering) -> Offering:
    provider = _provider_of(actor)
    with transaction.atomic():
        offering = Offering.objects.select_for_update().get(pk=offering.pk, provider=provider)
        if offering.status == Offering.Status.ARCHIVED:
            raise InvalidStateError("The offering is already archived.")
        offering.status = Offering.Status.ARCHIVED
        offering.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="offering.archived",
            target=offering,
            before={"status": "active"},
            after={"status": "archived"},
        )
    return offering


def accreditation_suspend(
    *, accreditation: Accreditation, reason: str, actor: User
) -> Accreditation:
    """Suspend a provider in one category: its offerings there are archived. Open orders keep
    their holds until they resolve."""
    with transaction.atomic():
        accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        if accreditation.status != Accreditation.Status.ACTIVE:
            raise InvalidStateError("The accreditation is already suspended.")
        accreditation.status = Accreditation.Status.SUSPENDED
        accreditation.reason = reason
        accreditation.save(update_fields=["status", "reason", "updated_at"])
        archived = Offering.objects.filter(
            provider_id=accreditation.provider_id,
            programme_id=accreditation.programme_id,
            category=accreditation.category,
            status=Offering.Status.ACTIVE,
        ).update(status=Offering.Status.ARCHIVED, updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="accreditation.suspended",
            target=accreditation,
            before={"status": "active"},
            after={"status": "suspended", "reason": reason, "offerings_archived": archived},
        )
    return accreditation


# --- placing orders ----------------------------------------------------------------------


def quantity_validate(quantity: Decimal, unit: str, field: str = "quantity") -> Decimal:
    scale = UNIT_SCALE[unit]  # type: ignore[index]
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError("The quantity must be positive.", fields={field: ["Must be > 0."]})
    if quantity > QUANTITY_MAX:
        raise ValidationError(
            "The quantity is too large.", fields={field: [f"At most {QUANTITY_MAX}."]}
        )
    exponent = quantity.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > scale:
        raise ValidationError(
            f"A {unit} quantity has at most {scale} decimal places.",
            fields={field: [f"At most {scale} decimal places for {unit}."]},
        )
    return quantity


# The order's first read is plain SQL (`core.db.Selection`): it runs on every order.
_OFFERING_FOR_ORDER = Selection(o=Offering, p=Programme, pr=Organisation, pa=Account)


def _offering_for_order(
    *, offering_id: uuid.UUID, firm: Organisation
) -> tuple[Offering | None, Account | None, bool]:
    """One query for the offering (None if there is no such offering), its programme and
    provider, the payable account of the provider's active accreditation in the offering's
    category (None if it has none), and whether the firm and the provider declared an
    affiliation, in either direction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_OFFERING_FOR_ORDER.columns}, EXISTS ("  # noqa: S608
            f"  SELECT 1 FROM {Affiliation._meta.db_table} AS af"
            "   WHERE (af.organisation_id = %s AND af.credit_code = pr.credit_code)"
            "      OR (af.organisation_id = pr.id AND af.credit_code = %s)"
            f") FROM {Offering._meta.db_table} AS o "
            f"JOIN {Programme._meta.db_table} AS p ON p.id = o.programme_id "
            f"JOIN {Organisation._meta.db_table} AS pr ON pr.id = o.provider_id "
            f"LEFT JOIN {Accreditation._meta.db_table} AS acc ON acc.provider_id = o.provider_id"
            "  AND acc.programme_id = o.programme_id AND acc.category = o.category"
            "  AND acc.status = %s "
            f"LEFT JOIN {Account._meta.db_table} AS pa ON pa.id = acc.payable_account_id "
            "WHERE o.id = %s",
            [
                pk_value(Organisation, firm.pk),
                firm.credit_code,
                Accreditation.Status.ACTIVE.value,
                pk_value(Offering, offering_id),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None, False
    (offering, programme, provider, payable_account), (is_related,) = _OFFERING_FOR_ORDER.instances(
        row
    )
    offering.programme = programme
    offering.provider = provider
    return offering, payable_account, bool(is_related)


@dataclass(frozen=True)
class OrderTerms:
    """What an order would be: its offering, quantity and money, and the voucher's hold."""

    firm: Organisation
    offering: Offering
    payable_account: Account | None
    quantity: Decimal
    gross_fen: int
    hold: vouchers.HoldQuote | None

    @property
    def subsidy_fen(self) -> int:
        return self.hold.subsidy_fen if self.hold else 0

    @property
    def firm_pays_fen(self) -> int:
        return self.gross_fen - self.subsidy_fen


def _order_terms(
    *,
    actor: User,
    offering_id: uuid.UUID,
    quantity: Decimal,
    voucher_id: uuid.UUID | None,
    expected_unit_price_fen: int | None,
    now: dt.datetime,
    hold: Callable[..., vouchers.HoldQuote],
) -> OrderTerms:
    """Every rule of DESIGN.md 2 step 3 and the subsidy, once for `order_place` (whose `hold`
    locks the voucher: `vouchers.hold_quote`) and `order_quote` (`vouchers.hold_preview`,
    no lock). Raises the rule's refusal; writes nothing (but a locked placing may create the
    firm's cap row of the year)."""
    firm = actor.organisation
    if firm is None or firm.kind != Organisation.Kind.FIRM or not actor.roles & FIRM_ROLES:
        raise PermissionDeniedError("Only a firm may place orders.")
    offering, payable_account, is_related = _offering_for_order(offering_id=offering_id, firm=firm)
    if offering is None:
        raise ValidationError("No such offering.", fields={"offering": ["No such offering."]})
    if offering.status != Offering.Status.ACTIVE:
        raise InvalidStateError(f"Offering {offering.name!r} is archived.")
    if expected_unit_price_fen is not None and expected_unit_price_fen != offering.unit_price_fen:
        raise SubsidyRuleError(
            "price_changed",
            f"The price is now {offering.unit_price_fen} fen per {offering.unit}.",
            fields={"unit_price_fen": [str(offering.unit_price_fen)]},
        )
    programme = offering.programme
    programme_require_open(programme)
    quantity = quantity_validate(quantity, offering.unit)
    if payable_account is None:  # no active accreditation for the category
        raise SubsidyRuleError(
            "provider_not_accredited",
            f"{offering.provider.name} is not accredited for {offering.category} "
            f"in {programme.code}.",
        )
    provider = offering.provider
    if (
        is_related
        or provider.credit_code == firm.credit_code
        or (
            firm.legal_representative.strip()
            and firm.legal_representative.strip() == provider.legal_representative.strip()
        )
    ):
        raise SubsidyRuleError(
            "related_party",
            f"{firm.name} and {provider.name} are related parties; the subsidy does not "
            "apply between them.",
        )
    gross = gross_of(quantity, offering.unit_price_fen)
    if gross > MAX_FEN or gross <= 0:
        raise ValidationError(
            "The order's total is out of range.", fields={"quantity": ["Out of range."]}
        )
    quote = None
    if voucher_id is not None:
        quote = hold(
            voucher_id=voucher_id,
            firm=firm,
            programme=programme,
            category=offering.category,
            gross_fen=gross,
            now=now,
        )
    return OrderTerms(
        firm=firm,
        offering=offering,
        payable_account=payable_account,
        quantity=quantity,
        gross_fen=gross,
        hold=quote,
    )


def order_quote(
    *,
    actor: User,
    offering_id: uuid.UUID,
    quantity: Decimal,
    voucher_id: uuid.UUID | None,
    expected_unit_price_fen: int | None = None,
) -> OrderTerms:
    """What `order_place` would do now, without doing it: the same rules and subsidy, read
    without locks, writing nothing. Raises the refusal `order_place` would raise."""
    return _order_terms(
        actor=actor,
        offering_id=offering_id,
        quantity=quantity,
        voucher_id=voucher_id,
        expected_unit_price_fen=expected_unit_price_fen,
        now=timezone.now(),
        hold=vouchers.hold_preview,
    )


def order_place(
    *,
    actor: User,
    offering_id: uuid.UUID,
    quantity: Decimal,
    voucher_id: uuid.UUID | None,
    expected_unit_price_fen: int | None = None,
) -> Order:
    """A firm orders an offering at its current list price, with a voucher's subsidy held:
    `subsidy = min(floor(gross × rate), voucher's free balance, remaining yearly cap)`.
    Every rule of DESIGN.md 2 step 3 refuses with its 422 code and writes nothing."""
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        terms = _order_terms(
            actor=actor,
            offering_id=offering_id,
            quantity=quantity,
            voucher_id=voucher_id,
            expected_unit_price_fen=expected_unit_price_fen,
            now=now,
            hold=vouchers.hold_quote,
        )
        firm, offering, quote = terms.firm, terms.offering, terms.hold
        quantity, gross, subsidy = terms.quantity, terms.gross_fen, terms.subsidy_fen
        order_id = uuid.uuid4()
        hold_id = stable_id("order-hold", order_id) if subsidy else None
        # Every refusal above comes before the first write (the hold's ledger transfer), so
        # the caller's transaction is joined without a savepoint.
        if quote and hold_id and subsidy and terms.payable_account is not None:
            vouchers.hold_place(
                quote=quote,
                hold_id=hold_id,
                payable_account=terms.payable_account,
                order_id=order_id,
            )
        order = Order(
            id=order_id,
            programme=offering.programme,
            offering=offering,
            provider=offering.provider,
            firm=firm,
            voucher=quote.voucher if quote else None,
            category=offering.category,
            unit=offering.unit,
            quantity=quantity,
            unit_price_fen=offering.unit_price_fen,
            gross_fen=gross,
            subsidy_fen=subsidy,
            firm_pays_fen=terms.firm_pays_fen,
            hold_transfer_id=hold_id,
            cap_year=quote.cap.year if quote else None,
            placed_by=actor,
        )
        event = audit_event(
            actor=actor,
            action="order.placed",
            target=order,
            after={
                "offering": str(offering.pk),
                "quantity": str(quantity),
                "unit_price_fen": offering.unit_price_fen,
                "gross_fen": gross,
                "subsidy_fen": subsidy,
                "voucher": str(quote.voucher.pk) if quote else None,
            },
        )
        # The order and its audit event are new rows: one statement.
        execute_writes(Write.insert(order), Write.insert(event))
    log.info("order.placed", order=str(order.pk), gross_fen=gross, subsidy_fen=subsidy)
    return order


# --- the lifecycle -----------------------------------------------------------------------


def _order_locked(order_id: uuid.UUID, *, lock_voucher: bool) -> Order:
    """Lock the voucher (if asked and any), then the order: the global lock order."""
    voucher_id = Order.objects.filter(pk=order_id).values_list("voucher_id", flat=True).first()
    voucher = None
    if lock_voucher and voucher_id is not None:
        voucher = vouchers.voucher_lock(voucher_id)
    order = unique_row(
        lock_rows(Order.objects, Rank.ORDER, of=("self",))
        .select_related("programme")
        .filter(pk=order_id)
    )
    if order is None:
        raise NotFoundError("No such order.")
    if voucher is not None:
        order.voucher = voucher
    return order


def _require_status(order: Order, *statuses: str, action: str) -> None:
    if order.status not in statuses:
        raise InvalidStateError(f"Cannot {action} an order that is {order.status}.")


def _require_party(actor: User | None, order: Order, side: str) -> None:
    if actor is None:
        return
    if side == "provider" and (
        actor.organisation_id != order.provider_id or not actor.roles & PROVIDER_ROLES
    ):
        raise NotFoundError("No such order.")
    if side == "firm" and (actor.organisation_id != order.firm_id or not actor.roles & FIRM_ROLES):
        raise NotFoundError("No such order.")


def _resolve_hold(order: Order, capture_fen: int) -> None:
    if not order.hold_transfer_id or order.voucher is None or order.cap_year is None:
        return
    vouchers.hold_resolve(
        voucher=order.voucher,
        hold_id=order.hold_transfer_id,
        held_fen=order.subsidy_fen,
        capture_fen=capture_fen,
        firm_id=order.firm_id,
        programme_id=order.programme_id,
        category=order.category,
        cap_year=order.cap_year,
    )


def _transition(
    order: Order,
    *,
    actor: User | None,
    status: str,
    action: str,
    fields: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Order:
    before = order.status
    order.status = status
    for key, value in fields.items():
        setattr(order, key, value)
    order.save(update_fields=["status", *fields, "updated_at"])
    audit_record(
        actor=actor,
        action=f"order.{action}",
        target=order,
        before={"status": before},
        after={"status": status, **(extra or {})},
    )
    log.info(f"order.{action}", order=str(order.pk))
    return order


def order_accept(*, actor: User, order_id: uuid.UUID) -> Order:
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=False)
        _require_party(actor, order, "provider")
        _require_status(order, Order.Status.PENDING_PROVIDER, action="accept")
        return _transition(
            order,
            actor=actor,
            status=Order.Status.ACCEPTED,
            action="accepted",
            fields={"accepted_at": timezone.now()},
        )


def order_reject(*, actor: User, order_id: uuid.UUID, reason: str) -> Order:
    """The provider rejects an order it has not delivered on; the hold is voided."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        _require_party(actor, order, "provider")
        _require_status(
            order, Order.Status.PENDING_PROVIDER, Order.Status.ACCEPTED, action="reject"
        )
        if order.delivered_quantity > 0:
            raise InvalidStateError("The order has deliveries; it cannot be rejected.")
        _resolve_hold(order, 0)
        return _transition(
            order,
            actor=actor,
            status=Order.Status.REJECTED,
            action="rejected",
            fields={"reason": reason, "resolved_at": timezone.now()},
            extra={"reason": reason},
        )


def order_cancel(*, actor: User, order_id: uuid.UUID) -> Order:
    """The firm cancels before the provider accepts; the hold is voided."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        _require_party(actor, order, "firm")
        _require_status(order, Order.Status.PENDING_PROVIDER, action="cancel")
        _resolve_hold(order, 0)
        return _transition(
            order,
            actor=actor,
            status=Order.Status.CANCELLED,
            action="cancelled",
            fields={"resolved_at": timezone.now()},
        )


def delivery_report(
    *, actor: User, order_id: uuid.UUID, quantity: Decimal, invoice_number: str
) -> Delivery:
    """The provider reports a delivery; deliveries add up to at most the quantity ordered."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=False)
        _require_party(actor, order, "provider")
        _require_status(order, Order.Status.ACCEPTED, action="report a delivery on")
        quantity = quantity_validate(quantity, order.unit)
        remaining = order.quantity - order.delivered_quantity
        if quantity > remaining:
            raise ValidationError(
                f"Only {remaining.normalize():f} remains to be delivered.",
                fields={"quantity": [f"At most {remaining.normalize():f}."]},
            )
        delivery = _delivery_create(order, actor, quantity, invoice_number)
        order.delivered_quantity += quantity
        order.save(update_fields=["delivered_quantity", "updated_at"])
        audit_record(
            actor=actor,
            action="order.delivery_reported",
            target=delivery,
            after={
                "order": str(order.pk),
                "quantity": str(quantity),
                "invoice_number": invoice_number,
                "delivered_quantity": str(order.delivered_quantity),
            },
        )
    return delivery


def _invoice_reused(invoice_number: str) -> SubsidyRuleError:
    return SubsidyRuleError(
        "invoice_reused",
        f"Fapiao {invoice_number} already justifies another delivery.",
        fields={"invoice_number": ["Already used for a delivery."]},
    )


def _delivery_create(order: Order, actor: User, quantity: Decimal, invoice_number: str) -> Delivery:
    """A fapiao justifies one delivery of its provider (DESIGN.md 6). Checked first; the unique
    (provider, invoice number) constraint settles a concurrent delivery of another order."""
    reused = Delivery.objects.filter(provider_id=order.provider_id, invoice_number=invoice_number)
    if reused.exists():
        raise _invoice_reused(invoice_number)
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                order=order,
                provider_id=order.provider_id,
                quantity=quantity,
                invoice_number=invoice_number,
                reported_by=actor,
            )
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint != "delivery_invoice_unique_per_provider":
            raise
        raise _invoice_reused(invoice_number) from exc


def order_complete(*, actor: User, order_id: uuid.UUID) -> Order:
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=False)
        _require_party(actor, order, "provider")
        _require_status(order, Order.Status.ACCEPTED, action="complete")
        if order.delivered_quantity <= 0:
            raise InvalidStateError("Nothing was delivered: reject the order instead.")
        return _transition(
            order,
            actor=actor,
            status=Order.Status.AWAITING_CONFIRMATION,
            action="completed",
            fields={"completed_at": timezone.now()},
        )


def _capture(order: Order, *, actor: User | None, action: str) -> Order:
    captured = proportion_of(order.subsidy_fen, order.delivered_quantity, order.quantity)
    _resolve_hold(order, captured)
    return _transition(
        order,
        actor=actor,
        status=Order.Status.COMPLETED,
        action=action,
        fields={"captured_subsidy_fen": captured, "resolved_at": timezone.now()},
        extra={"captured_subsidy_fen": captured},
    )


def order_confirm(*, actor: User, order_id: uuid.UUID) -> Order:
    """The firm confirms delivery: the hold is posted in proportion to what was delivered
    (rounded down) and the rest goes back to the voucher."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        _require_party(actor, order, "firm")
        _require_status(order, Order.Status.AWAITING_CONFIRMATION, action="confirm")
        return _capture(order, actor=actor, action="confirmed")


def order_dispute(*, actor: User, order_id: uuid.UUID, reason: str) -> Order:
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=False)
        _require_party(actor, order, "firm")
        _require_status(order, Order.Status.AWAITING_CONFIRMATION, action="dispute")
        return _transition(
            order,
            actor=actor,
            status=Order.Status.DISPUTED,
            action="disputed",
            fields={"reason": reason},
            extra={"reason": reason},
        )


def order_resolve(*, actor: User, order_id: uuid.UUID, outcome: str) -> Order:
    """A programme officer resolves a dispute: confirm (capture) or void (release)."""
    if not actor.has_role(Role.PROGRAMME_OFFICER):
        raise PermissionDeniedError("Only a programme officer may resolve disputes.")
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        _require_status(order, Order.Status.DISPUTED, action="resolve")
        if outcome == "confirm":
            return _capture(order, actor=actor, action="dispute_confirmed")
        _resolve_hold(order, 0)
        return _transition(
            order,
            actor=actor,
            status=Order.Status.VOIDED,
            action="dispute_voided",
            fields={"resolved_at": timezone.now()},
        )


# --- scheduled jobs ----------------------------------------------------------------------


def order_auto_confirm(*, order_id: uuid.UUID, now: dt.datetime) -> bool:
    """Confirm one order whose dispute window has passed. Idempotent and safe to race."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        if order.status != Order.Status.AWAITING_CONFIRMATION or order.completed_at is None:
            return False
        window = dt.timedelta(days=order.programme.dispute_window_days)
        if order.completed_at + window > now:
            return False
        _capture(order, actor=None, action="auto_confirmed")
        return True


def order_expire_unaccepted(*, order_id: uuid.UUID, now: dt.datetime) -> bool:
    """Expire one order never accepted in time, voiding its hold. Idempotent."""
    with transaction.atomic():
        order = _order_locked(order_id, lock_voucher=True)
        if order.status != Order.Status.PENDING_PROVIDER:
            return False
        if order.created_at + dt.timedelta(days=order.programme.unaccepted_order_expiry_days) > now:
            return False
        _resolve_hold(order, 0)
        _transition(
            order,
            actor=None,
            status=Order.Status.EXPIRED,
            action="expired",
            fields={"resolved_at": now},
        )
        return True


def _due_order_ids(
    *,
    status: str,
    since: str,
    days: Callable[[Programme], int],
    now: dt.datetime,
    batch_size: int,
) -> list[uuid.UUID]:
    """Orders in `status` whose `since` timestamp is older than their programme's `days`."""
    due: list[uuid.UUID] = []
    for programme in Programme.objects.all():
        cutoff = now - dt.timedelta(days=days(programme))
        due += (
            Order.objects.filter(programme=programme, status=status, **{f"{since}__lte": cutoff})
            .order_by(since)
            .values_list("id", flat=True)[:batch_size]
        )
    return due


def orders_auto_confirm_due(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Confirm every order whose programme's dispute window has passed without a dispute."""
    now = now or timezone.now()
    due = _due_order_ids(
        status=Order.Status.AWAITING_CONFIRMATION,
        since="completed_at",
        days=lambda programme: programme.dispute_window_days,
        now=now,
        batch_size=batch_size,
    )
    return sum(order_auto_confirm(order_id=order_id, now=now) for order_id in due)


def orders_expire_unaccepted_due(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Expire every order its provider never accepted in time, voiding the holds."""
    now = now or timezone.now()
    due = _due_order_ids(
        status=Order.Status.PENDING_PROVIDER,
        since="created_at",
        days=lambda programme: programme.unaccepted_order_expiry_days,
        now=now,
        batch_size=batch_size,
    )
    return sum(order_expire_unaccepted(order_id=order_id, now=now) for order_id in due)
