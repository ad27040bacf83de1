"""The audit log API (API.md 7): staff read it, filtered by object, actor and action."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import Role
from core.models import AuditEvent
from tests.factories import user_with_role
from tests.settlement.conftest import AUDIT_EVENTS, CODE, AssertLedgerOk, World, error_of

FIELDS = {"id", "at", "actor", "action", "object_type", "object_id", "ip", "changes"}


@pytest.fixture
def settled(world: World) -> dict[str, Any]:
    """A batch requested and submitted by the maker and approved by the checker."""
    world.capture(world.provider(), 3_000)
    return world.settle()


def _actions(response: Any) -> list[str]:
    return [event["action"] for event in response.json()["results"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.FINANCE_OFFICER, 200),
        (Role.PROGRAMME_OFFICER, 200),
        (Role.FIRM_ADMIN, 403),
        (Role.FIRM_MEMBER, 403),
        (Role.PROVIDER_ADMIN, 403),
        (Role.PROVIDER_MEMBER, 403),
    ],
)
def test_staff_read_the_audit_log_and_nobody_else(
    world: World, settled: dict[str, Any], role: str, status: int
) -> None:
    response = world.client(user_with_role(role)).get(AUDIT_EVENTS, {"object_id": settled["id"]})

    assert response.status_code == status
    if status == 200:
        assert len(response.json()["results"]) == 4
    else:
        assert response.json()["error"]["code"] == "permission_denied"
        assert settled["id"] not in response.content.decode()


def test_anonymous_callers_are_refused(world: World) -> None:
    assert error_of(APIClient().get(AUDIT_EVENTS)) == (401, "not_authenticated")


def test_the_log_cannot_be_written_through_the_api(world: World) -> None:
    client = world.client(user_with_role(Role.AUDITOR))
    count = AuditEvent.objects.count()

    responses = [client.post(AUDIT_EVENTS, {}, format="json"), client.delete(AUDIT_EVENTS)]

    assert [error_of(response) for response in responses] == [(405, "method_not_allowed")] * 2
    assert AuditEvent.objects.count() == count


def test_a_batch_s_history_by_object_id(
    world: World, settled: dict[str, Any], assert_ledger_ok: AssertLedgerOk
) -> None:
    client = world.client(user_with_role(Role.AUDITOR))

    response = client.get(AUDIT_EVENTS, {"object_id": settled["id"]})

    events = response.json()["results"]
    assert response.json()["next"] is None
    assert all(set(event) == FIELDS for event in events)
    assert [(e["action"], e["actor"], e["object_type"], e["object_id"]) for e in events] == [
        ("payout_batch.approved", world.checker.email, "settlement.payoutbatch", settled["id"]),
        ("payout_batch.submitted", world.maker.email, "settlement.payoutbatch", settled["id"]),
        ("payout_batch.prepared", None, "settlement.payoutbatch", settled["id"]),
        ("payout_batch.requested", world.maker.email, "settlement.payoutbatch", settled["id"]),
    ]
    approved, submitted, prepared, requested = events
    assert approved["changes"] == {
        "before": {"status": "submitted"},
        "after": {"status": "approved", "total_fen": 3_000},
    }
    assert submitted["changes"] == {"before": {"status": "draft"}, "after": {"status": "submitted"}}
    assert prepared["changes"] == {
        "before": {"status": "preparing"},
        "after": {"status": "draft", "payouts": 1, "total_fen": 3_000, "held": 0},
    }
    assert requested["changes"]["before"] is None
    assert requested["changes"]["after"]["programme"] == CODE
    # Requests say where they came from; the worker's preparation came from no request.
    assert (approved["ip"], submitted["ip"], requested["ip"], prepared["ip"]) == (
        "127.0.0.1",
        "127.0.0.1",
        "127.0.0.1",
        None,
    )
    assert_ledger_ok(CODE)


def test_filters_by_actor_action_and_object_type_combine(
    world: World, settled: dict[str, Any]
) -> None:
    client = world.client(user_with_role(Role.FINANCE_OFFICER))

    by_checker = client.get(AUDIT_EVENTS, {"actor": world.checker.email.upper()})
    by_action = client.get(AUDIT_EVENTS, {"action": "payout_batch.submitted"})
    by_type = client.get(AUDIT_EVENTS, {"object_type": "settlement.payoutbatch"})
    combined = client.get(
        AUDIT_EVENTS,
        {
            "object_id": settled["id"],
            "actor": world.maker.email,
            "action": "payout_batch.requested",
        },
    )
    mismatched = client.get(
        AUDIT_EVENTS, {"object_id": settled["id"], "actor": world.checker.email, "action": "x"}
    )
    unknown = client.get(AUDIT_EVENTS, {"object_id": "00000000-0000-0000-0000-000000000001"})

    assert _actions(by_checker) == ["payout_batch.approved"]
    assert [(e["action"], e["object_id"]) for e in by_action.json()["results"]] == [
        ("payout_batch.submitted", settled["id"])
    ]
    assert _actions(by_type) == [
        "payout_batch.approved",
        "payout_batch.submitted",
        "payout_batch.prepared",
        "payout_batch.requested",
    ]
    assert _actions(combined) == ["payout_batch.requested"]
    assert _actions(mismatched) == []
    assert _actions(unknown) == []


def test_the_log_pages_newest_first_with_a_steady_query_count(
    world: World, settled: dict[str, Any]
) -> None:
    client = world.client(user_with_role(Role.AUDITOR))
    total = AuditEvent.objects.count()
    assert total > 6

    with CaptureQueriesContext(connection) as small:
        first = client.get(AUDIT_EVENTS, {"page_size": 2})
    with CaptureQueriesContext(connection) as large:
        everything = client.get(AUDIT_EVENTS, {"page_size": 200})

    assert len(large) == len(small)
    events = everything.json()["results"]
    assert len(events) == total
    assert [event["at"] for event in events] == sorted((e["at"] for e in events), reverse=True)
    assert first.json()["results"] == events[:2]
    seen = []
    page = first.json()
    while True:
        seen += page["results"]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert seen == events
