"""core.db: bulk inserts (COPY on PostgreSQL, bulk_create elsewhere) and unique lookups."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.db import insert_rows, insert_values, unique_row
from core.models import AuditEvent

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


@pytest.mark.parametrize("vendor", ["postgresql", "fallback"])
def test_insert_rows_writes_every_value_as_given(
    vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if vendor == "fallback":
        # The bulk_create path SQLite takes (make run), exercised on this database.
        monkeypatch.setattr(connection, "vendor", "sqlite")
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
        if vendor == "postgresql":  # bulk_create sets auto_now_add fields itself
            assert event.at == row[1]
        assert event.before == row[8]
        assert event.after is None


def test_insert_rows_is_one_copy_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
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
