"""The provider's home: what needs doing and the subsidy by stage, exact, in yuan, with the
12-month table behind the chart; its query count does not grow with the orders."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.portal.provider_world import ProviderWorld, signed_in

pytestmark = pytest.mark.django_db
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def figure(body: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]+)</dd>", body)
    assert match, label
    return match.group(1)


def test_home_counts_what_needs_doing_and_the_money_by_stage(
    provider: ProviderWorld, assert_ledger_ok: Any
) -> None:
    paid = provider.captured(12_345)
    payout = provider.payout(provider.batch())
    provider.pay(payout)
    provider.captured(20_000)
    sent = provider.payout(provider.batch())  # sent, not yet paid
    provider.captured(1_500)
    provider.batch(approve=False)  # in a draft batch
    provider.captured(777)  # captured, in no batch yet
    provider.order(1_000)
    provider.order(2_000)
    provider.accepted(3_000)
    provider.awaiting(4_000)

    body = signed_in(provider.member).get("/").content.decode()

    assert re.search(r'status=pending_provider"><span class="figure">2</span>', body)
    assert re.search(r'status=accepted"><span class="figure">1</span>', body)
    assert re.search(r'status=awaiting_confirmation"><span class="figure">1</span>', body)
    assert re.search(r'status=disputed"><span class="figure">0</span>', body)
    assert figure(body, "Held on open orders") == "¥100.00"
    assert figure(body, "Captured, not yet in a payout") == "¥7.77"
    assert figure(body, "In a payout batch") == "¥15.00"
    assert figure(body, "Sent") == "¥200.00"
    assert figure(body, "Paid") == "¥123.45"
    assert sent.amount_fen == 20_000
    month = paid.resolved_at.astimezone().strftime("%Y-%m") if paid.resolved_at else ""
    row = re.search(rf'<tr data-month="{month}"[^>]*>(.*?)</tr>', body, re.S)
    assert row is not None
    assert re.findall(r'<td class="number">([^<]+)</td>', row.group(1)) == [
        "¥346.22",
        "¥123.45",
    ]
    assert len(re.findall(r"<tr data-month=", body)) == 12
    assert "chart.umd.min.js" in body
    assert_ledger_ok()


def test_home_is_in_chinese_and_loads_the_chart_only_there(provider: ProviderWorld) -> None:
    client = signed_in(provider.admin)

    body = client.get("/", **ZH).content.decode()

    assert "待接受的订单" in body
    assert "chart.umd.min.js" not in client.get("/provider/offerings").content.decode()


def test_home_query_count_does_not_grow_with_the_orders(
    provider: ProviderWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(provider.admin)
    provider.order(1_000)
    client.get("/")  # the session is warm

    with django_assert_num_queries(8) as few:
        assert client.get("/").status_code == 200
    for subsidy in range(1_000, 1_006):
        provider.captured(subsidy)
        provider.order(subsidy)
    provider.payout(provider.batch())

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
