"""Settlement under real concurrency: threads, each with its own PostgreSQL connection and
transaction, released together by a barrier (DESIGN.md 4: "a database unique constraint is the
exactly-once gate"; STYLE.md: concurrency tests use real transactions).

The world is committed (`transaction=True`), so every thread sees it; the flush afterwards
relies on tests/conftest.py letting it truncate the append-only tables.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.roles import Role
from ledger.models import Transfer
from settlement import services as settlement
from settlement import tasks
from settlement.models import (
    BankStatement,
    Payout,
    PayoutBatch,
    PayoutPart,
    ReconciliationException,
    StatementLine,
)
from tests.concurrency import race
from tests.factories import user_with_role
from tests.settlement.conftest import (
    BATCHES,
    CODE,
    STATEMENTS,
    AssertLedgerOk,
    World,
    account_balance,
    paid_line,
    payable_due,
    statement,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

CALLERS = 6


def _token_client(world: World, role: str = Role.FINANCE_OFFICER) -> APIClient:
    return world.client_for(user_with_role(role))


def _tally(responses: list[Any]) -> Counter[Any]:
    return Counter(
        (r.status_code, r.json().get("error", {}).get("code")) if hasattr(r, "status_code") else r
        for r in responses
    )


@pytest.mark.parametrize("batches", [2, 4])
def test_concurrent_preparations_never_put_a_subsidy_in_two_payouts(
    world: World, monkeypatch: pytest.MonkeyPatch, assert_ledger_ok: AssertLedgerOk, batches: int
) -> None:
    providers = [world.provider(("compute", "model")) for _ in range(4)]
    unbanked = world.provider(bank=False)
    due: dict[Any, int] = {}
    for index, provider in enumerate(providers):
        world.capture(provider, 1_000 + index)
        world.capture(provider, 2_000 + index, "model")
        due[provider.organisation_id] = 3_000 + 2 * index
    world.capture(unbanked, 777)
    # The batches are opened, and the workers have not picked them up yet.
    monkeypatch.setattr(tasks.prepare_payout_batch, "delay", lambda *args, **kwargs: None)
    opened = [
        settlement.payout_batch_request(programme=world.programme, actor=world.maker)
        for _ in range(batches)
    ]
    assert {batch.status for batch in PayoutBatch.objects.all()} == {"preparing"}

    outcomes = race(
        [functools.partial(settlement.payout_batch_prepare, batch_id=batch.pk) for batch in opened]
    )

    assert outcomes == [True] * batches
    assert {batch.status for batch in PayoutBatch.objects.all()} == {"draft"}
    claimed = Payout.objects.exclude(status=Payout.Status.HELD)
    # Every provider is paid in exactly one batch, exactly what it was due.
    assert Counter(claimed.values_list("provider_id", flat=True)) == dict.fromkeys(due, 1)
    assert {p.provider_id: p.amount_fen for p in claimed} == due
    assert sum(batch.total_fen for batch in PayoutBatch.objects.all()) == sum(due.values())
    # No payable's subsidy is claimed twice: one claim per provider and category in all.
    parts = Counter(PayoutPart.objects.values_list("payable_account_id", flat=True))
    assert len(parts) == 2 * len(providers)
    assert set(parts.values()) == {1}
    assert Transfer.objects.filter(kind="payout_send", phase="pending").count() == 8
    assert account_balance("bank:clearing").credits_pending == sum(due.values())
    assert all(payable_due(p) == payable_due(p, "model") == 0 for p in providers)
    # The provider without a bank account is held in each batch and still owed everything.
    held = Payout.objects.filter(status=Payout.Status.HELD)
    assert [(p.provider_id, p.amount_fen) for p in held] == [
        (unbanked.organisation_id, 777)
    ] * batches
    assert payable_due(unbanked) == 777
    assert_ledger_ok(CODE)


def _submitted(world: World) -> PayoutBatch:
    for _ in range(3):
        world.capture(world.provider(), 3_000)
    batch = settlement.payout_batch_request(programme=world.programme, actor=world.maker)
    batch.refresh_from_db()
    assert (batch.status, batch.total_fen) == ("draft", 9_000)  # prepared on commit
    return settlement.payout_batch_submit(batch=batch, actor=world.maker)


def test_concurrent_approvals_move_the_batch_once(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    batch = _submitted(world)
    checkers = [_token_client(world) for _ in range(CALLERS)]
    url = f"{BATCHES}/{batch.pk}/approve"

    responses = race([functools.partial(client.post, url) for client in checkers])

    assert _tally(responses) == {(200, None): 1, (409, "invalid_state"): CALLERS - 1}
    batch.refresh_from_db()
    assert batch.status == "approved"
    assert set(Payout.objects.values_list("status", flat=True)) == {"sent"}
    assert Transfer.objects.filter(kind="payout_send", phase="post").count() == 3
    clearing = account_balance("bank:clearing")
    assert (clearing.credits_pending, clearing.credits_posted) == (0, 9_000)
    assert len(mail.outbox) == 3  # one e-mail per payout, sent once
    assert_ledger_ok(CODE)


def test_concurrent_submissions_move_the_batch_once(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    for _ in range(2):
        world.capture(world.provider(), 3_000)
    batch = settlement.payout_batch_request(programme=world.programme, actor=world.maker)
    makers = [_token_client(world) for _ in range(CALLERS)]
    url = f"{BATCHES}/{batch.pk}/submit"

    responses = race([functools.partial(client.post, url) for client in makers])

    assert _tally(responses) == {(200, None): 1, (409, "invalid_state"): CALLERS - 1}
    batch.refresh_from_db()
    assert batch.status == "submitted"
    winner = next(r for r in responses if r.status_code == 200)
    assert batch.submitted_by_id is not None
    assert winner.json()["submitted_by"] == str(batch.submitted_by_id)
    assert Transfer.objects.filter(kind="payout_send", phase="post").count() == 0
    assert_ledger_ok(CODE)


def _sent(world: World, providers: int) -> list[dict[str, Any]]:
    for _ in range(providers):
        world.capture(world.provider(), 3_000)
    batch = settlement.payout_batch_request(programme=world.programme, actor=world.maker)
    settlement.payout_batch_submit(batch=batch, actor=world.maker)
    settlement.payout_batch_approve(batch=batch, actor=world.checker)
    return [
        {"reference": reference, "amount_fen": amount}
        for reference, amount in Payout.objects.values_list("reference", "amount_fen")
    ]


def _uploader(world: World, content: bytes, name: str) -> Callable[[], Any]:
    client = _token_client(world)

    def upload() -> Any:
        file = SimpleUploadedFile(name, content, content_type="text/csv")
        return client.post(STATEMENTS, {"file": file}, format="multipart")

    return upload


def test_concurrent_uploads_of_one_statement_count_each_line_once(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    payouts = _sent(world, 3)
    content = statement(*[paid_line(p) for p in payouts], paid_line(payouts[0], amount_fen=1))

    responses = race([_uploader(world, content, "statement.csv") for _ in range(CALLERS)])

    assert sorted(r.status_code for r in responses) == [200] * (CALLERS - 1) + [201]
    bodies = {tuple(sorted(r.json().items())) for r in responses}
    assert len(bodies) == 1
    assert dict(bodies.pop())["lines"] == 4
    assert (BankStatement.objects.count(), StatementLine.objects.count()) == (1, 4)
    assert ReconciliationException.objects.count() == 1
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    assert Transfer.objects.filter(kind="payout_paid").count() == 3
    assert account_balance("disbursed").credits_posted == 9_000
    assert PayoutBatch.objects.get().status == "closed"
    told = [m.subject for m in mail.outbox if m.subject.startswith("Bank statement")]
    assert told == ["Bank statement statement.csv: 1 open exception(s)"]  # told once
    assert_ledger_ok(CODE)


def test_concurrent_overlapping_statements_count_each_line_once(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    payouts = _sent(world, 4)
    shared = paid_line(payouts[1])
    statements = [
        statement(paid_line(payouts[0]), shared),
        statement(shared, paid_line(payouts[2])),
        statement(paid_line(payouts[3]), shared),
    ]

    responses = race(
        [_uploader(world, content, f"{i}.csv") for i, content in enumerate(statements)]
    )

    assert [r.status_code for r in responses] == [201] * 3
    assert sum(r.json()["matched"] for r in responses) == 4
    assert sum(r.json()["exceptions"] for r in responses) == 2
    assert (
        list(ReconciliationException.objects.values_list("kind", flat=True))
        == ["duplicate_line"] * 2
    )
    assert Counter(StatementLine.objects.values_list("outcome", flat=True)) == {
        "paid": 4,
        "exception": 2,
    }
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    assert Transfer.objects.filter(kind="payout_paid").count() == 4
    assert account_balance("disbursed").credits_posted == 12_000
    assert_ledger_ok(CODE)
