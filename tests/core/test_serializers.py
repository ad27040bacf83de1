"""core.serializers.FieldsBuiltOnce: output fields built once per class, shared by instances."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from rest_framework import serializers

from core.models import AuditEvent
from core.serializers import FieldsBuiltOnce


class EventOutput(FieldsBuiltOnce, serializers.ModelSerializer[AuditEvent]):
    kind = serializers.CharField(source="object_type")

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "action", "kind", "object_id", "after"]


class PlainEventOutput(serializers.ModelSerializer[AuditEvent]):
    kind = serializers.CharField(source="object_type")

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "action", "kind", "object_id", "after"]


def _event(number: int) -> AuditEvent:
    return AuditEvent(
        id=uuid.uuid4(),
        at=dt.datetime(2026, 11, 24, 8, number, tzinfo=dt.UTC),
        action=f"thing.done.{number}",
        object_type="thing",
        object_id=str(number),
        after={"n": number},
    )


def test_instances_share_one_set_of_fields_bound_to_no_caller() -> None:
    first, second = EventOutput(_event(1)), EventOutput(_event(2))

    assert first.fields is second.fields
    assert all(field.parent is not first for field in first.fields.values())
    assert all(field.parent is not second for field in second.fields.values())


def test_the_output_is_the_plain_serializers_for_each_instance() -> None:
    events = [_event(n) for n in range(1, 4)]

    shared: list[Any] = [EventOutput(event).data for event in events]
    listed = EventOutput(events, many=True).data

    assert shared == [PlainEventOutput(event).data for event in events]
    assert listed == shared
    assert [row["action"] for row in shared] == ["thing.done.1", "thing.done.2", "thing.done.3"]


def test_each_class_builds_its_own_fields() -> None:
    class OtherOutput(FieldsBuiltOnce, serializers.ModelSerializer[AuditEvent]):
        class Meta:
            model = AuditEvent
            fields = ["id"]

    assert list(OtherOutput(_event(1)).fields) == ["id"]
    assert list(EventOutput(_event(1)).fields) == [
        "id",
        "at",
        "action",
        "kind",
        "object_id",
        "after",
    ]
