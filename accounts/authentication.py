from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from accounts.models import Membership, Organisation, User
from core.db import Selection

# Every authenticated API request runs this: plain SQL (`core.db.Selection`).
_TOKEN_WITH_MEMBERSHIPS = Selection(t=AuthToken, u=User, m=Membership, o=Organisation)


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's hashed, expiring tokens, read with their user and the user's memberships (and
    organisations) in one query, and without Knox's sweep of all the user's other tokens on
    every request (a query per request that grows with the user's tokens). Expired tokens
    are refused here and purged by the `accounts.tasks.purge_expired_tokens` beat task."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        message = _("Invalid token.")
        try:  # a header that is not UTF-8 is no token (Knox's own decode would be a 500)
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error) as exc:
            raise exceptions.AuthenticationFailed(message) from exc
        # Several tokens may share the key prefix; the digest tells which one this is.
        for auth_token, user, memberships in _tokens_with_key(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            if compare_digest(digest, auth_token.digest):
                auth_token.user = user
                user.__dict__["memberships"] = memberships  # primes the cached property
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)  # type: ignore[no-any-return]
        raise exceptions.AuthenticationFailed(message)

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def _tokens_with_key(token_key: str) -> list[tuple[AuthToken, User, list[Membership]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_TOKEN_WITH_MEMBERSHIPS.columns} "  # noqa: S608
            f"FROM {AuthToken._meta.db_table} AS t "
            f"JOIN {User._meta.db_table} AS u ON u.id = t.user_id "
            f"LEFT JOIN {Membership._meta.db_table} AS m ON m.user_id = u.id "
            f"LEFT JOIN {Organisation._meta.db_table} AS o ON o.id = m.organisation_id "
            "WHERE t.token_key = %s ORDER BY t.digest, m.created_at, m.id",
            [token_key],
        )
        rows = cursor.fetchall()
    found: dict[str, tuple[AuthToken, User, list[Membership]]] = {}
    for row in rows:
        (auth_token, user, membership, organisation), _extras = _TOKEN_WITH_MEMBERSHIPS.instances(
            row
        )
        _token, user, memberships = found.setdefault(auth_token.digest, (auth_token, user, []))
        if membership is not None:
            membership.user = user
            membership.organisation = organisation
            memberships.append(membership)
    return list(found.values())
