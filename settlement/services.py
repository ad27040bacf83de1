"""Settlement: payout batches with maker-checker approval, and clawbacks (DESIGN.md 2, 5-7).

A provider's payables (`provider:<id>:payable:<category>`) accrue captured subsidy. A batch
claims, per provider and category, what is due at its cut-off with a *pending* transfer
payable -> `bank:clearing`; approval posts the claims (the payout is `sent`). Because a claim
is a pending debit on the payable, the next batch sees that money as already taken: two
batches can never take the same subsidy, and a capture that commits late is simply due in
the next batch.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.audit import audit_record
from core.exceptions import (
    InvalidStateError,
    PermissionDeniedError,
    SubsidyRuleError,
    ValidationError,
)
from core.ids import human_code, stable_id
from core.locks import Rank, lock_rows
from core.money import yuan
from ledger import services as ledger
from ledger.models import Account, Entry, Transfer
from ledger.services import TransferSpec
from marketplace.models import Order
from programmes.models import BudgetPool, Programme
from providers.models import Accreditation, BankAccount
from settlement.models import BankStatement, Clawback, Payout, PayoutBatch, PayoutPart

log = structlog.get_logger(__name__)


def _require_finance(actor: User | None) -> None:
    if actor is not None and not actor.has_role(Role.FINANCE_OFFICER):
        raise PermissionDeniedError("Only a finance officer may do this.")


def clearing_account(programme: Programme) -> Account:
    return ledger.account_open(
        ledger=programme.code, code="bank:clearing", currency=programme.currency
    )


def disbursed_account(programme: Programme) -> Account:
    return ledger.account_open(ledger=programme.code, code="disbursed", currency=programme.currency)


# --- batches -----------------------------------------------------------------------------


def payout_batch_request(
    *, programme: Programme, actor: User | None, cutoff_at: dt.datetime | None = None
) -> PayoutBatch:
    """Open a batch (`preparing`) and have a Celery worker prepare it once this commits."""
    _require_finance(actor)
    from settlement.tasks import prepare_payout_batch

    with transaction.atomic():
        batch = PayoutBatch.objects.create(
            programme=programme, cutoff_at=cutoff_at or timezone.now(), prepared_by=actor
        )
        audit_record(
            actor=actor,
            action="payout_batch.requested",
            target=batch,
            after={"programme": programme.code, "cutoff_at": batch.cutoff_at.isoformat()},
        )
        transaction.on_commit(lambda: prepare_payout_batch.delay(str(batch.pk)))
    return batch


def payout_batch_prepare(*, batch_id: uuid.UUID) -> bool:
    """Fill a `preparing` batch: one payout per provider with something due at the cut-off,
    claimed from its payables. Idempotent: a batch already prepared is left alone, and a
    preparation that dies mid-way rolls back whole (the task is acked late and re-run).

    The sums are one aggregate over the payables' entries in the database. Preparations of
    one programme are serialised on the programme's row, so each sees the claims of the one
    before it.
    """
    with transaction.atomic():
        programme_id = (
            PayoutBatch.objects.filter(pk=batch_id).values_list("programme_id", flat=True).first()
        )
        if programme_id is None:
            return False
        # FOR NO KEY UPDATE: it serialises preparations, but not the inserts that reference the
        # programme (orders, vouchers, batches), whose foreign-key checks take KEY SHARE locks
        # that a plain FOR UPDATE would make wait for the whole preparation.
        programme = lock_rows(Programme.objects, Rank.PROGRAMME, no_key=True).get(pk=programme_id)
        batch = lock_rows(PayoutBatch.objects, Rank.PAYOUT_BATCH).get(pk=batch_id)
        if batch.status != PayoutBatch.Status.PREPARING:
            return False

        payables = {
            a.payable_account_id: a
            for a in Accreditation.objects.filter(programme=programme).select_related(
                "payable_account"
            )
        }
        due_by_account = _dues(list(payables), batch.cutoff_at)
        banks = {
            b.provider_id: b
            for b in BankAccount.objects.filter(
                provider_id__in={a.provider_id for a in payables.values()}
            )
        }
        clearing = clearing_account(programme)
        per_provider: dict[uuid.UUID, list[tuple[Accreditation, int]]] = defaultdict(list)
        for account_id, due in due_by_account.items():
            if due > 0:
                accreditation = payables[account_id]
                per_provider[accreditation.provider_id].append((accreditation, due))

        payouts, parts, claims = [], [], []
        total = 0
        for provider_id, dues in sorted(per_provider.items(), key=lambda item: str(item[0])):
            amount = sum(due for _, due in dues)
            bank = banks.get(provider_id)
            payout = Payout(
                id=uuid.uuid4(),
                batch=batch,
                provider_id=provider_id,
                amount_fen=amount,
                reference=human_code("PO", 10),
            )
            if bank is None:
                payout.status = Payout.Status.HELD
                payout.held_reason = "The provider has no bank account."
                payouts.append(payout)
                continue
            payout.account_name = bank.account_name
            payout.account_number = bank.account_number
            payout.bank_name = bank.bank_name
            payouts.append(payout)
            total += amount
            for accreditation, due in dues:
                claim_id = stable_id("payout-claim", batch.pk, provider_id, accreditation.category)
                parts.append(
                    PayoutPart(
                        payout=payout,
                        category=accreditation.category,
                        amount_fen=due,
                        payable_account=accreditation.payable_account,
                        claim_transfer_id=claim_id,
                    )
                )
                claims.append(
                    TransferSpec(
                        id=claim_id,
                        debit_account=accreditation.payable_account,
                        credit_account=clearing,
                        amount=due,
                        kind="payout_send",
                        metadata={
                            "category": accreditation.category,
                            "provider": str(provider_id),
                            "payout": str(payout.id),
                        },
                    )
                )
        Payout.objects.bulk_create(payouts)
        PayoutPart.objects.bulk_create(parts)
        ledger.transfers_create_many(claims, pending=True)
        batch.status = PayoutBatch.Status.DRAFT
        batch.total_fen = total
        batch.prepared_at = timezone.now()
        batch.save(update_fields=["status", "total_fen", "prepared_at"])
        audit_record(
            actor=None,
            action="payout_batch.prepared",
            target=batch,
            before={"status": "preparing"},
            after={
                "status": "draft",
                "payouts": len(payouts),
                "total_fen": total,
                "held": sum(p.status == Payout.Status.HELD for p in payouts),
            },
        )
    log.info("payout_batch.prepared", batch=str(batch_id), total_fen=total, payouts=len(payouts))
    return True


def _dues(account_ids: list[uuid.UUID], cutoff_at: dt.datetime) -> dict[uuid.UUID, int]:
    """What each payable owes its provider at the cut-off: the posted credits up to the
    cut-off (captures, returned payouts) less every debit, posted or pending (clawbacks and
    the claims of earlier batches)."""
    rows = (
        Entry.objects.filter(account_id__any=account_ids)
        .values("account_id")
        .annotate(
            credited=Coalesce(
                Sum("posted_delta", filter=Q(side=Entry.Side.CREDIT, created_at__lte=cutoff_at)), 0
            ),
            debited=Coalesce(
                Sum(F("posted_delta") + F("pending_delta"), filter=Q(side=Entry.Side.DEBIT)), 0
            ),
        )
        .values_list("account_id", "credited", "debited")
    )
    return {account_id: credited - debited for account_id, credited, debited in rows}


def _batch_locked(batch_id: uuid.UUID) -> PayoutBatch:
    return (
        lock_rows(PayoutBatch.objects, Rank.PAYOUT_BATCH)
        .select_related("programme")
        .get(pk=batch_id)
    )


def payout_batch_submit(*, batch: PayoutBatch, actor: User) -> PayoutBatch:
    """The maker submits a draft batch for approval."""
    _require_finance(actor)
    with transaction.atomic():
        batch = _batch_locked(batch.pk)
        if batch.status != PayoutBatch.Status.DRAFT:
            raise InvalidStateError(f"Cannot submit a batch that is {batch.status}.")
        batch.status = PayoutBatch.Status.SUBMITTED
        batch.submitted_by = actor
        batch.submitted_at = timezone.now()
        batch.save(update_fields=["status", "submitted_by", "submitted_at"])
        audit_record(
            actor=actor,
            action="payout_batch.submitted",
            target=batch,
            before={"status": "draft"},
            after={"status": "submitted"},
        )
    return batch


def payout_batch_approve(*, batch: PayoutBatch, actor: User) -> PayoutBatch:
    """The checker approves a submitted batch: a different finance officer from the one who
    submitted it (maker-checker). Each payout's claims are posted and it becomes `sent`."""
    _require_finance(actor)
    from settlement.tasks import send_payout_emails

    with transaction.atomic():
        batch = _batch_locked(batch.pk)
        if batch.status != PayoutBatch.Status.SUBMITTED:
            raise InvalidStateError(f"Cannot approve a batch that is {batch.status}.")
        if batch.submitted_by_id == actor.pk:
            raise SubsidyRuleError(
                "self_approval", "The officer who submitted a batch cannot also approve it."
            )
        # Lock the payouts before the ledger accounts, in the order statement imports use
        # (payouts, then bank:clearing), so the two can never deadlock.
        pending = list(
            lock_rows(Payout.objects, Rank.PAYOUT)
            .filter(batch=batch, status=Payout.Status.PENDING)
            .values_list("pk", flat=True)
        )
        claim_ids = list(
            PayoutPart.objects.filter(payout__batch=batch).values_list(
                "claim_transfer_id", flat=True
            )
        )
        ledger.transfers_resolve_many(
            [(stable_id("payout-claim-post", claim_id), claim_id, None) for claim_id in claim_ids]
        )
        now = timezone.now()
        Payout.objects.filter(pk__any=pending).update(status=Payout.Status.SENT, sent_at=now)
        batch.status = PayoutBatch.Status.APPROVED
        batch.approved_by = actor
        batch.approved_at = now
        batch.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="payout_batch.approved",
            target=batch,
            before={"status": "submitted"},
            after={"status": "approved", "total_fen": batch.total_fen},
        )
        transaction.on_commit(lambda: send_payout_emails.delay(str(batch.pk)))
    log.info("payout_batch.approved", batch=str(batch.pk), total_fen=batch.total_fen)
    return batch


