import structlog
from celery import shared_task

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
    from settlement.services import payout_emails_send

    return payout_emails_send(batch_id=batch_id)


@shared_task(name="settlement.tasks.send_exception_emails", acks_late=True)
def send_exception_emails(statement_id: str) -> int:
    from settlement.services import exception_emails_send

    return exception_emails_send(statement_id=statement_id)
