"""The audit log: who did what, to what, from where; append-only in the database itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.roles import Role
from core.audit import audit_record
from core.context import reset_request_context, set_request_context
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_write_through_the_api_records_actor_action_object_ip_and_request_id(
    client_for: Callable[[Any], APIClient],
) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    organisation = admin.organisation
    assert organisation is not None

    response = client_for(admin).post(
        "/api/v1/organisations/me/members",
        {"email": "New@Example.com", "password": "a-long-passphrase-1", "role": "firm_member"},
        format="json",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        HTTP_X_REQUEST_ID="audit-request-0001",
    )

    assert response.status_code == 201
    membership = Membership.objects.get(pk=response.json()["id"])
    [event] = AuditEvent.objects.all()
    assert event.actor == admin
    assert event.action == "membership.added"
    assert event.object_type == "accounts.membership"
    assert event.object_id == str(membership.pk)
    assert event.ip == "203.0.113.7"  # REMOTE_ADDR, never the client-supplied X-Forwarded-For
    assert event.request_id == "audit-request-0001"
    assert event.before is None
    assert event.after == {
        "organisation": str(organisation.id),
        "email": "new@example.com",
        "role": "firm_member",
    }


def test_audit_record_stores_before_and_after() -> None:
    actor = factories.user_with_role(Role.PROGRAMME_OFFICER)
    organisation = factories.FirmFactory.create()

    event = audit_record(
        actor=actor,
        action="organisation.renamed",
        target=organisation,
        before={"name": "Old Name Ltd"},
        after={"name": "New Name Ltd"},
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == actor
    assert stored.action == "organisation.renamed"
    assert stored.object_type == "accounts.organisation"
    assert stored.object_id == str(organisation.pk)
    assert stored.before == {"name": "Old Name Ltd"}
    assert stored.after == {"name": "New Name Ltd"}
    # Outside a request there is no client IP and no request id.
    assert stored.ip is None
    assert stored.request_id == ""


def test_audit_record_takes_the_request_context() -> None:
    tokens = set_request_context(request_id="ctx-request-0001", client_ip="2001:db8::1")
    try:
        event = audit_record(
            actor=None, action="system.tick", object_type="system", object_id="clock"
        )
    finally:
        reset_request_context(tokens)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert (stored.object_type, stored.object_id) == ("system", "clock")
    assert stored.ip == "2001:db8::1"
    assert stored.request_id == "ctx-request-0001"


def test_an_anonymous_actor_is_recorded_as_none() -> None:
    event = audit_record(
        actor=AnonymousUser(), action="system.tick", object_type="system", object_id="1"
    )

    assert AuditEvent.objects.get(pk=event.pk).actor is None


def test_audit_record_needs_an_object() -> None:
    with pytest.raises(ValueError, match="needs a target or an object_type and object_id"):
        audit_record(actor=None, action="nothing.happened", object_type="system")

    assert AuditEvent.objects.count() == 0


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(
        actor=None, action="system.tick", object_type="system", object_id="1", after={"n": 1}
    )


def _unchanged(event: AuditEvent) -> None:
    assert AuditEvent.objects.count() == 1
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "system.tick"
    assert stored.after == {"n": 1}


def test_queryset_update_is_rejected(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="UPDATE on core_auditevent is not allowed"),
        transaction.atomic(),
    ):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")

    _unchanged(event)


def test_saving_a_changed_event_is_rejected(event: AuditEvent) -> None:
    event.action = "tampered"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save(update_fields=["action"])

    event.refresh_from_db()
    _unchanged(event)


def test_queryset_delete_is_rejected(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="DELETE on core_auditevent is not allowed"),
        transaction.atomic(),
    ):
        AuditEvent.objects.all().delete()

    _unchanged(event)


@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE core_auditevent SET action = 'tampered'", "UPDATE"),
        ("DELETE FROM core_auditevent", "DELETE"),
    ],
)
def test_raw_sql_cannot_change_the_log(event: AuditEvent, sql: str, operation: str) -> None:
    with (
        pytest.raises(DatabaseError, match=f"{operation} on core_auditevent is not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    _unchanged(event)


@pytest.mark.django_db(transaction=True)
def test_truncate_is_rejected(event: AuditEvent) -> None:
    # Committed rows, so PostgreSQL reaches the trigger rather than refusing for pending events.
    with (
        pytest.raises(DatabaseError, match="TRUNCATE on core_auditevent is not allowed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE core_auditevent")

    _unchanged(event)


@pytest.mark.django_db(transaction=True)
def test_the_triggers_survive_the_flush_between_transactional_tests() -> None:
    # tests/conftest.py disables the TRUNCATE triggers only inside the flush's transaction.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass"
            " AND NOT tgisinternal ORDER BY tgname"
        )
        triggers = cursor.fetchall()

    assert triggers == [
        ("core_auditevent_append_only", "O"),
        ("core_auditevent_append_only_truncate", "O"),
    ]


def test_inserting_is_still_allowed(event: AuditEvent) -> None:
    audit_record(actor=None, action="system.tock", object_type="system", object_id="2")

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "system.tick",
        "system.tock",
    ]
