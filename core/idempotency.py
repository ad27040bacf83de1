"""Idempotency keys for POST views (API.md, Conventions: Idempotency).

Decorate a DRF view's ``post`` (or an action) with ``@idempotent``:

- same key, same user, same body: the first response is replayed with
  ``Idempotent-Replayed: true``;
- the same key while the first request still runs: 409 ``idempotency_key_in_use``;
- same key, another body, once the first has answered: 409 ``idempotency_key_reused``;
- a 5xx is not remembered, so the client may retry with the same key.

The view runs in one transaction, with its key or without one; the services it calls join
that transaction without savepoints (`transaction.atomic(savepoint=False)`). With a key, that
transaction first takes a transaction-scoped advisory lock on the (user, key) pair and looks
for the key's record, in one statement; a concurrent duplicate fails to take the lock and
answers ``in_use`` at once.
The record of the response is inserted by the same transaction, so the view's writes and the
record commit together: a replay can never miss a committed order, and the request pays for
one commit. The unique (user, key) constraint is the backstop: a request that misses a record
committed after its own lookup began loses the race on insert, rolls back, and replays.

A refusal (a 4xx raised by the view) rolls the view's writes back; its answer is then
remembered in a transaction of its own. Keys live ``settings.IDEMPOTENCY_KEY_TTL`` (24h) and
are purged by beat.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.db import insert_values
from core.exceptions import ConflictError, ValidationError
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The record is written before the response is rendered, so its Content-Type is not yet known
# (DRF negotiates it at rendering); a replay is negotiated and rendered afresh.
_KEPT_RESPONSE_HEADERS = ("Location",)
_RECORD_FIELDS = (
    "user_id",
    "key",
    "request_fingerprint",
    "response_status",
    "response_body",
    "response_headers",
    "created_at",
)

ViewMethod = TypeVar("ViewMethod", bound=Callable[..., Response])


class _KeyBusy(Exception):
    """A concurrent request with the same key is running."""


class _KeyTaken(Exception):
    """A concurrent request with the same key committed its record first."""


def idempotent(view_method: ViewMethod) -> ViewMethod:
    @functools.wraps(view_method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            # Anonymous endpoints (register, token) accept the header but have no user to
            # scope it to; they are safe to retry on their own terms. The view still runs in
            # one transaction, which its services join without savepoints.
            with transaction.atomic():
                return view_method(view, request, *args, **kwargs)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ValidationError(
                "Idempotency-Key must be 1 to 255 printable characters.",
                fields={HEADER: ["Must be 1 to 255 printable characters."]},
            )

        user_id = request.user.pk
        fingerprint = request_fingerprint(request)
        try:
            with transaction.atomic():
                existing = _lookup(user_id=user_id, key=key)
                if existing is None:
                    response = view_method(view, request, *args, **kwargs)
                    remembered = response.status_code < 500
                    if remembered and not _record(user_id, key, fingerprint, response):
                        raise _KeyTaken
                    return response
        except _KeyBusy:
            raise _in_use() from None
        except _KeyTaken:
            existing = _committed_record(user_id, key)
        except Exception as exc:  # rendered exactly as DRF would, so it can be remembered
            response = view.handle_exception(exc)
            if response.status_code >= 500:
                return response
            # A refusal: the view's writes were rolled back with the transaction. If a
            # concurrent duplicate answered first, its answer is the key's.
            if _record(user_id, key, fingerprint, response):
                return response
            existing = _committed_record(user_id, key)
        return _answer_existing(existing, fingerprint)

    wrapper.is_idempotent = True  # type: ignore[attr-defined]
    return cast(ViewMethod, wrapper)


def _lookup(*, user_id: Any, key: str) -> IdempotencyKey | None:
    """Lock the (user, key) pair for this transaction and return its live record, if any.
    Raises `_KeyBusy` when a concurrent request holds the pair."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s), k.id "  # noqa: S608
            f"FROM (SELECT 1) AS one LEFT JOIN {table} AS k "
            "ON k.user_id = %s AND k.key = %s",
            [_lock_id(user_id, key), user_id, key],
        )
        locked, record_id = cursor.fetchone()
    if not locked:
        raise _KeyBusy
    record = None if record_id is None else IdempotencyKey.objects.get(pk=record_id)
    if record is not None and record.created_at < timezone.now() - settings.IDEMPOTENCY_KEY_TTL:
        record.delete()  # expired: the key is free again
        return None
    return record


def _stored(user_id: Any, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user_id=user_id, key=key).first()


def _lock_id(user_id: Any, key: str) -> int:
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _record(user_id: Any, key: str, fingerprint: str, response: Response) -> bool:
    """Insert the key's record with its response; False if the key was taken meanwhile."""
    headers = {h: response[h] for h in _KEPT_RESPONSE_HEADERS if h in response}
    row = (user_id, key, fingerprint, response.status_code, _jsonable(response.data), headers)
    return bool(
        insert_values(
            IdempotencyKey,
            _RECORD_FIELDS,
            [(*row, timezone.now())],
            suffix="ON CONFLICT (user_id, key) DO NOTHING",
        )
    )


def _committed_record(user_id: Any, key: str) -> IdempotencyKey:
    record = _stored(user_id, key)
    if record is None:  # purged meanwhile: the client may simply retry
        raise _in_use()
    return record


def _in_use() -> ConflictError:
    return ConflictError(
        "A request with this Idempotency-Key is still being processed.",
        code="idempotency_key_in_use",
    )


def request_fingerprint(request: Request) -> str:
    """A digest of what the request asks for: method, path and body (files by content)."""
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.path.encode() + b"\0")
    # An unparseable body raises here (ParseError, UnsupportedMediaType): it must reach the
    # client as such, because DRF answers any later `request.data` with an empty body.
    data = request.data
    if hasattr(data, "lists"):
        canonical: dict[str, Any] = {}
        for name, values in data.lists():
            canonical[name] = [_value_fingerprint(value) for value in values]
        data = canonical
    digest.update(json.dumps(data, sort_keys=True, cls=JSONEncoder, default=str).encode())
    return digest.hexdigest()


def _value_fingerprint(value: Any) -> Any:
    if hasattr(value, "chunks"):
        file_digest = hashlib.sha256()
        for chunk in value.chunks():
            file_digest.update(chunk)
        value.seek(0)
        return f"file:{file_digest.hexdigest()}"
    return value


def _answer_existing(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise ConflictError(
            "This Idempotency-Key was used with a different request body.",
            code="idempotency_key_reused",
        )
    headers = dict(record.response_headers or {})
    headers.pop("Content-Type", None)  # stored by earlier versions, and not to be trusted
    headers[REPLAYED_HEADER] = "true"
    return Response(record.response_body, status=record.response_status, headers=headers)


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=JSONEncoder))


def purge_expired_keys(*, now: Any = None, ttl: timedelta | None = None) -> int:
    """Delete keys older than the TTL. Returns how many were deleted."""
    now = now or timezone.now()
    ttl = ttl or settings.IDEMPOTENCY_KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - ttl).delete()
    return deleted
