"""Payouts: the list (query count), a payout with the orders it pays, the CSV and XLSX
remittance advice (exact amounts), another provider's payout is the 404 page."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from accounts.roles import Role
from tests import factories
from tests.portal.provider_world import ProviderWorld, signed_in

pytestmark = pytest.mark.django_db


def test_a_payout_shows_the_orders_it_pays_and_no_other(
    provider: ProviderWorld, assert_ledger_ok: Any
) -> None:
    first = provider.captured(12_345)
    earlier = provider.payout(provider.batch())
    second = provider.captured(20_000)
    third = provider.captured(1_500)
    later = provider.payout(provider.batch())
    provider.pay(later)
    provider.captured(999)  # not in any payout yet
    client = signed_in(provider.member)

    listing = client.get("/provider/payouts").content.decode()
    page = client.get(f"/provider/payouts/{later.pk}").content.decode()
    first_page = client.get(f"/provider/payouts/{earlier.pk}").content.decode()

    assert later.reference in listing
    assert earlier.reference in listing
    assert re.search(
        rf"{later.reference}</code></a></td>\s*<td><time[^>]*>[^<]+</time></td>\s*"
        r'<td class="number">¥215.00</td>\s*<td><span class="status status--paid">Paid',
        listing,
    )
    shown = re.findall(r'href="/provider/orders/([0-9a-f-]+)"', page)
    assert shown == [str(second.pk), str(third.pk)]
    assert re.findall(r'href="/provider/orders/([0-9a-f-]+)"', first_page) == [str(first.pk)]
    assert "Payout total" in page
    assert "¥215.00" in page
    assert "Adjustments" not in page
    assert_ledger_ok()


def test_the_remittance_advice_downloads_as_csv_and_xlsx(provider: ProviderWorld) -> None:
    second = provider.captured(20_000)
    third = provider.captured(1_501)
    payout = provider.payout(provider.batch())
    client = signed_in(provider.admin)

    response = client.get(f"/provider/payouts/{payout.pk}/remittance.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="remittance-{payout.reference}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["Payout", "Order"]
    assert [(row[1], row[-1]) for row in rows[1:]] == [
        (str(second.pk), "200.00"),
        (str(third.pk), "15.01"),
        ("Payout total", "215.01"),
    ]

    xlsx = client.get(f"/provider/payouts/{payout.pk}/remittance.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "A2"
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [round(row[-1] * 100) for row in values] == [20_000, 1_501, 21_501]
    assert all(isinstance(row[-1], int | float) for row in values)
    assert sheet.cell(row=2, column=10).number_format == '"¥"#,##0.00'
    gross = round(values[0][7] * 100)
    assert gross == second.gross_fen
    assert client.get(f"/provider/payouts/{payout.pk}/remittance.pdf").status_code == 404


def test_payouts_of_another_provider_are_the_404_page(provider: ProviderWorld) -> None:
    provider.captured(1_000)
    payout = provider.payout(provider.batch())
    other = signed_in(factories.user_with_role(Role.PROVIDER_ADMIN))

    assert other.get(f"/provider/payouts/{payout.pk}").status_code == 404
    assert other.get(f"/provider/payouts/{payout.pk}/remittance.csv").status_code == 404
    assert payout.reference not in other.get("/provider/payouts").content.decode()
    firm = signed_in(factories.user_with_role(Role.FIRM_ADMIN))
    assert firm.get("/provider/payouts").status_code == 403


def test_the_payouts_list_and_page_query_counts_do_not_grow(
    provider: ProviderWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(provider.admin)
    provider.captured(1_000)
    payout = provider.payout(provider.batch())
    client.get("/provider/payouts")

    with django_assert_num_queries(5) as few_list:
        assert client.get("/provider/payouts").status_code == 200
    with django_assert_num_queries(7) as few_page:
        assert client.get(f"/provider/payouts/{payout.pk}").status_code == 200
    for _ in range(3):
        for subsidy in (1_001, 1_002):
            provider.captured(subsidy)
        provider.batch()
    for subsidy in range(1_100, 1_110):
        provider.captured(subsidy)
    big = provider.payout(provider.batch())

    with django_assert_num_queries(len(few_list.captured_queries)):
        assert client.get("/provider/payouts").status_code == 200
    with django_assert_num_queries(len(few_page.captured_queries)):
        body = client.get(f"/provider/payouts/{big.pk}").content.decode()
    assert len(re.findall(r'href="/provider/orders/', body)) == 10
