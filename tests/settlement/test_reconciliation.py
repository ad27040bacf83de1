"""Bank statements and reconciliation (API.md 6; DESIGN.md 2 step 6), and the programme report
after a full cycle (API.md 2)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Account, Transfer
from settlement.models import BankStatement, Payout, ReconciliationException, StatementLine
from tests.conftest import NothingWritten
from tests.factories import user_with_role
from tests.settlement.conftest import (
    CODE,
    EXCEPTIONS,
    STATEMENTS,
    AssertLedgerOk,
    World,
    account_balance,
    amounts_by_provider,
    error_of,
    paid_line,
    payable_due,
    payout_of,
    pool_available,
    returned_line,
    statement,
)
from vouchers.models import Voucher


@dataclass
class Sent:
    """A settled batch: `first` (compute 12,345 + model 5,000) and `second` (compute 6,001)
    were each sent one payout."""

    batch: dict[str, Any]
    first: User
    second: User

    @property
    def first_payout(self) -> dict[str, Any]:
        return payout_of(self.batch, self.first)

    @property
    def second_payout(self) -> dict[str, Any]:
        return payout_of(self.batch, self.second)


@pytest.fixture
def sent(world: World) -> Sent:
    first = world.provider(("compute", "model"))
    second = world.provider()
    world.capture(first, 12_345)
    world.capture(first, 5_000, "model")
    world.capture(second, 6_001)
    batch = world.settle()
    assert amounts_by_provider(batch) == {
        str(first.organisation_id): (17_345, "sent"),
        str(second.organisation_id): (6_001, "sent"),
    }
    mail.outbox.clear()  # the payout e-mails
    return Sent(batch, first, second)


def _statuses() -> dict[str, str]:
    return dict(Payout.objects.values_list("reference", "status"))


def _exceptions() -> list[tuple[int, str, int, str, str, str]]:
    return [
        (e.line.line_number, e.line.reference, e.line.amount_fen, e.kind, e.message, e.status)
        for e in ReconciliationException.objects.select_related("line").order_by(
            "line__line_number"
        )
    ]


# --- matching ------------------------------------------------------------------------------


def test_a_payment_line_marks_its_payout_paid(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    response = world.upload(statement(paid_line(sent.first_payout), paid_line(sent.second_payout)))

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "lines": 2, "matched": 2, "exceptions": 0}
    batch = world.batch(sent.batch["id"])
    assert batch["status"] == "closed"
    assert {p["status"] for p in batch["payouts"]} == {"paid"}
    assert all(p["paid_at"] is not None and p["returned_at"] is None for p in batch["payouts"])
    clearing, disbursed = account_balance("bank:clearing"), account_balance("disbursed")
    assert (clearing.credits_posted, clearing.debits_posted) == (23_346, 23_346)
    assert (disbursed.credits_posted, disbursed.debits_posted) == (23_346, 0)
    assert sorted(Transfer.objects.filter(kind="payout_paid").values_list("amount", flat=True)) == [
        5_000,
        6_001,
        12_345,
    ]
    assert sorted(
        StatementLine.objects.values_list("line_number", "amount_fen", "outcome", "payout_id")
    ) == [
        (2, -17_345, "paid", Payout.objects.get(reference=sent.first_payout["reference"]).pk),
        (3, -6_001, "paid", Payout.objects.get(reference=sent.second_payout["reference"]).pk),
    ]
    assert ReconciliationException.objects.count() == 0
    assert AuditEvent.objects.get(action="bank_statement.imported").after == {
        "filename": "statement.csv",
        "lines": 2,
        "matched": 2,
        "exceptions": 0,
    }
    assert mail.outbox == []  # nothing to resolve, nobody to tell
    assert_ledger_ok(CODE)


def test_a_batch_is_closed_once_every_payout_is_paid_or_returned(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    assert world.upload(statement(paid_line(sent.first_payout))).status_code == 201
    assert world.batch(sent.batch["id"])["status"] == "approved"  # the second is still sent

    response = world.upload(
        statement(
            paid_line(sent.second_payout, value_date="2026-03-13"),
            returned_line(sent.second_payout),  # paid and returned in one statement
        )
    )

    assert response.json()["matched"] == 2
    batch = world.batch(sent.batch["id"])
    assert batch["status"] == "closed"
    assert amounts_by_provider(batch) == {
        str(sent.first.organisation_id): (17_345, "paid"),
        str(sent.second.organisation_id): (6_001, "returned"),
    }
    assert_ledger_ok(CODE)


def test_a_returned_payment_is_due_again_in_the_next_batch(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    world.pay(sent.batch)

    response = world.upload(statement(returned_line(sent.first_payout)))

    assert response.json() == {
        "id": response.json()["id"],
        "lines": 1,
        "matched": 1,
        "exceptions": 0,
    }
    returned = payout_of(world.batch(sent.batch["id"]), sent.first)
    assert (returned["status"], returned["amount_fen"]) == ("returned", 17_345)
    assert returned["returned_at"] is not None
    assert (payable_due(sent.first), payable_due(sent.first, "model")) == (12_345, 5_000)
    disbursed = account_balance("disbursed")
    assert (disbursed.credits_posted, disbursed.debits_posted) == (23_346, 17_345)

    again = world.settle()

    assert amounts_by_provider(again) == {str(sent.first.organisation_id): (17_345, "sent")}
    assert payout_of(again, sent.first)["reference"] != sent.first_payout["reference"]
    world.pay(again)
    assert (payable_due(sent.first), payable_due(sent.first, "model")) == (0, 0)
    assert account_balance("disbursed").credit_balance == 23_346
    assert_ledger_ok(CODE)


# --- exceptions ----------------------------------------------------------------------------


def test_every_line_that_matches_nothing_is_an_open_exception(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    first, second = sent.first_payout, sent.second_payout
    assert world.upload(statement(paid_line(second)), filename="earlier.csv").status_code == 201
    world.capture(world.provider(), 4_000)
    world.capture(world.provider(bank=False), 3_000)
    draft = world.request_batch()
    pending = next(p for p in draft["payouts"] if p["status"] == "pending")
    held = next(p for p in draft["payouts"] if p["status"] == "held")
    unknown = {"reference": "PO-0000000000", "amount_fen": 100}
    lines = [
        paid_line(unknown),  # 2
        paid_line(first, amount_fen=17_344),  # 3
        paid_line(pending),  # 4
        returned_line(first),  # 5: a return for a payout the bank never paid
        paid_line(second, value_date="2026-03-20"),  # 6: paid already
        paid_line(first, currency="USD"),  # 7
        paid_line(second),  # 8: the very line of the earlier statement
        paid_line(held),  # 9: a held payout was never sent
        paid_line(unknown),  # 10: the same line twice in one file
        returned_line(second, amount_fen=6_000),  # 11
    ]
    before = (_statuses(), Transfer.objects.count())

    response = world.upload(statement(*lines))

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "lines": 10,
        "matched": 0,
        "exceptions": 10,
    }
    exceptions = _exceptions()
    assert [
        (line, reference, amount, kind) for line, reference, amount, kind, *_ in exceptions
    ] == [
        (2, "PO-0000000000", -100, "unknown_reference"),
        (3, first["reference"], -17_344, "amount_mismatch"),
        (4, pending["reference"], -4_000, "payout_not_sent"),
        (5, first["reference"], 17_345, "payout_not_paid"),
        (6, second["reference"], -6_001, "already_settled"),
        (7, first["reference"], -17_345, "currency_mismatch"),
        (8, second["reference"], -6_001, "duplicate_line"),
        (9, held["reference"], -3_000, "unknown_reference"),
        (10, "PO-0000000000", -100, "duplicate_line"),
        (11, second["reference"], 6_000, "amount_mismatch"),
    ]
    assert [message for *_, message, _status in exceptions] == [
        "No payout has reference PO-0000000000.",
        "Paid 17344 fen; the payout is 17345.",
        "The payout has not been sent.",
        "A return for a payout that is sent.",
        "The payout is already paid.",
        "Currency USD, expected CNY.",
        "This line was already imported.",
        f"No payout has reference {held['reference']}.",
        "This line was already imported.",
        "Returned 6000 fen; the payout is 6001.",
    ]
    assert {status for *_, status in exceptions} == {"open"}
    assert (_statuses(), Transfer.objects.count()) == before  # no payout moved, no money
    latest = StatementLine.objects.filter(statement_id=response.json()["id"])
    assert set(latest.values_list("outcome", flat=True)) == {"exception"}
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([world.maker.email, world.checker.email])
    assert message.subject == "Bank statement statement.csv: 10 open exception(s)"
    assert message.body == (
        "The statement had 10 lines: 0 matched and 10 left as open exceptions to resolve."
    )
    assert_ledger_ok(CODE)


# --- the file itself -----------------------------------------------------------------------


def test_a_statement_with_a_byte_order_mark_and_crlf_lines_is_read(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    content = statement(paid_line(sent.first_payout), paid_line(sent.second_payout), bom=True)
    assert content.startswith(b"\xef\xbb\xbfvalue_date,")

    response = world.upload(content.replace(b"\n", b"\r\n"))

    assert response.status_code == 201
    assert (response.json()["matched"], response.json()["exceptions"]) == (2, 0)
    assert world.batch(sent.batch["id"])["status"] == "closed"
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    ("content", "fields"),
    [
        pytest.param(
            "value_date,reference,amount,currency,counterparty_account,description\n"
            "2026-03-12,{first},-173.45,CNY,6217000099,退款\n".encode("gbk"),
            "file",
            id="gbk",
        ),
        pytest.param(
            "value_date,reference,amount,currency,counterparty_account,description\n"
            "2026-03-12,{first},-173.45,CNY,6217000099,Rückzahlung\n".encode("latin-1"),
            "file",
            id="latin-1",
        ),
    ],
)
def test_a_statement_that_is_not_utf8_is_refused_whole(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    content: bytes,
    fields: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    content = content.replace(b"{first}", sent.first_payout["reference"].encode())

    with nothing_written():
        response = world.upload(content)

    assert error_of(response) == (400, "validation_error")
    assert response.json()["error"]["message"] == "The file is not UTF-8."
    assert list(response.json()["error"]["fields"]) == [fields]
    assert (BankStatement.objects.count(), StatementLine.objects.count()) == (0, 0)
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    "header",
    [
        "date,reference,amount,currency,counterparty_account,description",
        "value_date,reference,amount,currency,counterparty_account",
        "reference,value_date,amount,currency,counterparty_account,description",
        "value_date,reference,amount,currency,counterparty_account,description,extra",
        "",
    ],
)
def test_a_statement_with_another_header_is_refused(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    header: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    content = f"{header}\n{paid_line(sent.first_payout)}\n".encode()

    with nothing_written():
        response = world.upload(content)

    assert error_of(response) == (400, "validation_error")
    assert response.json()["error"] == {
        "code": "validation_error",
        "message": (
            "The header must be: "
            "value_date,reference,amount,currency,counterparty_account,description."
        ),
        "fields": {"file": ["Bad header."]},
    }
    assert_ledger_ok(CODE)


def test_an_empty_file_is_refused(
    world: World, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    with nothing_written():
        response = world.upload(b"")

    assert error_of(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["file"]
    assert_ledger_ok(CODE)


def test_malformed_lines_are_named_and_nothing_is_imported(
    world: World, sent: Sent, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    first, second = sent.first_payout, sent.second_payout
    reference = first["reference"]
    lines = [
        paid_line(first),  # 2: fine, but nothing is imported
        f"2026-13-01,{reference},-173.45,CNY,6217000099,Bad month",  # 3
        f"2026-03-12,{reference},-173.451,CNY,6217000099,Three decimals",  # 4
        f"2026-03-12,{reference},-173.45,CNY,6217000099",  # 5
        f"2026-03-12,{reference},0.00,CNY,6217000099,Zero",  # 6
        "2026-03-12,,-173.45,CNY,6217000099,No reference",  # 7
        f"2026-03-12,{reference},-173.45,RMBY,6217000099,Currency",  # 8
        f"2026-03-12,{reference},lots,CNY,6217000099,Not a number",  # 9
        "",  # 10: blank lines are skipped
        paid_line(second),  # 11: fine
    ]

    with nothing_written():
        response = world.upload(statement(*lines))

    assert error_of(response) == (400, "validation_error")
    assert response.json()["error"] == {
        "code": "validation_error",
        "message": "7 line(s) are malformed; nothing was imported.",
        "fields": {
            "lines": {
                "3": "value_date '2026-13-01' is not a date (YYYY-MM-DD).",
                "4": "amount '-173.451' is not a non-zero yuan amount with at most 2 decimals.",
                "5": "Expected 6 columns, found 5.",
                "6": "amount '0.00' is not a non-zero yuan amount with at most 2 decimals.",
                "7": "reference must be 1 to 64 characters.",
                "8": "currency must be 3 letters; counterparty and description are too long.",
                "9": "amount 'lots' is not a non-zero yuan amount with at most 2 decimals.",
            }
        },
    }
    assert (BankStatement.objects.count(), StatementLine.objects.count()) == (0, 0)
    assert {p["status"] for p in world.batch(sent.batch["id"])["payouts"]} == {"sent"}

    # Corrected, the same statement imports: the refused one left nothing behind.
    response = world.upload(statement(paid_line(first), paid_line(second)))
    assert (response.status_code, response.json()["matched"]) == (201, 2)
    assert_ledger_ok(CODE)


def test_the_same_statement_twice_counts_nothing_twice(
    world: World, sent: Sent, nothing_written: NothingWritten, assert_ledger_ok: AssertLedgerOk
) -> None:
    content = statement(
        paid_line(sent.first_payout), paid_line({"reference": "PO-0000000000", "amount_fen": 5})
    )
    first = world.upload(content)
    assert first.status_code == 201
    assert len(mail.outbox) == 1

    with nothing_written():
        again = world.upload(content, filename="renamed.csv")

    assert again.status_code == 200
    assert (
        again.json()
        == first.json()
        == {
            "id": first.json()["id"],
            "lines": 2,
            "matched": 1,
            "exceptions": 1,
        }
    )
    assert BankStatement.objects.count() == 1
    assert Transfer.objects.filter(kind="payout_paid").count() == 2  # the first payout's parts
    assert_ledger_ok(CODE)


def test_an_overlapping_statement_counts_its_old_lines_as_duplicates(
    world: World, sent: Sent, assert_ledger_ok: AssertLedgerOk
) -> None:
    assert world.upload(statement(paid_line(sent.first_payout))).status_code == 201

    response = world.upload(
        statement(paid_line(sent.first_payout), paid_line(sent.second_payout)),
        filename="week.csv",
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "lines": 2,
        "matched": 1,
        "exceptions": 1,
    }
    assert [(e[0], e[3]) for e in _exceptions()] == [(2, "duplicate_line")]
    assert Transfer.objects.filter(kind="payout_paid").count() == 3  # each part paid once
    assert account_balance("disbursed").credits_posted == 23_346
    assert world.batch(sent.batch["id"])["status"] == "closed"
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    "role",
    [Role.FIRM_ADMIN, Role.PROVIDER_ADMIN, Role.PROGRAMME_OFFICER, Role.AUDITOR],
)
def test_only_finance_officers_upload_statements(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    role: str,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    user = user_with_role(role)
    with nothing_written():
        response = world.upload(statement(paid_line(sent.first_payout)), user)

    assert error_of(response) == (403, "permission_denied")
    assert_ledger_ok(CODE)


def test_a_statement_must_be_a_multipart_file(
    world: World,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    with nothing_written():
        as_json = world.post(world.maker, STATEMENTS, {"file": "value_date,reference"})
        no_file = world.post(world.maker, STATEMENTS, {}, format="multipart")

    assert error_of(as_json) == (415, "unsupported_media_type")
    assert error_of(no_file) == (400, "validation_error")
    assert list(no_file.json()["error"]["fields"]) == ["file"]
    assert_ledger_ok(CODE)


# --- resolving exceptions ------------------------------------------------------------------


def _open_exceptions(world: World, sent: Sent, count: int) -> list[dict[str, Any]]:
    lines = [
        paid_line({"reference": f"PO-UNKNOWN{count}X{index}", "amount_fen": 100 + index})
        for index in range(count)
    ]
    assert world.upload(statement(*lines), filename=f"{count}.csv").status_code == 201
    response = world.client().get(EXCEPTIONS, {"status": "open"})
    return list(response.json()["results"])


def test_open_exceptions_are_listed_and_resolved_with_a_note(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    assert world.upload(statement(paid_line(sent.first_payout, amount_fen=1))).status_code == 201
    (mismatch,) = world.client().get(EXCEPTIONS, {"status": "open"}).json()["results"]
    assert mismatch == {
        "id": mismatch["id"],
        "statement": str(BankStatement.objects.get().pk),
        "line_number": 2,
        "reference": sent.first_payout["reference"],
        "amount_fen": -1,
        "kind": "amount_mismatch",
        "message": "Paid 1 fen; the payout is 17345.",
        "status": "open",
        "note": "",
        "created_at": mismatch["created_at"],
        "resolved_at": None,
    }

    resolved = world.post(
        world.checker,
        f"{EXCEPTIONS}/{mismatch['id']}/resolve",
        {"note": "Bank error; corrected on 14 March"},
    )

    assert resolved.status_code == 200
    assert resolved.json() == {
        **mismatch,
        "status": "resolved",
        "note": "Bank error; corrected on 14 March",
        "resolved_at": resolved.json()["resolved_at"],
    }
    assert resolved.json()["resolved_at"] is not None
    exception = ReconciliationException.objects.get(pk=mismatch["id"])
    assert exception.resolved_by == world.checker
    assert world.client().get(EXCEPTIONS, {"status": "open"}).json()["results"] == []
    assert world.client().get(EXCEPTIONS, {"status": "resolved"}).json()["results"] == [
        resolved.json()
    ]
    event = AuditEvent.objects.get(action="reconciliation_exception.resolved")
    assert (event.actor, event.object_id, event.before, event.after) == (
        world.checker,
        mismatch["id"],
        {"status": "open"},
        {"status": "resolved", "note": "Bank error; corrected on 14 March"},
    )

    with nothing_written():
        twice = world.post(world.maker, f"{EXCEPTIONS}/{mismatch['id']}/resolve", {"note": "Again"})
    assert error_of(twice) == (409, "invalid_state")
    assert ReconciliationException.objects.get(pk=mismatch["id"]).note == (
        "Bank error; corrected on 14 March"
    )
    assert_ledger_ok(CODE)


def test_resolving_needs_a_note_a_known_exception_and_a_finance_officer(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    (exception,) = _open_exceptions(world, sent, 1)
    url = f"{EXCEPTIONS}/{exception['id']}/resolve"
    others = [
        user_with_role(role) for role in (Role.AUDITOR, Role.PROGRAMME_OFFICER, Role.PROVIDER_ADMIN)
    ]

    with nothing_written():
        no_note = world.post(world.maker, url, {})
        unknown = world.post(
            world.maker, f"{EXCEPTIONS}/00000000-0000-0000-0000-000000000001/resolve", {"note": "x"}
        )
        refused = [world.post(user, url, {"note": "x"}) for user in others]

    assert error_of(no_note) == (400, "validation_error")
    assert list(no_note.json()["error"]["fields"]) == ["note"]
    assert error_of(unknown) == (404, "not_found")
    assert [error_of(response) for response in refused] == [(403, "permission_denied")] * 3
    assert_ledger_ok(CODE)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FINANCE_OFFICER, 200),
        (Role.AUDITOR, 200),
        (Role.PROGRAMME_OFFICER, 200),
        (Role.FIRM_ADMIN, 403),
        (Role.PROVIDER_ADMIN, 403),
    ],
)
def test_staff_list_exceptions_with_a_steady_query_count(
    world: World,
    sent: Sent,
    role: str,
    status: int,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    client = world.client(user_with_role(role))
    _open_exceptions(world, sent, 1)
    with CaptureQueriesContext(connection) as one:
        response = client.get(EXCEPTIONS, {"status": "open"})
    assert response.status_code == status
    if status != 200:
        assert response.json()["error"]["code"] == "permission_denied"
        assert_ledger_ok(CODE)
        return
    assert len(response.json()["results"]) == 1

    _open_exceptions(world, sent, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(EXCEPTIONS, {"status": "open"})

    assert len(response.json()["results"]) == 5
    assert len(five) == len(one)
    kinds = client.get(EXCEPTIONS, {"kind": "duplicate_line"}).json()["results"]
    assert kinds == []
    assert_ledger_ok(CODE)


# --- the programme report after a full cycle -----------------------------------------------


def _free_voucher_balances(category: str) -> int:
    total = 0
    for voucher in Voucher.objects.filter(programme__code=CODE, category=category).select_related(
        "account"
    ):
        account = voucher.account
        total += account.credits_posted - account.debits_posted - account.debits_pending
    return total


def _payables_balance(category: str) -> int:
    """The posted balance of every provider payable of the category: what they still owe."""
    from ledger import services as ledger

    accounts = list(Account.objects.filter(ledger=CODE, code__endswith=f":payable:{category}"))
    return sum(balance.credit_balance for balance in ledger.balances_of(accounts).values())


def test_the_programme_report_after_a_full_cycle(
    world: World, assert_ledger_ok: AssertLedgerOk
) -> None:
    both = world.provider(("compute", "model"))
    compute = world.provider()
    unbanked = world.provider(("data",), bank=False)
    clawed = world.capture(both, 12_345)
    world.capture(both, 5_000, "model")
    world.capture(compute, 6_001)
    world.capture(unbanked, 2_000, "data")
    world.awaiting(compute, 999)  # held
    first = world.settle()
    # The bank pays both payouts; the compute provider's comes back (account closed).
    response = world.upload(
        statement(
            paid_line(payout_of(first, both)),
            paid_line(payout_of(first, compute)),
            returned_line(payout_of(first, compute)),
        )
    )
    assert response.json()["matched"] == 3
    assert world.claw_back(clawed).status_code == 201  # after it was paid
    second = world.settle()  # the returned payout again; the clawback carries over
    assert amounts_by_provider(second) == {
        str(compute.organisation_id): (6_001, "sent"),
        str(unbanked.organisation_id): (2_000, "held"),
    }
    world.pay(second)
    auditor = world.client(user_with_role(Role.AUDITOR))

    report = auditor.get(f"/api/v1/programmes/{CODE}/report")

    assert report.status_code == 200
    pools = {pool["category"]: pool for pool in report.json()["pools"]}
    budgets = {"compute": 60_000_000_000, "model": 30_000_000_000, "data": 10_000_000_000}
    face = 1_000_000  # every voucher
    assert pools == {
        "compute": {
            "category": "compute",
            "budget_fen": budgets["compute"],
            "committed_fen": 3 * face - 12_345,
            "held_fen": 999,
            "captured_fen": 12_345 + 6_001,
            "sent_fen": 12_345 + 6_001,  # 6,001 sent twice, returned once
            "paid_fen": 12_345 + 6_001,
            "clawed_back_fen": 12_345,
            "available_fen": budgets["compute"] - 3 * face + 12_345,
        },
        "model": {
            "category": "model",
            "budget_fen": budgets["model"],
            "committed_fen": face,
            "held_fen": 0,
            "captured_fen": 5_000,
            "sent_fen": 5_000,
            "paid_fen": 5_000,
            "clawed_back_fen": 0,
            "available_fen": budgets["model"] - face,
        },
        "data": {
            "category": "data",
            "budget_fen": budgets["data"],
            "committed_fen": face,
            "held_fen": 0,
            "captured_fen": 2_000,
            "sent_fen": 0,
            "paid_fen": 0,
            "clawed_back_fen": 0,
            "available_fen": budgets["data"] - face,
        },
    }
    assert {
        p["provider"]: (p["captured_fen"], p["paid_fen"]) for p in report.json()["providers"]
    } == {
        str(both.organisation_id): (17_345, 17_345),
        str(compute.organisation_id): (6_001, 6_001),
        str(unbanked.organisation_id): (2_000, 0),
    }

    # The report equals the sum of its parts.
    clearing, disbursed = account_balance("bank:clearing"), account_balance("disbursed")
    for category, pool in pools.items():
        assert pool["budget_fen"] == pool["committed_fen"] + pool["available_fen"]
        assert pool["available_fen"] == pool_available(category)
        # What the pool committed is held on orders, captured, or still free on vouchers;
        # a clawback gave some of the captured back to the pool.
        assert pool["committed_fen"] == (
            pool["held_fen"]
            + pool["captured_fen"]
            + _free_voucher_balances(category)
            - pool["clawed_back_fen"]
        )
        # What was captured and not clawed back is either still owed or sent.
        assert (
            pool["captured_fen"] - pool["clawed_back_fen"]
            == _payables_balance(category) + pool["sent_fen"]
        )
        assert pool["paid_fen"] <= pool["sent_fen"]
    assert sum(p["sent_fen"] - p["paid_fen"] for p in pools.values()) == clearing.credit_balance
    assert sum(p["paid_fen"] for p in pools.values()) == disbursed.credit_balance
    providers = report.json()["providers"]
    assert sum(p["captured_fen"] for p in providers) == sum(
        p["captured_fen"] for p in pools.values()
    )
    assert sum(p["paid_fen"] for p in providers) == sum(p["paid_fen"] for p in pools.values())
    assert _payables_balance("compute") == -12_345  # the clawback is owed back

    as_csv = auditor.get(f"/api/v1/programmes/{CODE}/report", {"format": "csv"})

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    fields = [
        "category",
        "budget_fen",
        "committed_fen",
        "held_fen",
        "captured_fen",
        "sent_fen",
        "paid_fen",
        "clawed_back_fen",
        "available_fen",
    ]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(fields)
    for pool in report.json()["pools"]:
        writer.writerow([pool[name] for name in fields])
    writer.writerow([])
    writer.writerow(["provider", "name", "captured_fen", "paid_fen"])
    for provider in providers:
        writer.writerow(
            [provider["provider"], provider["name"], provider["captured_fen"], provider["paid_fen"]]
        )
    assert as_csv.content.decode() == expected.getvalue()
    assert [pool["category"] for pool in report.json()["pools"]] == ["compute", "data", "model"]
    assert_ledger_ok(CODE)


def test_only_staff_read_the_report(world: World) -> None:
    for role, status in (
        (Role.FINANCE_OFFICER, 200),
        (Role.PROGRAMME_OFFICER, 200),
        (Role.AUDITOR, 200),
        (Role.FIRM_ADMIN, 403),
        (Role.PROVIDER_ADMIN, 403),
    ):
        response = world.client(user_with_role(role)).get(f"/api/v1/programmes/{CODE}/report")
        assert response.status_code == status, role


def test_a_statement_upload_with_an_idempotency_key_is_replayed(
    world: World,
    sent: Sent,
    nothing_written: NothingWritten,
    assert_ledger_ok: AssertLedgerOk,
) -> None:
    content = statement(paid_line(sent.first_payout))

    def upload() -> Any:
        file = SimpleUploadedFile("statement.csv", content, content_type="text/csv")
        with world.on_commit(execute=True):
            return world.client().post(
                STATEMENTS, {"file": file}, format="multipart", HTTP_IDEMPOTENCY_KEY="stmt-0312"
            )

    first = upload()
    with nothing_written():
        again = upload()

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert StatementLine.objects.count() == 1
    assert_ledger_ok(CODE)
