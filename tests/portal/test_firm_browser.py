"""The firm's journey in headless Chromium, in Chinese and in English: apply for a voucher (an
officer approves it through the service), browse the catalogue, order with the live quote
(the subsidy follows the quantity), see a refusal explained, place a good order, and confirm
a delivered order; declare an affiliation. By roles and labels, from the keyboard where a
person would type; axe-core finds nothing serious on any page; nothing leaves the test
server; screenshots of each page in both languages go to screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from marketplace.models import Order
from tests import factories
from tests.portal.browser import assert_accessible, open_page
from tests.portal.firm_world import firm_world
from vouchers import services as vouchers
from vouchers.models import VoucherApplication

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-passphrase-1"

TEXT = {
    "zh": {
        "email": "邮箱",
        "password": "密码",
        "sign_in": "登录",
        "nav": "主导航",
        "catalogue": "服务目录",
        "vouchers": "补贴券",
        "applications": "申请",
        "orders": "订单",
        "affiliations": "关联方",
        "programme": "项目",
        "category": "类别",
        "amount": "申请金额（元）",
        "justification": "补贴用途",
        "apply": "提交申请",
        "submitted": "您的申请已提交，等待审核。",
        "under_review": "审核中",
        "approved": "已批准",
        "order_a100": "订购 A100 hour",
        "quantity": "数量",
        "voucher": "补贴券",
        "subsidy": "补贴",
        "you_pay": "您需支付",
        "refused": "这笔订单将被拒绝：",
        "mismatch": "适用的类别或项目与此服务不符。",
        "place": "提交订单",
        "placed": "您的订单已提交。",
        "waiting": "等待服务商接单",
        "to_confirm": "已交付，待确认",
        "confirm": "确认交付",
        "confirmed": "已确认交付，订单已完成。",
        "completed": "已完成",
        "credit_code": "关联方的统一社会信用代码",
        "relation": "关系",
        "declare": "申报",
        "shareholder": "股东",
    },
    "en": {
        "email": "E-mail",
        "password": "Password",
        "sign_in": "Sign in",
        "nav": "Main navigation",
        "catalogue": "Catalogue",
        "vouchers": "Vouchers",
        "applications": "Applications",
        "orders": "Orders",
        "affiliations": "Affiliations",
        "programme": "Programme",
        "category": "Category",
        "amount": "Amount asked for (yuan)",
        "justification": "What the subsidy is for",
        "apply": "Apply",
        "submitted": "Your application is submitted for review.",
        "under_review": "Under review",
        "approved": "Approved",
        "order_a100": "Order A100 hour",
        "quantity": "Quantity",
        "voucher": "Voucher",
        "subsidy": "Subsidy",
        "you_pay": "You pay",
        "refused": "This order would be refused:",
        "mismatch": "is for another category or programme than this offering.",
        "place": "Place the order",
        "placed": "Your order is placed.",
        "waiting": "Waiting for the provider",
        "to_confirm": "Delivered, awaiting confirmation",
        "confirm": "Confirm the delivery",
        "confirmed": "Delivery confirmed: the order is completed.",
        "completed": "Completed",
        "credit_code": "Unified social credit code of the related party",
        "relation": "Relation",
        "declare": "Declare",
        "shareholder": "Shareholder",
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


def quote_figure(page: Any, name: str) -> Any:
    """The amount the quote shows for `name` (Subsidy, You pay...)."""
    return page.locator("#quote dt", has_text=name).locator("xpath=following-sibling::dd")


@languages
def test_a_firm_applies_orders_with_the_live_quote_and_confirms(
    page_in: Callable[[str], Any],
    live_server: Any,
    screenshot: Callable[..., Path],
    lang: str,
    assert_ledger_ok: Callable[..., None],
) -> None:
    t = TEXT[lang]
    world = firm_world()
    world.firm_admin.set_password(PASSWORD)
    world.firm_admin.save(update_fields=["password"])
    # Delivered in set-up through the services: the firm confirms it at the end.
    delivered = factories.delivered_order(
        factories.placed_order(world.offering, world.voucher, "5"), world.provider_admin, "5"
    )
    page = page_in(lang)
    nav = page.get_by_role("navigation", name=t["nav"])

    page.goto(f"{live_server.url}/")
    page.get_by_label(t["email"]).fill(world.firm_admin.email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"]).click()

    # 1. Apply for a model-tokens voucher, from the keyboard.
    nav.get_by_role("link", name=t["vouchers"], exact=True).click()
    page.get_by_role("link", name=t["applications"], exact=True).click()
    form = page.get_by_role("region", name="申请补贴券" if lang == "zh" else "Apply for a voucher")
    form.get_by_label(t["programme"]).focus()
    page.keyboard.press("Tab")
    expect(form.get_by_label(t["category"])).to_be_focused()
    form.get_by_label(t["category"]).select_option("model")
    page.keyboard.press("Tab")
    expect(form.get_by_label(t["amount"])).to_be_focused()
    page.keyboard.type("500.50")
    page.keyboard.press("Tab")
    page.keyboard.type("Fine-tuning a customer-service model")
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name=t["apply"])).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(t["submitted"])).to_be_visible()
    row = page.get_by_role("row").filter(has_text="¥500.50")
    expect(row.get_by_role("cell", name=t["under_review"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-applications-{lang}")

    application = VoucherApplication.objects.get(category="model")
    assert application.requested_fen == 50050
    model_voucher = vouchers.voucher_issue(
        application=application, approved_fen=40000, actor=world.officer
    )
    page.reload()
    approved = page.get_by_role("row").filter(has_text=model_voucher.code)
    expect(approved.get_by_role("cell", name=t["approved"], exact=True)).to_be_visible()
    expect(approved.get_by_role("cell", name="¥400.00")).to_be_visible()

    page.get_by_role("link", name="Your vouchers" if lang == "en" else "您的补贴券").click()
    compute = page.get_by_role("row").filter(has_text=world.voucher.code)
    # ¥1,000.00, of which the delivered order's ¥30.00 is held until it is confirmed.
    expect(compute.get_by_role("cell", name="¥970.00")).to_be_visible()
    expect(compute.get_by_role("cell", name="¥30.00")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-vouchers-{lang}")

    # 2. The catalogue, with the price under the voucher.
    nav.get_by_role("link", name=t["catalogue"]).click()
    offering_row = page.get_by_role("row").filter(has_text="A100 hour")
    expect(offering_row.get_by_text("¥14.00")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-catalogue-{lang}")

    # 3. The live quote follows the quantity typed.
    page.get_by_role("link", name=t["order_a100"]).click()
    expect(page.get_by_role("heading", level=1, name=t["order_a100"])).to_be_visible()
    quantity = page.get_by_label(t["quantity"])
    quantity.fill("")
    quantity.press_sequentially("10", delay=20)
    expect(quote_figure(page, t["subsidy"])).to_have_text("¥60.00")
    expect(quote_figure(page, t["you_pay"])).to_have_text("¥140.00")
    quantity.press_sequentially("0", delay=20)  # 100 hours
    expect(quote_figure(page, t["subsidy"])).to_have_text("¥600.00")
    expect(quote_figure(page, t["you_pay"])).to_have_text("¥1,400.00")
    assert_accessible(page)
    screenshot(page, f"portal-firm-order-quote-{lang}")

    # 4. A refusal explained before placing: the model voucher is for another category.
    page.get_by_label(t["voucher"]).select_option(str(model_voucher.pk))
    expect(page.get_by_text(t["refused"])).to_be_visible()
    expect(page.locator("#quote").get_by_text(t["mismatch"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-order-refused-{lang}")

    # 5. The right voucher, ten hours, placed from the keyboard.
    page.get_by_label(t["voucher"]).select_option(str(world.voucher.pk))
    quantity.fill("10")
    expect(quote_figure(page, t["subsidy"])).to_have_text("¥60.00")
    quantity.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(t["placed"])).to_be_visible()
    expect(page.get_by_text(t["waiting"])).to_be_visible()
    expect(page.locator("dd", has_text="¥140.00")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-order-placed-{lang}")

    # 6. Orders: confirm the delivered one.
    nav.get_by_role("link", name=t["orders"], exact=True).click()
    expect(page.get_by_role("cell", name=t["to_confirm"])).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-orders-{lang}")
    page.get_by_role("row").filter(has_text=t["to_confirm"]).get_by_role("link").click()
    expect(page.get_by_role("cell", name=f"FP-{str(delivered.pk)[:8]}")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-order-to-confirm-{lang}")
    page.get_by_role("button", name=t["confirm"]).click()
    expect(page.get_by_text(t["confirmed"])).to_be_visible()
    expect(page.locator("dd", has_text=t["completed"])).to_be_visible()
    assert Order.objects.get(pk=delivered.pk).status == Order.Status.COMPLETED
    assert_ledger_ok(world.programme.code)


@languages
def test_a_firm_admin_declares_an_affiliation_from_the_keyboard(
    page_in: Callable[[str], Any], live_server: Any, screenshot: Callable[..., Path], lang: str
) -> None:
    t = TEXT[lang]
    world = firm_world()
    world.firm_admin.set_password(PASSWORD)
    world.firm_admin.save(update_fields=["password"])
    code = factories.credit_code()
    page = page_in(lang)
    page.goto(f"{live_server.url}/")
    page.get_by_label(t["email"]).fill(world.firm_admin.email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["sign_in"]).click()
    page.get_by_role("navigation", name=t["nav"]).get_by_role(
        "link", name=t["affiliations"]
    ).click()

    form = page.get_by_role(
        "region", name="申报关联方" if lang == "zh" else "Declare an affiliation"
    )
    form.get_by_label(t["credit_code"]).focus()
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    expect(form.get_by_label(t["relation"])).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name=t["declare"], exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    row = page.get_by_role("row").filter(has_text=code)
    expect(row.get_by_role("cell", name=t["shareholder"])).to_be_visible()
    expect(row.get_by_role("cell", name="30%")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"portal-firm-affiliations-{lang}")
