"""The one way services write the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.context import current_client_ip, current_request_id
from core.db import insert_instance
from core.models import AuditEvent


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event: who (actor), what (action on the target), from where, and the
    before/after state. Call it inside the service's transaction so the event commits with
    the change it describes."""
    event = audit_event(
        actor=actor,
        action=action,
        target=target,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
    insert_instance(event)  # every write records one: a plain INSERT, no ORM compilation
    return event


def audit_event(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event `audit_record` appends, built but not saved: for a hot path that writes it
    together with its other rows (`core.db.Write.insert`, `execute_writes`)."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if object_type is None or object_id is None:
        raise ValueError("audit_record needs a target or an object_type and object_id")
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip=current_client_ip(),
        request_id=current_request_id() or "",
        before=before,
        after=after,
    )
