"""core.db: bulk inserts (COPY), unique lookups, and the hot path's plain SQL (Selection,
insert_instance, Write and execute_writes)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.db import (
    Selection,
    Write,
    execute_writes,
    for_update_of,
    insert_instance,
    insert_rows,
    insert_values,
    pk_value,
    unique_row,
)
from core.models import AuditEvent
from vouchers.models import FirmCapUsage

pytestmark = pytest.mark.django_db

FIELDS = ("id", "at", "actor_id", "action", "object_type", "object_id", "ip", "request_id")
JSON_FIELDS = (*FIELDS, "before", "after")


def _rows(count: int) -> list[tuple[object, ...]]:
    at = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    return [
        (
            uuid.uuid4(),
            at + dt.timedelta(seconds=i),
            None,
            "bulk.tested",
            "thing",
            f"thing-{i}",
            "10.0.0.1" if i % 2 else None,
            "",
            {"n": i, "nested": ["a", {"b": None}], "text": '引号 " and \\ and \t tab'},
            None,
        )
        for i in range(count)
    ]


def test_insert_rows_writes_every_value_as_given() -> None:
    rows = _rows(5)

    insert_rows(AuditEvent, JSON_FIELDS, iter(rows))

    stored = {
        event.id: event
        for event in AuditEvent.objects.filter(action="bulk.tested").order_by("object_id")
    }
    assert len(stored) == 5
    for row in rows:
        event = stored[row[0]]  # type: ignore[index]
        assert (event.actor_id, event.object_id, event.ip) == (None, row[5], row[6])
        assert event.at == row[1]
        assert event.before == row[8]
        assert event.after is None


def test_insert_rows_is_one_copy() -> None:
    with CaptureQueriesContext(connection) as queries:
        insert_rows(AuditEvent, FIELDS, [row[:8] for row in _rows(3000)])
    assert [query["sql"].split(" (")[0] for query in queries.captured_queries] == [
        'COPY "core_auditevent"'
    ]
    assert AuditEvent.objects.filter(action="bulk.tested").count() == 3000


def test_insert_rows_refuses_a_bad_row_and_writes_none() -> None:
    rows = [row[:8] for row in _rows(3)]
    rows.append((rows[0][0], *rows[0][1:]))  # the same primary key twice
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_rows(AuditEvent, FIELDS, rows)
    assert not AuditEvent.objects.filter(action="bulk.tested").exists()


def test_unique_row_finds_the_row_or_none_without_ordering() -> None:
    event = AuditEvent.objects.create(action="a", object_type="t", object_id="1")
    with CaptureQueriesContext(connection) as queries:
        assert unique_row(AuditEvent.objects.filter(pk=event.pk)) == event
        assert unique_row(AuditEvent.objects.filter(pk=uuid.uuid4())) is None
    assert all("ORDER BY" not in query["sql"] for query in queries.captured_queries)


def test_insert_values_writes_the_rows_and_counts_what_it_wrote() -> None:
    rows = _rows(2)

    assert insert_values(AuditEvent, JSON_FIELDS, rows) == 2
    assert insert_values(AuditEvent, JSON_FIELDS, rows[:1], suffix="ON CONFLICT DO NOTHING") == 0

    stored = AuditEvent.objects.get(pk=cast(uuid.UUID, rows[0][0]))
    assert (stored.at, stored.object_id, stored.before) == (rows[0][1], "thing-0", rows[0][8])
    assert AuditEvent.objects.filter(action="bulk.tested").count() == 2


# --- the hot path's plain SQL: Selection, insert_instance, locks --------------------------------

_EVENT_AND_ACTOR = Selection(e=AuditEvent, u=User)


def _select_events(where: str, params: list[str]) -> list[tuple[list[Any], list[Any]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_EVENT_AND_ACTOR.columns}, e.object_id || '!' "  # noqa: S608
            "FROM core_auditevent AS e LEFT JOIN accounts_user AS u ON u.id = e.actor_id "
            f"WHERE {where} ORDER BY e.object_id",
            params,
        )
        return [_EVENT_AND_ACTOR.instances(row) for row in cursor.fetchall()]


def test_selection_builds_the_instances_the_orm_would() -> None:
    actor = User.objects.create_user(email="actor@example.com", password=None)
    with_actor = AuditEvent.objects.create(
        actor=actor,
        action="a",
        object_type="t",
        object_id="1",
        ip="10.0.0.1",
        before={"n": 1, "text": "引号"},
        after=None,
    )
    without_actor = AuditEvent.objects.create(action="a", object_type="t", object_id="2")

    found = _select_events("e.action = %s", ["a"])

    assert len(found) == 2
    (event, user), extras = found[0]
    assert isinstance(event, AuditEvent)
    assert isinstance(user, User)
    assert extras == ["1!"]
    assert not event._state.adding
    assert event._state.db == "default"
    orm_event = AuditEvent.objects.get(pk=with_actor.pk)
    for field in AuditEvent._meta.concrete_fields:
        assert getattr(event, field.attname) == getattr(orm_event, field.attname), field.name
    assert event.before == {"n": 1, "text": "引号"}  # JSON comes back as Python
    assert (user.pk, user.email) == (actor.pk, "actor@example.com")
    (event, user), extras = found[1]
    assert event.pk == without_actor.pk
    assert user is None  # the far side of the outer join found no row
    assert extras == ["2!"]


def test_pk_value_and_for_update_of_match_the_database() -> None:
    key = uuid.uuid4()
    assert pk_value(AuditEvent, key) == key
    assert for_update_of("v", "a") == " FOR UPDATE OF v, a"
    assert for_update_of() == " FOR UPDATE"


def test_insert_instance_fills_what_save_would_and_is_one_insert() -> None:
    event = AuditEvent(action="inserted", object_type="t", object_id="9", after={"k": [1]})
    assert event.at is None

    with CaptureQueriesContext(connection) as queries:
        insert_instance(event)

    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith('INSERT INTO "core_auditevent"')
    assert event.at is not None  # auto_now_add, as save() sets it
    assert not event._state.adding
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.at, stored.after, stored.request_id) == (event.at, {"k": [1]}, "")


def test_insert_instance_needs_a_client_side_primary_key() -> None:
    with pytest.raises(ValueError, match="primary key"):
        insert_instance(FirmCapUsage(category="compute", year=2026, cap_fen=1))


def _event(object_id: str) -> AuditEvent:
    return AuditEvent(action="together", object_type="t", object_id=object_id)


def test_execute_writes_runs_independent_writes_and_counts_each() -> None:
    user = User.objects.create_user(email="writer@example.com", password=None)
    first, second = _event("1"), _event("2")
    rename = Write(
        "UPDATE accounts_user SET full_name = %s WHERE id = %s",
        ["Renamed", pk_value(User, user.pk)],
    )
    touch_nothing = Write(
        "UPDATE accounts_user SET full_name = %s WHERE id = %s",
        ["No one", pk_value(User, uuid.uuid4())],
    )

    with CaptureQueriesContext(connection) as queries:
        counts = execute_writes(
            rename,
            Write.insert(first),
            touch_nothing,
            Write.insert_values(AuditEvent, JSON_FIELDS, _rows(2)),
        )

    assert counts == [1, 1, 0, 2]
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1
    assert statements[0].startswith("WITH w0 AS (UPDATE")
    user.refresh_from_db()
    assert user.full_name == "Renamed"
    assert AuditEvent.objects.filter(action="together").count() == 1
    assert AuditEvent.objects.filter(action="bulk.tested").count() == 2
    assert not first._state.adding
    assert first.at is not None
    assert execute_writes(Write.insert(second)) == [1]
    assert execute_writes() == []


def test_execute_writes_is_all_or_nothing_in_its_statement() -> None:
    taken = _event("taken")
    insert_instance(taken)
    again = AuditEvent(id=taken.pk, action="together", object_type="t", object_id="again")

    with pytest.raises(DatabaseError), transaction.atomic():
        execute_writes(Write.insert(_event("3")), Write.insert(again))

    stored = AuditEvent.objects.filter(action="together").values_list("object_id", flat=True)
    assert list(stored) == ["taken"]
