"""The partner portal's journeys in headless Chromium, in Chinese and in English: a provider
lists an offering; accepts an order, records a delivery with its fapiao and completes it;
sees its payout once settled. By roles and labels; axe-core finds nothing serious; nothing
comes from another host; a screenshot of each page in each language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from marketplace.models import Offering, Order
from tests.portal.browser import assert_accessible, open_page
from tests.portal.provider_world import ProviderWorld

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's

TEXT = {
    "zh": {
        "email": "邮箱",
        "password": "密码",
        "sign_in": "登录",
        "nav": "主导航",
        "offerings": "产品",
        "list_offering": "上架产品",
        "accreditation": "项目和类别",
        "name": "名称",
        "unit": "计量单位",
        "price": "单价（元）",
        "list_button": "上架该产品",
        "listed": "产品已上架。",
        "orders": "订单",
        "accept": "接受",
        "accepted": "订单已接受。",
        "quantity": "交付数量",
        "fapiao": "发票号码",
        "record": "登记该交付",
        "recorded": "交付已登记。",
        "complete": "完成",
        "completed": "订单已完成：已请企业确认交付。",
        "awaiting": "已交付，待确认",
        "payouts": "结算",
        "paid": "已到账",
        "orders_paid": "本笔结算涵盖的订单",
        "todo": "待办事项",
        "bank": "银行账户",
        "accreditation_nav": "资质",
    },
    "en": {
        "email": "E-mail",
        "password": "Password",
        "sign_in": "Sign in",
        "nav": "Main navigation",
        "offerings": "Offerings",
        "list_offering": "List an offering",
        "accreditation": "Programme and category",
        "name": "Name",
        "unit": "Unit",
        "price": "Price per unit (yuan)",
        "list_button": "List the offering",
        "listed": "The offering is listed.",
        "orders": "Orders",
        "accept": "Accept",
        "accepted": "The order is accepted.",
        "quantity": "Quantity delivered",
        "fapiao": "Fapiao number",
        "record": "Record the delivery",
        "recorded": "The delivery is recorded.",
        "complete": "Complete",
        "completed": "The order is complete: the firm is asked to confirm the delivery.",
        "awaiting": "Delivered, awaiting confirmation",
        "payouts": "Payouts",
        "paid": "Paid",
        "orders_paid": "Orders this payout pays",
        "todo": "What needs doing",
        "bank": "Bank account",
        "accreditation_nav": "Accreditation",
    },
}
languages = pytest.mark.parametrize("lang", ["zh", "en"])


@pytest.fixture
def page_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    pages: list[Any] = []

    def make(lang: str) -> Any:
        page = open_page(browser, live_server, lang)
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.foreign_requests == []
        page.context.close()


def sign_in(page: Any, live_server: Any, lang: str, email: str) -> None:
    t = TEXT[lang]
    page.goto(f"{live_server.url}/")
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"]).click()


def nav(page: Any, lang: str, name: str) -> None:
    menu = page.get_by_role("navigation", name=TEXT[lang]["nav"])
    menu.get_by_role("link", name=name, exact=True).click()


@languages
def test_a_provider_lists_an_offering(
    provider: ProviderWorld,
    page_in: Callable[[str], Any],
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    t = TEXT[lang]
    page = page_in(lang)
    sign_in(page, live_server, lang, provider.admin.email)
    expect(page.get_by_role("heading", level=2, name=t["todo"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-home-{lang}")

    nav(page, lang, t["offerings"])
    page.get_by_role("link", name=t["list_offering"]).click()
    page.get_by_label(t["accreditation"]).select_option("SH2025:compute")
    page.get_by_label(t["name"], exact=True).fill(f"H100 hour {lang}")
    page.get_by_label(t["unit"], exact=True).select_option("gpu_hour")
    page.get_by_label(t["price"]).fill("35.50")
    assert_accessible(page)
    screenshot(page, f"portal-provider-offering-new-{lang}")
    page.get_by_role("button", name=t["list_button"]).click()

    expect(page.get_by_text(t["listed"])).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=f"H100 hour {lang}")).to_be_visible()
    expect(page.get_by_role("cell", name="¥35.50")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-offering-{lang}")
    assert Offering.objects.get(name=f"H100 hour {lang}").unit_price_fen == 3_550

    nav(page, lang, t["offerings"])
    expect(page.get_by_role("link", name=f"H100 hour {lang}")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-offerings-{lang}")


@languages
def test_a_provider_accepts_delivers_with_a_fapiao_and_completes(
    provider: ProviderWorld,
    page_in: Callable[[str], Any],
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    t = TEXT[lang]
    order = provider.order(1_000)
    reference = str(order.pk)[:8]
    page = page_in(lang)
    sign_in(page, live_server, lang, provider.member.email)

    nav(page, lang, t["orders"])
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_role("cell", name="¥10.00")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-orders-{lang}")
    row.get_by_role("button", name=t["accept"]).click()  # htmx: the row is replaced
    expect(page.get_by_text(t["accepted"])).to_be_visible()

    row.get_by_role("link", name=reference).click()
    page.get_by_label(t["quantity"]).fill("1")
    page.get_by_label(t["fapiao"]).fill(f"FP-{lang}-0001")
    assert_accessible(page)
    screenshot(page, f"portal-provider-order-{lang}")
    page.get_by_role("button", name=t["record"]).click()
    expect(page.get_by_text(t["recorded"])).to_be_visible()
    expect(page.get_by_role("cell", name=f"FP-{lang}-0001")).to_be_visible()

    page.get_by_role("button", name=t["complete"], exact=True).click()

    expect(page.get_by_text(t["completed"])).to_be_visible()
    expect(page.get_by_role("main").get_by_text(t["awaiting"], exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-order-completed-{lang}")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_CONFIRMATION


@languages
def test_a_provider_sees_its_payout_once_settled(
    provider: ProviderWorld,
    page_in: Callable[[str], Any],
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
) -> None:
    t = TEXT[lang]
    provider.captured(12_345)
    provider.captured(20_000)
    payout = provider.payout(provider.batch())
    provider.pay(payout)
    provider.accepted(3_000)
    page = page_in(lang)
    sign_in(page, live_server, lang, provider.admin.email)
    assert_accessible(page)
    screenshot(page, f"portal-provider-home-money-{lang}")

    nav(page, lang, t["payouts"])
    row = page.get_by_role("row").filter(has_text=payout.reference)
    expect(row.get_by_role("cell", name="¥323.45")).to_be_visible()
    expect(row.get_by_text(t["paid"], exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-payouts-{lang}")

    row.get_by_role("link", name=payout.reference).click()
    expect(page.get_by_role("heading", level=2, name=t["orders_paid"])).to_be_visible()
    expect(page.get_by_role("cell", name="¥123.45")).to_be_visible()
    expect(page.get_by_role("cell", name="¥200.00")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-provider-payout-{lang}")

    nav(page, lang, t["accreditation_nav"])
    assert_accessible(page)
    screenshot(page, f"portal-provider-accreditation-{lang}")
    nav(page, lang, t["bank"])
    assert_accessible(page)
    screenshot(page, f"portal-provider-bank-account-{lang}")