def payout_batches_prepare_due(*, now: dt.datetime | None = None) -> int:
    """Beat: open a batch for every running programme whose last batch is a day old (or that
    has none). Preparation itself runs in the worker."""
    now = now or timezone.now()
    opened = 0
    for programme in Programme.objects.all():
        last = (
            PayoutBatch.objects.filter(programme=programme)
            .order_by("-cutoff_at")
            .values_list("cutoff_at", flat=True)
            .first()
        )
        if last is None or last <= now - dt.timedelta(days=1):
            payout_batch_request(programme=programme, actor=None, cutoff_at=now)
            opened += 1
    return opened


# A batch still `preparing` this long after it was opened lost its task's message.
PREPARATION_STALLED_AFTER = dt.timedelta(minutes=30)


def payout_batches_resend_stalled(*, now: dt.datetime | None = None) -> int:
    """Beat: send the preparation again for batches still `preparing` half an hour after they
    were opened, whose task message was lost (a broker restarted without persistence, say).
    Preparing is idempotent and serialised per programme, so a slow preparation still running
    and the re-sent one prepare the batch once. Returns how many were re-sent."""
    from settlement.tasks import prepare_payout_batch

    now = now or timezone.now()
    stalled = list(
        PayoutBatch.objects.filter(
            status=PayoutBatch.Status.PREPARING,
            created_at__lt=now - PREPARATION_STALLED_AFTER,
        ).values_list("pk", flat=True)
    )
    for batch_id in stalled:
        prepare_payout_batch.delay(str(batch_id))
    if stalled:
        log.warning("payout_batches.preparation_resent", batches=[str(b) for b in stalled])
    return len(stalled)


