from __future__ import annotations

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's hashed, expiring tokens, without its sweep of all the user's other tokens on
    every request (a query per request that grows with the user's tokens). Expired tokens
    are refused here and purged by the `accounts.tasks.purge_expired_tokens` beat task."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
