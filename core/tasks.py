import structlog
from celery import shared_task

from core.idempotency import purge_expired_keys

log = structlog.get_logger(__name__)


@shared_task(name="core.tasks.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    deleted = purge_expired_keys()
    log.info("idempotency_keys.purged", deleted=deleted)
    return deleted
