import structlog
from celery import shared_task
from django.utils import timezone
from knox.models import AuthToken

log = structlog.get_logger(__name__)


@shared_task(name="accounts.tasks.purge_expired_tokens")
def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    log.info("api_tokens.purged", deleted=deleted)
    return deleted
