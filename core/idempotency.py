"""Idempotency keys for POST views (API.md, Conventions: Idempotency).

Decorate a DRF view's ``post`` (or an action) with ``@idempotent``:

- same key, same user, same body: the first response is replayed with
  ``Idempotent-Replayed: true``;
- same key, another body: 409 ``idempotency_key_reused``;
- the same key while the first request still runs: 409 ``idempotency_key_in_use``;
- a 5xx is not remembered, so the client may retry with the same key.

The key is claimed in its own committed row before the view runs, so a concurrent duplicate
sees it at once. Keys live ``settings.IDEMPOTENCY_KEY_TTL`` (24h) and are purged by beat.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.exceptions import ConflictError, ValidationError
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_RESPONSE_HEADERS = ("Location", "Content-Type")

ViewMethod = TypeVar("ViewMethod", bound=Callable[..., Response])


def idempotent(view_method: ViewMethod) -> ViewMethod:
    @functools.wraps(view_method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            # Anonymous endpoints (register, token) accept the header but have no user to
            # scope it to; they are safe to retry on their own terms.
            return view_method(view, request, *args, **kwargs)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ValidationError(
                "Idempotency-Key must be 1 to 255 printable characters.",
                fields={HEADER: ["Must be 1 to 255 printable characters."]},
            )

        fingerprint = request_fingerprint(request)
        record, created = _claim(user=request.user, key=key, fingerprint=fingerprint)
        if not created:
            return _answer_existing(record, fingerprint)

        try:
            # The view's writes and the record of its answer commit together: a replay can
            # never miss a committed order, and the request pays for one durable commit.
            with transaction.atomic():
                response = view_method(view, request, *args, **kwargs)
                if response.status_code < 400:
                    _complete(record, response)
                    return response
        except Exception as exc:  # rendered exactly as DRF would, so it can be remembered
            try:
                response = view.handle_exception(exc)
            except Exception:
                IdempotencyKey.objects.filter(pk=record.pk).delete()
                raise

        if response.status_code >= 500:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            return response
        _complete(record, response)  # a refusal: the view's transaction wrote nothing
        return response

    wrapper.is_idempotent = True  # type: ignore[attr-defined]
    return cast(ViewMethod, wrapper)


def _complete(record: IdempotencyKey, response: Response) -> None:
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status=IdempotencyKey.Status.COMPLETED,
        response_status=response.status_code,
        response_body=_jsonable(response.data),
        response_headers={h: response[h] for h in _KEPT_RESPONSE_HEADERS if h in response},
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


def _claim(*, user: Any, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    expired_before = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
    for _attempt in range(2):
        try:
            # The claim commits on its own, so a concurrent duplicate sees it at once. It
            # commits asynchronously: it guards nothing durable by itself, and PostgreSQL
            # flushes it with the request's own (synchronous) commit that follows.
            with transaction.atomic():
                _asynchronous_commit()
                return (
                    IdempotencyKey.objects.create(
                        user=user, key=key, request_fingerprint=fingerprint
                    ),
                    True,
                )
        except IntegrityError:
            record = IdempotencyKey.objects.filter(user=user, key=key).first()
            if record is None:
                continue  # purged between our insert and our read: try again
            if record.created_at < expired_before:
                IdempotencyKey.objects.filter(pk=record.pk).delete()
                continue
            return record, False
    raise ConflictError(
        "The idempotency key is in use by another request.", code="idempotency_key_in_use"
    )


def _asynchronous_commit() -> None:
    # Only in a transaction of our own (no savepoint below an outer one): SET LOCAL would
    # otherwise relax the durability of the caller's whole transaction.
    if connection.vendor == "postgresql" and not connection.savepoint_ids:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _answer_existing(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise ConflictError(
            "This Idempotency-Key was used with a different request body.",
            code="idempotency_key_reused",
        )
    if record.status != IdempotencyKey.Status.COMPLETED:
        raise ConflictError(
            "A request with this Idempotency-Key is still being processed.",
            code="idempotency_key_in_use",
        )
    headers = dict(record.response_headers or {})
    headers.pop("Content-Type", None)
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