# --- clawbacks ---------------------------------------------------------------------------


def clawback_create(*, order_id: uuid.UUID, reason: str, actor: User) -> Clawback:
    """Reverse a captured subsidy found ineligible: it returns to the pool
    (`provider:<id>:payable:<category>` -> `pool:<category>`), and the provider's next payouts
    are reduced by it. A debt larger than one batch carries over."""
    _require_finance(actor)
    with transaction.atomic():
        order = (
            lock_rows(Order.objects, Rank.ORDER, of=("self",))
            .select_related("programme")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            raise ValidationError("No such order.", fields={"order": ["No such order."]})
        if order.status != Order.Status.COMPLETED or not order.captured_subsidy_fen:
            raise InvalidStateError(
                "Only a completed order with a captured subsidy can be clawed back."
            )
        if Clawback.objects.filter(order=order).exists():
            raise InvalidStateError("This order's subsidy was already clawed back.")
        hold = Transfer.objects.select_related("credit_account").get(pk=str(order.hold_transfer_id))
        pool = BudgetPool.objects.select_related("account").get(
            programme=order.programme, category=order.category
        )
        transfer_id = stable_id("clawback", order.pk)
        ledger.transfer_create(
            id=transfer_id,
            debit_account=hold.credit_account,
            credit_account=pool.account,
            amount=order.captured_subsidy_fen,
            kind="clawback",
            metadata={
                "order": str(order.pk),
                "category": order.category,
                "provider": str(order.provider_id),
            },
        )
        clawback = Clawback.objects.create(
            order=order,
            provider_id=order.provider_id,
            category=order.category,
            amount_fen=order.captured_subsidy_fen,
            reason=reason,
            created_by=actor,
            transfer_id=transfer_id,
        )
        audit_record(
            actor=actor,
            action="clawback.created",
            target=clawback,
            after={"order": str(order.pk), "amount_fen": clawback.amount_fen, "reason": reason},
        )
    return clawback


# --- notifications -------------------------------------------------------------------------


def payout_emails_send(*, batch_id: str) -> int:
    """Tell each provider's admins that its payout was sent."""
    sent = 0
    for payout in Payout.objects.filter(
        batch__pk=batch_id, status__in=["sent", "paid"]
    ).select_related("provider"):
        recipients = list(
            Membership.objects.filter(
                organisation=payout.provider, role=Role.PROVIDER_ADMIN
            ).values_list("user__email", flat=True)
        )
        if recipients:
            send_mail(
                subject=f"Payout {payout.reference} sent: {yuan(payout.amount_fen)} yuan",
                message=(
                    f"Payout {payout.reference} of {yuan(payout.amount_fen)} yuan has been sent "
                    f"to {payout.bank_name} account ****{payout.account_number[-4:]}."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
            sent += 1
    log.info("payout_emails.sent", batch=batch_id, count=sent)
    return sent


def exception_emails_send(*, statement_id: str) -> int:
    """Tell the finance officers that a statement left open exceptions."""
    statement = BankStatement.objects.get(pk=statement_id)
    recipients = list(
        Membership.objects.filter(role=Role.FINANCE_OFFICER).values_list("user__email", flat=True)
    )
    if not recipients or not statement.exceptions:
        return 0
    send_mail(
        subject=f"Bank statement {statement.filename or statement.pk}: "
        f"{statement.exceptions} open exception(s)",
        message=(
            f"The statement had {statement.lines} lines: {statement.matched} matched and "
            f"{statement.exceptions} left as open exceptions to resolve."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)
