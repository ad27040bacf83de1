"""Payout batches (API.md 6; DESIGN.md 2 step 5): preparation, maker-checker, the bank file
and the e-mails to providers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Transfer
from marketplace import services as marketplace
from settlement.models import Payout, PayoutBatch, PayoutPart
from tests.conftest import NothingWritten
from tests.factories import user_with_role
from tests.settlement.conftest import (
    BATCHES,
    CODE,
    NOW,
    AssertLedgerOk,
    World,
    account_balance,
    amounts_by_provider,
    error_of,
    payable,
    payable_due,
    payout_of,
)

REFERENCE = re.compile(r"^PO-[0-9A-HJKMNP-TV-Z]{10}$")
NOT_FINANCE = [
    Role.FIRM_ADMIN,
    Role.FIRM_MEMBER,
    Role.PROVIDER_ADMIN,
    Role.PROVIDER_MEMBER,
    Role.PROGRAMME_OFFICER,
    Role.AUDITOR,
]


class _Matches:
    """Equal to any string the pattern matches: for generated ids and references."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.pattern.match(other))

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"<matching {self.pattern.pattern}>"


ANY_REFERENCE: Any = _Matches(REFERENCE.pattern)
ANY_ID: Any = _Matches(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _parts() -> list[tuple[str, str, int]]:
    return sorted(
        (str(part.payout.provider_id), part.category, part.amount_fen)
        for part in PayoutPart.objects.select_related("payout")
    )


# --- preparation ---------------------------------------------------------------------------


def test_a_batch_pays_each_provider_its_captured_subsidy_in_one_payout(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    both = world.provider(("compute", "model"))
    compute = world.provider()
    idle = world.provider(("data",))  # accredited, never sold anything
    cancelled = world.provider()  # its only order was cancelled: the hold was voided
    world.capture(both, 12_345)
    world.capture(both, 1_500)
    world.capture(both, 5_000, "model")
    world.capture(compute, 6_001)
    world.awaiting(compute, 9_999)  # held, not captured: not due yet
    order = world.place(cancelled, 4_000)
    marketplace.order_cancel(actor=world.firm_admin(order), order_id=order.pk)
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)

    response = world.post(world.maker, BATCHES, {"programme": CODE})

    assert response.status_code == 202
    requested = response.json()
    assert requested == {
        "id": requested["id"],
        "programme": CODE,
        "status": "preparing",
        "cutoff_at": "2026-03-10T11:00:00+08:00",
        "total_fen": 0,
        "prepared_by": str(world.maker.pk),
        "submitted_by": None,
        "approved_by": None,
        "prepared_at": None,
        "submitted_at": None,
        "approved_at": None,
        "created_at": "2026-03-10T11:00:00+08:00",
        "payouts": [],
    }
    batch = world.batch(requested["id"])
    payouts = sorted(batch.pop("payouts"), key=lambda p: p["amount_fen"])
    assert batch == {
        **{key: value for key, value in requested.items() if key != "payouts"},
        "status": "draft",
        "total_fen": 12_345 + 1_500 + 5_000 + 6_001,
        "prepared_at": "2026-03-10T11:00:00+08:00",
    }
    assert payouts == [
        {
            "id": ANY_ID,
            "provider": str(provider.organisation_id),
            "amount_fen": amount,
            "reference": ANY_REFERENCE,
            "status": "pending",
            "held_reason": "",
            "sent_at": None,
            "paid_at": None,
            "returned_at": None,
        }
        for provider, amount in [(compute, 6_001), (both, 12_345 + 1_500 + 5_000)]
    ]
    assert all(REFERENCE.match(p["reference"]) for p in payouts)
    assert len({p["reference"] for p in payouts}) == 2
    # Nothing for the idle provider nor for the one whose order was cancelled.
    assert {p["provider"] for p in payouts} == {
        str(both.organisation_id),
        str(compute.organisation_id),
    }
    assert str(idle.organisation_id) not in str(payouts)
    assert str(cancelled.organisation_id) not in str(payouts)
    # One claim per provider and category: pending until the batch is approved.
    assert _parts() == sorted(
        [
            (str(both.organisation_id), "compute", 13_845),
            (str(both.organisation_id), "model", 5_000),
            (str(compute.organisation_id), "compute", 6_001),
        ]
    )
    assert Transfer.objects.filter(kind="payout_send", phase="pending").count() == 3
    clearing = account_balance("bank:clearing")
    assert (clearing.credits_pending, clearing.credits_posted) == (24_846, 0)
    assert (payable_due(both), payable_due(both, "model"), payable_due(compute)) == (0, 0, 0)
    assert payable_due(cancelled) == 0
    assert [
        (event.action, event.actor_id, event.after)
        for event in AuditEvent.objects.filter(object_id=requested["id"]).order_by("at", "action")
    ] == [
        (
            "payout_batch.prepared",
            None,
            {"status": "draft", "payouts": 2, "total_fen": 24_846, "held": 0},
        ),
        (
            "payout_batch.requested",
            world.maker.pk,
            {"programme": CODE, "cutoff_at": "2026-03-10T03:00:00+00:00"},
        ),
    ]
    assert mail.outbox == []
    assert_ledger_ok(CODE)


def test_a_batch_with_nothing_due_is_an_empty_draft(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    world.awaiting(provider, 3_000)  # held only

    batch = world.request_batch()

    assert (batch["status"], batch["total_fen"], batch["payouts"]) == ("draft", 0, [])
    assert PayoutPart.objects.count() == 0
    assert not Transfer.objects.filter(kind="payout_send").exists()
    assert_ledger_ok(CODE)


def test_an_approved_batch_with_nothing_due_closes_at_the_next_statement_import(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    """API.md: approving answers `approved`, even with nothing to send; the batch is closed
    with the others once a statement import finds none of its payouts open."""
    empty = world.request_batch()  # nothing due yet
    assert world.submit(empty["id"]).status_code == 200
    approved = world.approve(empty["id"])
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    world.capture(world.provider(), 3_000)

    world.pay(world.settle())

    assert world.batch(empty["id"])["status"] == "closed"
    assert_ledger_ok(CODE)


def test_a_second_batch_takes_nothing_already_claimed(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    other = world.provider()
    world.capture(provider, 3_000)
    world.capture(other, 1_000)

    first = world.request_batch()
    second = world.request_batch()  # the first one's claims are still pending

    assert amounts_by_provider(first) == {
        str(provider.organisation_id): (3_000, "pending"),
        str(other.organisation_id): (1_000, "pending"),
    }
    assert (second["status"], second["total_fen"], second["payouts"]) == ("draft", 0, [])

    assert world.submit(first["id"]).status_code == 200
    assert world.approve(first["id"]).status_code == 200
    third = world.request_batch()  # and now that they are posted
    assert (third["total_fen"], third["payouts"]) == (0, [])

    time_machine.shift(dt.timedelta(days=1))
    world.capture(provider, 4_500)
    fourth = world.request_batch()

    assert amounts_by_provider(fourth) == {str(provider.organisation_id): (4_500, "pending")}
    assert fourth["total_fen"] == 4_500
    assert Transfer.objects.filter(kind="payout_send").count() == 2 + 2 + 1
    assert payable_due(provider) == payable_due(other) == 0
    assert_ledger_ok(CODE)


def test_a_capture_confirmed_after_the_cut_off_is_left_for_the_next_batch(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider()
    world.capture(provider, 3_000)
    late = world.awaiting(provider, 2_000)
    with world.on_commit() as scheduled:  # the worker has not picked the batch up yet
        response = world.client().post(BATCHES, {"programme": CODE}, format="json")
    assert response.status_code == 202
    time_machine.shift(dt.timedelta(minutes=5))
    world.confirm(late)  # after the batch's cut-off

    for task in scheduled:  # the worker prepares it now
        task()

    first = world.batch(response.json()["id"])
    assert (first["status"], first["total_fen"]) == ("draft", 3_000)
    assert amounts_by_provider(first) == {str(provider.organisation_id): (3_000, "pending")}
    assert payable_due(provider) == 2_000

    time_machine.shift(dt.timedelta(minutes=5))
    second = world.request_batch()

    assert amounts_by_provider(second) == {str(provider.organisation_id): (2_000, "pending")}
    assert payable_due(provider) == 0
    assert_ledger_ok(CODE)


def test_preparing_a_batch_twice_changes_nothing(
    world: World, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    """The task is acked late and may run again: a prepared batch is left alone."""
    from settlement.services import payout_batch_prepare

    world.capture(world.provider(), 3_000)
    batch = world.request_batch()

    with nothing_written():
        assert payout_batch_prepare(batch_id=batch["id"]) is False

    assert world.batch(batch["id"]) == batch
    assert_ledger_ok(CODE)


def test_a_provider_without_a_bank_account_is_held_until_it_has_one(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    banked = world.provider()
    unbanked = world.provider(bank=False)
    world.capture(banked, 3_000)
    world.capture(unbanked, 7_000)
    world.capture(unbanked, 500, "compute")

    first = world.request_batch()

    held = payout_of(first, unbanked)
    assert {k: held[k] for k in ("amount_fen", "status", "held_reason")} == {
        "amount_fen": 7_500,
        "status": "held",
        "held_reason": "The provider has no bank account.",
    }
    assert REFERENCE.match(held["reference"])
    assert first["total_fen"] == 3_000  # a held payout is kept out of the batch
    assert _parts() == [(str(banked.organisation_id), "compute", 3_000)]
    assert payable_due(unbanked) == 7_500  # it claims nothing
    assert AuditEvent.objects.get(action="payout_batch.prepared").after == {
        "status": "draft",
        "payouts": 2,
        "total_fen": 3_000,
        "held": 1,
    }

    assert world.submit(first["id"]).status_code == 200
    approved = world.approve(first["id"]).json()
    assert amounts_by_provider(approved) == {
        str(banked.organisation_id): (3_000, "sent"),
        str(unbanked.organisation_id): (7_500, "held"),
    }
    assert [message.to for message in mail.outbox] == [[banked.email]]

    time_machine.shift(dt.timedelta(days=1))
    second = world.request_batch()  # still no bank account: held again, still owed
    assert amounts_by_provider(second) == {str(unbanked.organisation_id): (7_500, "held")}
    assert payable_due(unbanked) == 7_500

    world.bank_account(unbanked)
    third = world.request_batch()

    assert amounts_by_provider(third) == {str(unbanked.organisation_id): (7_500, "pending")}
    assert third["total_fen"] == 7_500
    assert payable_due(unbanked) == 0
    assert world.submit(third["id"]).status_code == 200
    assert amounts_by_provider(world.approve(third["id"]).json()) == {
        str(unbanked.organisation_id): (7_500, "sent")
    }
    assert account_balance("bank:clearing").credits_posted == 3_000 + 7_500
    assert_ledger_ok(CODE)


def test_a_batch_with_only_a_held_payout_says_so_in_the_audit_log(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    world.capture(world.provider(bank=False), 2_000)

    batch = world.request_batch()

    assert [(p["status"], p["amount_fen"]) for p in batch["payouts"]] == [("held", 2_000)]
    assert AuditEvent.objects.get(action="payout_batch.prepared").after == {
        "status": "draft",
        "payouts": 1,
        "total_fen": 0,
        "held": 1,
    }
    assert_ledger_ok(CODE)


# --- maker-checker -------------------------------------------------------------------------


def test_one_officer_submits_and_another_approves(
    world: World, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    provider = world.provider(("compute", "data"))
    world.capture(provider, 3_000)
    world.capture(provider, 1_200, "data")
    batch = world.request_batch()

    submitted = world.submit(batch["id"])

    assert submitted.status_code == 200
    assert submitted.json() == {
        **batch,
        "status": "submitted",
        "submitted_by": str(world.maker.pk),
        "submitted_at": submitted.json()["submitted_at"],
    }
    assert submitted.json()["submitted_at"] is not None

    with nothing_written():
        refused = world.approve(batch["id"], world.maker)

    assert error_of(refused) == (422, "self_approval")
    assert refused.json()["error"]["message"] == (
        "The officer who submitted a batch cannot also approve it."
    )
    assert world.batch(batch["id"])["status"] == "submitted"

    approved = world.approve(batch["id"])

    assert approved.status_code == 200
    body = approved.json()
    assert (body["status"], body["approved_by"], body["submitted_by"]) == (
        "approved",
        str(world.checker.pk),
        str(world.maker.pk),
    )
    assert body["approved_at"] is not None
    (payout,) = body["payouts"]
    assert (payout["status"], payout["amount_fen"]) == ("sent", 4_200)
    assert payout["sent_at"] == body["approved_at"]
    clearing = account_balance("bank:clearing")
    assert (clearing.credits_pending, clearing.credits_posted) == (0, 4_200)
    compute = payable(provider)
    assert Transfer.objects.filter(kind="payout_send", phase="post").count() == 2
    assert payable_due(provider) == payable_due(provider, "data") == 0
    assert compute.code == f"provider:{provider.organisation_id}:payable:compute"
    assert list(
        AuditEvent.objects.filter(
            object_id=batch["id"], action__in=["payout_batch.submitted", "payout_batch.approved"]
        )
        .order_by("at")
        .values_list("action", "actor_id", "before", "after")
    ) == [
        ("payout_batch.submitted", world.maker.pk, {"status": "draft"}, {"status": "submitted"}),
        (
            "payout_batch.approved",
            world.checker.pk,
            {"status": "submitted"},
            {"status": "approved", "total_fen": 4_200},
        ),
    ]
    assert_ledger_ok(CODE)


def _batch_in(world: World, status: str) -> dict[str, Any]:
    if status == "preparing":
        with world.on_commit():  # the worker has not run
            response = world.client().post(BATCHES, {"programme": CODE}, format="json")
        return dict(response.json())
    batch = world.request_batch()
    if status in ("submitted", "approved", "closed"):
        assert world.submit(batch["id"]).status_code == 200
    if status in ("approved", "closed"):
        assert world.approve(batch["id"]).status_code == 200
    if status == "closed":
        world.pay(world.batch(batch["id"]))
    batch = world.batch(batch["id"])
    assert batch["status"] == status
    return batch


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("preparing", "submit"),
        ("preparing", "approve"),
        ("draft", "approve"),
        ("submitted", "submit"),
        ("approved", "submit"),
        ("approved", "approve"),
        ("closed", "submit"),
        ("closed", "approve"),
    ],
)
def test_submit_and_approve_in_the_wrong_state_are_refused(
    world: World,
    nothing_written: NothingWritten,
    status: str,
    action: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    world.capture(world.provider(), 3_000)
    batch = _batch_in(world, status)
    # The checker may approve anything the maker submitted; the maker may submit.
    user = world.maker if action == "submit" else world.checker

    with nothing_written():
        response = world.post(user, f"{BATCHES}/{batch['id']}/{action}")

    assert error_of(response) == (409, "invalid_state")
    assert response.json()["error"]["message"] == (f"Cannot {action} a batch that is {status}.")
    assert PayoutBatch.objects.get(pk=batch["id"]).status == status
    assert_ledger_ok(CODE)


@pytest.mark.parametrize("role", NOT_FINANCE)
def test_only_finance_officers_prepare_submit_approve_and_export(
    world: World,
    nothing_written: NothingWritten,
    role: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    world.capture(world.provider(), 3_000)
    draft = world.request_batch()
    submitted = _batch_in(world, "submitted")
    approved = _batch_in(world, "approved")
    user = user_with_role(role)

    with nothing_written():
        responses = [
            world.post(user, BATCHES, {"programme": CODE}),
            world.post(user, f"{BATCHES}/{draft['id']}/submit"),
            world.post(user, f"{BATCHES}/{submitted['id']}/approve"),
            world.client(user).get(f"{BATCHES}/{approved['id']}/bank-file"),
        ]

    assert [error_of(response) for response in responses] == [(403, "permission_denied")] * 4
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FINANCE_OFFICER, 200),
        (Role.PROGRAMME_OFFICER, 200),
        (Role.AUDITOR, 200),
        (Role.FIRM_ADMIN, 403),
        (Role.PROVIDER_ADMIN, 403),
        (Role.PROVIDER_MEMBER, 403),
    ],
)
def test_staff_read_batches(world: World, role: str, status: int) -> None:
    provider = world.provider()
    world.capture(provider, 3_000)
    batch = world.request_batch()
    client = world.client(user_with_role(role))

    detail = client.get(f"{BATCHES}/{batch['id']}")
    listing = client.get(BATCHES)

    assert (detail.status_code, listing.status_code) == (status, status)
    if status == 200:
        assert detail.json() == batch
        assert listing.json() == {"next": None, "previous": None, "results": [batch]}
    else:
        assert (
            detail.json()["error"]["code"]
            == listing.json()["error"]["code"]
            == ("permission_denied")
        )


def test_anonymous_callers_are_refused(world: World) -> None:
    world.capture(world.provider(), 3_000)
    batch = world.request_batch()
    from rest_framework.test import APIClient

    client = APIClient()
    responses = [
        client.get(BATCHES),
        client.post(BATCHES, {"programme": CODE}, format="json"),
        client.get(f"{BATCHES}/{batch['id']}"),
        client.post(f"{BATCHES}/{batch['id']}/submit"),
    ]
    assert [error_of(response) for response in responses] == [(401, "not_authenticated")] * 4


def test_a_batch_for_an_unknown_programme_is_a_bad_request(
    world: World,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    with nothing_written():
        unknown = world.post(world.maker, BATCHES, {"programme": "NOPE"})
        empty = world.post(world.maker, BATCHES, {})

    assert error_of(unknown) == (400, "validation_error")
    assert list(unknown.json()["error"]["fields"]) == ["programme"]
    assert error_of(empty) == (400, "validation_error")
    assert list(empty.json()["error"]["fields"]) == ["programme"]
    assert_ledger_ok(CODE)


def test_an_unknown_batch_is_not_found(world: World, nothing_written: NothingWritten) -> None:
    missing = "00000000-0000-0000-0000-000000000001"
    with nothing_written():
        responses = [
            world.client().get(f"{BATCHES}/{missing}"),
            world.post(world.maker, f"{BATCHES}/{missing}/submit"),
            world.post(world.checker, f"{BATCHES}/{missing}/approve"),
            world.client().get(f"{BATCHES}/{missing}/bank-file"),
        ]
    assert [error_of(response) for response in responses] == [(404, "not_found")] * 4


def test_the_batch_list_filters_and_its_query_count_does_not_grow(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    providers = [world.provider() for _ in range(3)]
    for provider in providers:
        world.capture(provider, 1_000)
    first = world.request_batch()  # three payouts
    client = world.client(world.checker)

    with CaptureQueriesContext(connection) as one:
        assert len(client.get(BATCHES).json()["results"]) == 1
    assert world.submit(first["id"]).status_code == 200
    for provider in providers:
        world.capture(provider, 2_000)
    world.request_batch()
    world.request_batch()  # empty
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(BATCHES).json()["results"]) == 3

    assert len(three) == len(one)
    drafts = client.get(BATCHES, {"status": "draft", "programme": CODE}).json()["results"]
    assert sorted(batch["total_fen"] for batch in drafts) == [0, 6_000]
    assert client.get(BATCHES, {"programme": "OTHER"}).json()["results"] == []
    assert client.get(BATCHES, {"status": "submitted"}).json()["results"] == [
        world.batch(first["id"])
    ]
    assert_ledger_ok(CODE)


# --- the bank file -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_the_bank_file_exists_once_the_batch_is_approved(
    world: World,
    nothing_written: NothingWritten,
    status: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    world.capture(world.provider(), 3_000)
    batch = _batch_in(world, status)

    with nothing_written():
        response = world.client().get(f"{BATCHES}/{batch['id']}/bank-file")

    assert error_of(response) == (409, "invalid_state")
    assert_ledger_ok(CODE)


def test_the_bank_file_lists_the_sent_payouts_in_yuan(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    first = world.provider(("compute", "model"))
    second = world.provider()
    world.capture(first, 12_345)
    world.capture(first, 5_000, "model")
    world.capture(second, 6_001)
    world.capture(world.provider(bank=False), 999)  # held: not in the file
    batch = world.settle()

    response = world.client(world.checker).get(f"{BATCHES}/{batch['id']}/bank-file")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (f'attachment; filename="payouts-{batch["id"]}.csv"')
    rows = []
    for admin, amount in ((first, "173.45"), (second, "60.01")):
        payout = Payout.objects.get(batch_id=batch["id"], provider=admin.organisation)
        organisation = admin.organisation
        assert organisation is not None
        rows.append(
            f"{payout.reference},{organisation.name},{organisation.name} account,"
            f"62170000{organisation.credit_code[8:16]},Bank of Shanghai,{amount}"
        )
    assert response.content.decode() == "\n".join(
        ["reference,provider,account_name,account_number,bank_name,amount", *sorted(rows), ""]
    )
    assert_ledger_ok(CODE)


# --- e-mails -------------------------------------------------------------------------------


def test_provider_admins_are_told_when_their_payout_is_sent(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    first = world.provider()
    second_admin = user_with_role(Role.PROVIDER_ADMIN, first.organisation)
    member = user_with_role(Role.PROVIDER_MEMBER, first.organisation)
    second = world.provider()
    world.capture(first, 12_345)
    world.capture(second, 100)
    batch = world.request_batch()
    assert world.submit(batch["id"]).status_code == 200
    assert mail.outbox == []  # nothing is sent before approval

    world.approve(batch["id"])

    messages = {tuple(sorted(message.to)): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert set(messages) == {tuple(sorted([first.email, second_admin.email])), (second.email,)}
    assert member.email not in str([message.to for message in mail.outbox])
    message = messages[tuple(sorted([first.email, second_admin.email]))]
    payout = Payout.objects.get(batch_id=batch["id"], provider=first.organisation)
    assert message.subject == f"Payout {payout.reference} sent: 123.45 yuan"
    assert message.body == (
        f"Payout {payout.reference} of 123.45 yuan has been sent to Bank of Shanghai account "
        f"****{payout.account_number[-4:]}."
    )
    assert message.from_email == "subsidy@localhost"
    assert messages[(second.email,)].subject.endswith("sent: 1.00 yuan")
    assert_ledger_ok(CODE)


def test_the_celery_beat_job_opens_a_batch_a_day(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    from settlement.services import payout_batches_prepare_due

    world.capture(world.provider(), 3_000)
    with world.on_commit(execute=True):
        assert payout_batches_prepare_due() == 1
        assert payout_batches_prepare_due() == 0  # the last one is not a day old
    (batch,) = PayoutBatch.objects.all()
    assert (batch.status, batch.total_fen, batch.prepared_by) == ("draft", 3_000, None)

    time_machine.shift(dt.timedelta(days=1, seconds=1))
    with world.on_commit(execute=True):
        assert payout_batches_prepare_due() == 1
    assert PayoutBatch.objects.count() == 2
    assert_ledger_ok(CODE)


def test_a_batch_whose_task_was_lost_is_prepared_when_beat_resends_it(
    world: World, time_machine: Any, assert_ledger_ok: AssertLedgerOk
) -> None:
    from settlement.services import payout_batch_request, payout_batches_resend_stalled

    world.capture(world.provider(), 3_000)
    with world.on_commit(execute=False):  # the task's message is lost
        batch = payout_batch_request(programme=world.programme, actor=world.maker)
    assert PayoutBatch.objects.get(pk=batch.pk).status == "preparing"

    with world.on_commit(execute=True):
        assert payout_batches_resend_stalled() == 0  # not stalled yet: it may still be queued
    time_machine.shift(dt.timedelta(minutes=31))
    with world.on_commit(execute=True):
        assert payout_batches_resend_stalled() == 1
        assert payout_batches_resend_stalled() == 0  # prepared now: nothing to re-send

    batch.refresh_from_db()
    assert (batch.status, batch.total_fen) == ("draft", 3_000)
    assert Payout.objects.filter(batch=batch).count() == 1
    assert_ledger_ok(CODE)


def test_the_bank_file_of_a_closed_batch_is_still_there(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    world.capture(world.provider(), 3_000)
    batch = _batch_in(world, "closed")

    response = world.client().get(f"{BATCHES}/{batch['id']}/bank-file")

    assert response.status_code == 200
    assert response.content.decode().splitlines()[1].endswith(",Bank of Shanghai,30.00")
    assert_ledger_ok(CODE)


# --- idempotency ---------------------------------------------------------------------------


def test_a_batch_request_with_an_idempotency_key_opens_one_batch(
    world: World,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    world.capture(world.provider(), 3_000)
    client = world.client()

    def request(body: dict[str, str]) -> Any:
        with world.on_commit(execute=True):
            return client.post(BATCHES, body, format="json", HTTP_IDEMPOTENCY_KEY="batch-0310")

    first = request({"programme": CODE})
    with nothing_written():
        again = request({"programme": CODE})
        other = request({"programme": "SZ2025"})

    assert (first.status_code, again.status_code) == (202, 202)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert error_of(other) == (409, "idempotency_key_reused")
    assert PayoutBatch.objects.count() == 1
    assert PayoutBatch.objects.get().total_fen == 3_000
    assert_ledger_ok(CODE)
