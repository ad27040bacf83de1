import structlog
from celery import shared_task

from marketplace.services import orders_auto_confirm_due, orders_expire_unaccepted_due

log = structlog.get_logger(__name__)


@shared_task(name="marketplace.tasks.auto_confirm_orders", acks_late=True)
def auto_confirm_orders() -> int:
    """Confirm orders whose dispute window passed without a dispute."""
    confirmed = orders_auto_confirm_due()
    log.info("orders.auto_confirmed", count=confirmed)
    return confirmed


@shared_task(name="marketplace.tasks.expire_unaccepted_orders", acks_late=True)
def expire_unaccepted_orders() -> int:
    """Void the holds of orders the provider never accepted in time."""
    expired = orders_expire_unaccepted_due()
    log.info("orders.expired_unaccepted", count=expired)
    return expired
