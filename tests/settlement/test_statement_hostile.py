"""Statement lines in any form but the contract's (API.md 6: amounts `-1234.50` in ASCII digits,
dates `YYYY-MM-DD`, no control character) are malformed: 400 naming the line, nothing imported.
An exponent amount used to mark a payout paid."""

from __future__ import annotations

from typing import Any

import pytest

from settlement.models import Payout
from tests.conftest import NothingWritten
from tests.settlement.conftest import (
    HEADER,
    World,
    amounts_by_provider,
    error_of,
    paid_line,
    payout_of,
    statement,
)


@pytest.fixture
def payout(world: World) -> dict[str, Any]:
    """One sent payout of 12,345 fen (-123.45 yuan on the statement)."""
    provider = world.provider()
    world.capture(provider, 12_345)
    batch = world.settle()
    assert amounts_by_provider(batch) == {str(provider.organisation_id): (12_345, "sent")}
    return payout_of(batch, provider)


def _line(payout: dict[str, Any], *, date: str = "2026-03-12", amount: str = "-123.45") -> str:
    return f"{date},{payout['reference']},{amount},CNY,6217000099,Subsidy"


@pytest.mark.parametrize(
    "amount",
    [
        "-1.2345e2",  # the payout's amount, in exponent form
        "-12345E-2",
        "-１２３.４５",  # full-width digits
        "-١٢٣.٤٥",  # Arabic-Indic digits
        "-1_23.45",
        '"-123,45"',  # a decimal comma (quoted, so still six columns)
        "-123.450",
        "- 123.45",
        "-Infinity",
        "-123.",
        "-.45",
    ],
)
def test_an_amount_in_another_form_is_a_malformed_line_and_pays_nothing(
    amount: str, world: World, payout: dict[str, Any], nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = world.upload(statement(paid_line(payout), _line(payout, amount=amount)))

    assert error_of(response) == (400, "validation_error")
    (message,) = response.json()["error"]["fields"]["lines"].values()
    assert list(response.json()["error"]["fields"]["lines"]) == ["3"]
    assert message.startswith("amount ")
    assert Payout.objects.get(reference=payout["reference"]).status == "sent"


def test_the_exponent_amount_alone_no_longer_marks_the_payout_paid(
    world: World, payout: dict[str, Any], nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = world.upload(statement(_line(payout, amount="-1.2345E+2")))

    assert error_of(response) == (400, "validation_error")
    assert response.json()["error"]["fields"]["lines"] == {
        "2": "amount '-1.2345E+2' is not a non-zero yuan amount with at most 2 decimals."
    }
    assert Payout.objects.get(reference=payout["reference"]).status == "sent"


@pytest.mark.parametrize(
    "date",
    [
        "20260312",
        "2026-W11-4",
        "2026-071",
        "２０２６-03-12",
        "2026-3-12",
        "2026-03-12T00:00",
        "12/03/2026",
    ],
)
def test_a_date_in_another_form_is_a_malformed_line(
    date: str, world: World, payout: dict[str, Any], nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = world.upload(statement(_line(payout, date=date)))

    assert error_of(response) == (400, "validation_error")
    (message,) = response.json()["error"]["fields"]["lines"].values()
    assert list(response.json()["error"]["fields"]["lines"]) == ["2"]
    assert message.startswith("value_date ")


@pytest.mark.parametrize(
    ("raw_line", "column"),
    [
        ('2026-03-12,{ref},-123.45,CNY,6217000099,"Sub\x00sidy"', "description"),
        ('2026-03-12,{ref},-123.45,CNY,6217000099,"Sub\rsidy"', "description"),
        ('2026-03-12,{ref},-123.45,CNY,6217000099,"Sub\nsidy"', "description"),
        ('2026-03-12,"{ref}\x1b",-123.45,CNY,6217000099,Subsidy', "reference"),
        ('2026-03-12,{ref},-123.45,CNY,"621700\t0099",Subsidy', "counterparty_account"),
        ('2026-03-12,{ref},"-123.45\x85",CNY,6217000099,Subsidy', "amount"),
    ],
)
def test_a_control_character_makes_a_line_malformed(
    raw_line: str,
    column: str,
    world: World,
    payout: dict[str, Any],
    nothing_written: NothingWritten,
) -> None:
    content = f"{HEADER}\n{raw_line.format(ref=payout['reference'])}\n".encode()

    with nothing_written():
        response = world.upload(content)

    assert error_of(response) == (400, "validation_error")
    lines = response.json()["error"]["fields"]["lines"]
    assert len(lines) == 1
    (number, message) = next(iter(lines.items()))
    assert number in {"2", "3"}  # the physical line where the (multi-line) row ends
    assert message == f"{column} holds a control character."
    assert Payout.objects.get(reference=payout["reference"]).status == "sent"


def test_the_contract_forms_still_match(world: World, payout: dict[str, Any]) -> None:
    response = world.upload(statement(_line(payout)))

    assert response.status_code == 201, response.content
    assert response.json()["matched"] == 1
