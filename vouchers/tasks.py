import structlog
from celery import shared_task

from vouchers.services import vouchers_expire_due

log = structlog.get_logger(__name__)


@shared_task(name="vouchers.tasks.expire_vouchers", acks_late=True)
def expire_vouchers() -> int:
    """Expire vouchers past their validity and return their free balance to the pools."""
    expired = vouchers_expire_due()
    log.info("vouchers.expired", count=expired)
    return expired
