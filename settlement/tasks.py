import structlog
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from core.money import yuan

log = structlog.get_logger(__name__)


@shared_task(name="settlement.tasks.prepare_payout_batch", acks_late=True)
def prepare_payout_batch(batch_id: str) -> bool:
    """Prepare one batch. Acked late and idempotent: a worker killed mid-way rolls back, and
    the redelivered task prepares the batch once."""
    from settlement.services import payout_batch_prepare

    return payout_batch_prepare(batch_id=batch_id)  # type: ignore[arg-type]


@shared_task(name="settlement.tasks.prepare_due_batches", acks_late=True)
def prepare_due_batches() -> int:
    """Hourly: re-send the preparation of batches whose task was lost, then open the day's."""
    from settlement.services import payout_batches_prepare_due, payout_batches_resend_stalled

    payout_batches_resend_stalled()
    return payout_batches_prepare_due()


@shared_task(name="settlement.tasks.send_payout_emails", acks_late=True)
def send_payout_emails(batch_id: str) -> int:
    """Tell each provider's admins that its payout was sent."""
    from accounts.models import Membership
    from accounts.roles import Role
    from settlement.models import Payout

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


@shared_task(name="settlement.tasks.send_exception_emails", acks_late=True)
def send_exception_emails(statement_id: str) -> int:
    """Tell the finance officers that a statement left open exceptions."""
    from accounts.models import Membership
    from accounts.roles import Role
    from settlement.models import BankStatement

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
