"""core.lookups: `field__any=values`, one array parameter on PostgreSQL, IN elsewhere."""

from __future__ import annotations

import uuid

import pytest

from core.models import AuditEvent, IdempotencyKey
from tests import factories

pytestmark = pytest.mark.django_db


def _event(object_id: str) -> AuditEvent:
    return AuditEvent.objects.create(action="a", object_type="t", object_id=object_id)


def test_it_finds_what_in_finds_for_keys_and_text() -> None:
    events = [_event(str(n)) for n in range(5)]
    wanted = [events[1].pk, events[3].pk, uuid.uuid4()]

    assert set(AuditEvent.objects.filter(pk__any=wanted)) == {events[1], events[3]}
    assert set(AuditEvent.objects.filter(pk__any=wanted)) == set(
        AuditEvent.objects.filter(pk__in=wanted)
    )
    assert {e.object_id for e in AuditEvent.objects.filter(object_id__any={"0", "4", "9"})} == {
        "0",
        "4",
    }


def test_integers_and_updates() -> None:
    user = factories.UserFactory.create()
    keys = [
        IdempotencyKey.objects.create(
            user=user, key=f"k{n}", request_fingerprint="f", response_status=201
        )
        for n in range(3)
    ]

    updated = IdempotencyKey.objects.filter(pk__any=[keys[0].pk, keys[2].pk]).update(
        response_status=409
    )

    assert updated == 2
    assert sorted(IdempotencyKey.objects.values_list("key", "response_status")) == [
        ("k0", 409),
        ("k1", 201),
        ("k2", 409),
    ]


def test_foreign_keys_take_ids() -> None:
    actor = factories.UserFactory.create()
    mine = AuditEvent.objects.create(actor=actor, action="a", object_type="t", object_id="1")
    _event("2")

    assert list(AuditEvent.objects.filter(actor_id__any=[actor.pk])) == [mine]
    assert list(AuditEvent.objects.filter(actor__any=[actor.pk])) == [mine]


def test_an_empty_collection_matches_nothing() -> None:
    _event("1")
    assert not AuditEvent.objects.filter(pk__any=[]).exists()
    assert AuditEvent.objects.exclude(pk__any=[]).count() == 1


def test_the_list_is_one_parameter_whatever_its_length() -> None:
    statements = set()
    for length in (1, 10, 2000):
        queryset = AuditEvent.objects.filter(pk__any=[uuid.uuid4() for _ in range(length)])
        sql, params = queryset.query.sql_with_params()
        assert len(params) == 1
        assert len(params[0]) == length
        statements.add(sql)
        assert list(queryset) == []
    (sql,) = statements  # one text, so it is prepared like any other statement
    assert '"core_auditevent"."id" = ANY(%s)' in sql


def test_a_single_value_is_refused() -> None:
    with pytest.raises(TypeError, match="collection"):
        list(AuditEvent.objects.filter(object_id__any="abc"))
