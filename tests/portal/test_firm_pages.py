"""The firms' pages through Django's client: catalogue, order form and live quote, vouchers and
applications, orders and their actions, affiliations. Exact yuan; another firm's object is
the 404 page; providers are refused; each refusal shows its message and writes nothing; list
pages' query counts do not grow with their rows; POSTs need the CSRF token.

The world (tests/portal/firm_world.py): compute at 30%, "A100 hour" at ¥20.00 per GPU-hour, a
¥1,000.00 compute voucher. Ten hours: gross ¥200.00, subsidy ¥60.00, the firm pays ¥140.00.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from accounts.models import Affiliation, User
from accounts.roles import Role
from marketplace import services as marketplace
from marketplace.models import Order
from programmes.models import BudgetPool
from providers.models import Accreditation
from tests import factories
from tests.conftest import NothingWritten
from tests.portal.firm_world import FirmWorld, firm_world
from vouchers import services as vouchers
from vouchers.models import Voucher, VoucherApplication

pytestmark = pytest.mark.django_db
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}
LedgerOk = Callable[..., None]


@pytest.fixture
def world() -> FirmWorld:
    return firm_world()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def main(response: Any) -> str:
    """The page's <main>, its whitespace collapsed."""
    body = text(response)
    found = re.search(r"<main[^>]*>(.*)</main>", body, re.S)
    return re.sub(r"\s+", " ", found.group(1) if found else body)


def quote_url(
    world: FirmWorld, quantity: str, voucher: Voucher | bool | None = None, **extra: Any
) -> str:
    chosen = world.voucher if voucher is None or voucher is True else voucher
    voucher_id = "" if voucher is False or isinstance(chosen, bool) else chosen.pk
    params = f"quantity={quantity}&voucher={voucher_id}"
    params += "".join(f"&{key}={value}" for key, value in extra.items())
    return f"/catalogue/{world.offering.pk}/quote?{params}"


def place(
    client: Client, world: FirmWorld, quantity: str = "10", language: str = "en", **extra: Any
) -> Any:
    data = {
        "quantity": quantity,
        "voucher": str(world.voucher.pk),
        "expected_unit_price_fen": "2000",
        **extra,
    }
    return client.post(f"/catalogue/{world.offering.pk}/order", data, HTTP_ACCEPT_LANGUAGE=language)


def order_of(world: FirmWorld, quantity: str = "10") -> Order:
    return factories.placed_order(world.offering, world.voucher, quantity)


# --- navigation and who may see the pages ----------------------------------------------------


def test_the_firm_nav_has_the_four_pages_in_order(world: FirmWorld) -> None:
    body = text(signed_in(world.firm_admin).get("/"))

    firm_section = body.split('side-nav__heading">Firm</h2>')[1].split("</ul>")[0]
    links = re.findall(r'<a href="(/[a-z]+)"', firm_section)
    assert links == ["/catalogue", "/vouchers", "/orders", "/team", "/affiliations"]


@pytest.mark.parametrize(
    "path", ["/catalogue", "/vouchers", "/vouchers/applications", "/orders", "/affiliations"]
)
def test_providers_and_staff_get_the_403_page(world: FirmWorld, path: str) -> None:
    for user in (world.provider_admin, world.officer):
        response = signed_in(user).get(path, **ZH)
        assert response.status_code == 403
        assert "<h1>" in text(response)


def test_a_provider_cannot_reach_an_order_or_the_order_form(world: FirmWorld) -> None:
    order = order_of(world)
    provider = signed_in(world.provider_admin)

    assert provider.get(f"/orders/{order.pk}").status_code == 403
    assert provider.get(f"/catalogue/{world.offering.pk}/order").status_code == 403
    assert provider.post(f"/orders/{order.pk}/cancel").status_code == 403
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PROVIDER


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue/{offering}/order",
        "/catalogue/{offering}/quote?quantity=1",
        "/orders/{order}",
        "/vouchers",
        "/orders",
    ],
)
def test_post_without_the_csrf_token_is_refused(world: FirmWorld, path: str) -> None:
    order = order_of(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.firm_admin)
    url = path.format(offering=world.offering.pk, order=order.pk)
    for action in ("", "/cancel", "/confirm", "/dispute") if "{order}" in path else ("",):
        response = client.post(url + action, {"quantity": "1", "reason": "x"})
        assert response.status_code == 403


# --- catalogue -------------------------------------------------------------------------------


def test_catalogue_shows_list_and_subsidised_prices_in_yuan(world: FirmWorld) -> None:
    factories.listed_offering(
        world.provider_admin, world.programme, name="H800 hour", unit_price_fen=3333
    )
    no_voucher = factories.user_with_role(Role.FIRM_MEMBER)

    page = main(signed_in(world.firm_admin).get("/catalogue?sort=price", **EN))
    bare = main(signed_in(no_voucher).get("/catalogue", **EN))

    assert re.search(
        r"A100 hour</td> <td>[^<]+</td> <td>Compute</td> "
        r'<td class="number">¥20.00 per GPU-hour</td> <td class="number">¥14.00 \(30% off\)</td>',
        page,
    )
    # 3333 × 30% = 999.9, rounded down to 999: ¥33.33 − ¥9.99 = ¥23.34
    assert '¥33.33 per GPU-hour</td> <td class="number">¥23.34 (30% off)' in page
    assert page.index("A100 hour") < page.index("H800 hour")  # by price, ascending
    assert "No voucher" in bare
    assert "¥14.00" not in bare


def test_catalogue_filters_searches_and_speaks_chinese(world: FirmWorld) -> None:
    other = factories.accredited_provider_admin(world.programme, ("model",), officer=world.officer)
    factories.listed_offering(
        other,
        world.programme,
        "model",
        unit="million_tokens",
        name="Qwen tokens",
        unit_price_fen=1000,
    )
    client = signed_in(world.firm_admin)

    model_only = main(client.get("/catalogue?category=model", **ZH))
    searched = main(client.get("/catalogue?q=a100", **EN))
    by_provider = main(client.get(f"/catalogue?provider={other.organisation_id}", **EN))

    assert "Qwen tokens" in model_only
    assert "A100 hour" not in model_only
    assert "¥10.00 每 百万词元" in model_only  # no model voucher: no subsidised price
    assert "暂无补贴券" in model_only
    assert "A100 hour" in searched
    assert "Qwen tokens" not in searched
    assert "Qwen tokens" in by_provider
    assert "A100 hour" not in by_provider


def test_catalogue_query_count_does_not_grow_with_its_rows(
    world: FirmWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.firm_admin)
    client.get("/catalogue")
    for n in range(2):
        factories.listed_offering(world.provider_admin, world.programme, name=f"GPU {n}")
    with django_assert_num_queries(6) as few:
        assert client.get("/catalogue").status_code == 200
    for n in range(30):
        factories.listed_offering(world.provider_admin, world.programme, name=f"More GPU {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert "Page 1 of 2" in text(client.get("/catalogue"))


# --- the order form and its live quote -------------------------------------------------------


def test_the_quote_gives_gross_subsidy_and_what_the_firm_pays(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)

    with nothing_written():
        ten = main(client.get(quote_url(world, "10", expected_unit_price_fen=2000)))
        odd = client.get(quote_url(world, "0.333"), HTTP_HX_REQUEST="true", **ZH)
        none = main(client.get(quote_url(world, "10", voucher=False)))

    assert re.search(
        r"Gross</dt><dd>¥200.00</dd>.*Subsidy</dt><dd>¥60.00</dd>.*You pay</dt><dd>¥140.00", ten
    )
    # 0.333 h × ¥20.00 = ¥6.66; 30% is 199.8 fen, rounded down: ¥1.99; the firm pays ¥4.67
    fragment = re.sub(r"\s+", " ", text(odd))
    assert "<html" not in fragment
    assert re.search(
        r"总价</dt><dd>¥6.66</dd>.*补贴</dt><dd>¥1.99</dd>.*您需支付</dt><dd>¥4.67", fragment
    )
    assert re.search(r"Subsidy</dt><dd>¥0.00</dd>.*You pay</dt><dd>¥200.00", none)


def test_the_quote_says_which_rule_would_refuse(
    world: FirmWorld, time_machine: TimeMachineFixture, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)
    model_voucher = factories.issued_voucher(
        world.programme, "model", firm_admin=world.firm_admin, officer=world.officer
    )

    with nothing_written():
        mismatch = main(client.get(quote_url(world, "1", voucher=model_voucher), **ZH))
        decimals = main(client.get(quote_url(world, "1.0001"), **EN))
        changed = main(client.get(quote_url(world, "1", expected_unit_price_fen=1999), **EN))
    assert "这笔订单将被拒绝：" in mismatch
    assert f"补贴券 {model_voucher.code} 适用的类别或项目与此服务不符。" in mismatch
    assert "The quantity has more decimal places than its unit allows." in decimals
    assert "The price has changed since the page was loaded" in changed

    factories.AffiliationFactory(
        organisation=world.firm, credit_code=world.offering.provider.credit_code
    )
    related = main(client.get(quote_url(world, "1"), **EN))
    assert "Your firm and the provider are related parties: the subsidy does not apply." in related
    Affiliation.objects.all().delete()

    Accreditation.objects.update(status=Accreditation.Status.SUSPENDED)
    assert "The provider is not accredited for this category in the programme." in main(
        client.get(quote_url(world, "1"), **EN)
    )
    Accreditation.objects.update(status=Accreditation.Status.ACTIVE)

    BudgetPool.objects.filter(category="compute").update(firm_cap_fen=6000)
    order_of(world, "10")  # holds ¥60.00: the whole cap
    assert "Your firm has used all of its" in main(client.get(quote_url(world, "1"), **EN))
    BudgetPool.objects.filter(category="compute").update(firm_cap_fen=500_000_000)

    time_machine.move_to(world.voucher.valid_until + dt.timedelta(seconds=1))
    client = signed_in(world.firm_admin)  # the session of a year ago has lapsed
    expired = main(client.get(quote_url(world, "1"), **EN))
    day = world.voucher.valid_until.date().isoformat()
    assert f"Voucher {world.voucher.code} expired on {day}." in expired


def test_placing_goes_to_the_order_page_and_holds_the_subsidy(
    world: FirmWorld, assert_ledger_ok: LedgerOk
) -> None:
    response = place(signed_in(world.firm_admin), world, "10")

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}"
    assert (order.gross_fen, order.subsidy_fen, order.firm_pays_fen) == (20000, 6000, 14000)
    assert_ledger_ok(world.programme.code)


def test_a_changed_price_is_refused_and_the_new_price_shown(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    marketplace.offering_update(
        actor=world.provider_admin, offering=world.offering, unit_price_fen=2500
    )
    client = signed_in(world.firm_admin)

    with nothing_written():
        response = place(client, world, "10", language="zh-hans")

    page = main(response)
    assert response.status_code == 200
    assert "价格在页面加载后已变更，现显示新价格。" in page
    assert "¥25.00 每 GPU 小时" in page
    assert 'name="expected_unit_price_fen" value="2500"' in page
    assert "2500" not in page.split("form-errors")[1].split("</div>")[0]  # no raw fen


def test_order_refusals_show_on_the_form_and_write_nothing(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)
    model = factories.issued_voucher(
        world.programme, "model", firm_admin=world.firm_admin, officer=world.officer
    )

    with nothing_written():
        mismatch = main(place(client, world, "10", language="en", voucher=str(model.pk)))
        zero = main(place(client, world, "0", language="en"))

    assert "This could not be done:" in mismatch
    assert f"Voucher {model.code} is for another category or programme" in mismatch
    assert "Ensure this value is greater than or equal to" in zero


def test_another_firms_voucher_cannot_be_named(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    theirs = firm_world()
    client = signed_in(world.firm_admin)

    with nothing_written():
        response = place(client, world, "10", voucher=str(theirs.voucher.pk))

    assert "Select a valid choice" in main(response)


# --- vouchers and applications ---------------------------------------------------------------


def test_vouchers_page_shows_available_held_used_and_the_caps(
    world: FirmWorld, assert_ledger_ok: LedgerOk
) -> None:
    order = order_of(world, "10")  # holds ¥60.00
    done = order_of(world, "5")  # ¥30.00, delivered 4 of 5 and confirmed: ¥24.00 used
    factories.delivered_order(done, world.provider_admin, "4")
    marketplace.order_confirm(actor=world.firm_admin, order_id=done.pk)

    page = main(signed_in(world.firm_admin).get("/vouchers", **EN))

    assert re.search(
        rf"{world.voucher.code}</th> <td>Compute</td> <td class=\"number\">¥1,000.00</td> "
        r'<td class="number">¥916.00</td> <td class="number">¥60.00</td> '
        r'<td class="number">¥24.00</td> <td class="number">30%</td>',
        page,
    )
    assert re.search(
        r"Shanghai AI Vouchers</td> <td>Compute</td> <td>\d{4}</td> "
        r'<td class="number">¥5,000,000.00</td> <td class="number">¥84.00</td> '
        r'<td class="number">¥4,999,916.00</td>',
        page,
    )
    assert order.status == Order.Status.PENDING_PROVIDER
    assert_ledger_ok(world.programme.code)


def test_vouchers_page_query_count_does_not_grow_with_its_rows(
    world: FirmWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.firm_admin)
    client.get("/vouchers")
    with django_assert_num_queries(7) as few:
        client.get("/vouchers")
    for _ in range(25):
        factories.issued_voucher(
            world.programme, requested_fen=100, firm_admin=world.firm_admin, officer=world.officer
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert "Page 1 of 2" in text(client.get("/vouchers"))


def test_an_admin_applies_in_yuan_and_follows_the_application(world: FirmWorld) -> None:
    client = signed_in(world.firm_admin)

    response = client.post(
        "/vouchers/applications",
        {
            "programme": world.programme.code,
            "category": "model",
            "amount": "1234.56",
            "justification": "Fine-tuning a model",
        },
    )

    assert response.status_code == 302
    application = VoucherApplication.objects.get(category="model")
    assert (application.requested_fen, application.status) == (123456, "pending")
    vouchers.voucher_application_reject(
        application=application, reason="Budget spent", actor=world.officer
    )
    page = main(client.get("/vouchers/applications?status=rejected", **ZH))
    assert re.search(r"模型接口</td> <td class=\"number\">¥1,234.56</td> <td>已拒绝</td>", page)
    assert "Budget spent" in page
    approved = main(client.get("/vouchers/applications?status=approved", **EN))
    assert (
        '¥1,000.00</td> <td>Approved</td> <td class="number">¥1,000.00</td> '
        f"<td>{world.voucher.code}</td>" in approved
    )


def test_application_refusals_show_and_write_nothing(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)
    base = {"programme": world.programme.code, "category": "compute", "justification": "GPUs"}

    with nothing_written():
        fraction = main(client.post("/vouchers/applications", {**base, "amount": "10.005"}, **ZH))
        over_cap = main(
            client.post("/vouchers/applications", {**base, "amount": "5000000.01"}, **EN)
        )
        no_pool = main(
            client.post(
                "/vouchers/applications", {**base, "category": "data", "amount": "10"}, **EN
            )
        )

    assert "金额最多精确到分（两位小数）。" in fraction
    assert "The amount is more than the yearly cap per firm in this category." in over_cap
    assert "500000000" not in over_cap  # no raw fen
    assert "The programme has no budget in this category." in no_pool


def test_a_member_sees_applications_but_no_form(world: FirmWorld) -> None:
    member = factories.user_with_role(Role.FIRM_MEMBER, world.firm)
    client = signed_in(member)

    assert "Apply for a voucher" not in main(client.get("/vouchers/applications"))
    response = client.post(
        "/vouchers/applications",
        {
            "programme": world.programme.code,
            "category": "compute",
            "amount": "1",
            "justification": "x",
        },
    )
    assert response.status_code == 302
    assert VoucherApplication.objects.count() == 1
    assert "Only a firm administrator may apply." in main(client.get("/vouchers/applications"))


def test_applications_query_count_does_not_grow_with_its_rows(
    world: FirmWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.firm_admin)
    client.get("/vouchers/applications")
    with django_assert_num_queries(8) as few:
        client.get("/vouchers/applications")
    for _ in range(25):
        vouchers.voucher_application_submit(
            actor=world.firm_admin,
            programme=world.programme,
            category="compute",
            requested_fen=100,
            justification="x",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert "Page 1 of 2" in text(client.get("/vouchers/applications"))


# --- orders ----------------------------------------------------------------------------------


def test_orders_list_filters_sorts_and_counts_queries(
    world: FirmWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.firm_admin)
    first = order_of(world, "10")
    marketplace.order_cancel(actor=world.firm_admin, order_id=first.pk)
    order_of(world, "1")
    client.get("/orders")

    with django_assert_num_queries(5) as few:
        page = main(client.get("/orders?status=pending_provider", **EN))
    queries = len(few.captured_queries)  # before the next request resets the log
    assert (
        '¥20.00</td> <td class="number">¥6.00</td> <td class="number">¥14.00</td> '
        "<td>Waiting for the provider" in page
    )
    assert "<td>Cancelled" not in page
    assert "¥200.00" in main(client.get("/orders?status=cancelled", **EN))
    by_gross = main(client.get("/orders?sort=-gross", **EN))
    assert by_gross.index("¥200.00") < by_gross.index("¥20.00<")

    for _ in range(25):
        order_of(world, "1")
    with django_assert_num_queries(queries):
        assert "Page 1 of 2" in text(client.get("/orders?status=pending_provider"))


def test_the_order_page_shows_money_deliveries_and_fapiao(world: FirmWorld) -> None:
    order = factories.delivered_order(order_of(world, "10"), world.provider_admin, "10")

    page = main(signed_in(world.firm_admin).get(f"/orders/{order.pk}", **ZH))

    assert "已交付，待确认" in page
    assert "<dt>总价</dt><dd>¥200.00</dd>" in page
    assert "<dt>补贴</dt><dd>¥60.00</dd>" in page
    assert "<dt>您需支付</dt><dd>¥140.00</dd>" in page
    assert f"FP-{str(order.pk)[:8]}" in page
    assert "确认交付" in page
    assert "对交付提出争议" in page
    assert "取消订单" not in page


def test_another_firms_order_is_the_404_page(world: FirmWorld) -> None:
    theirs = firm_world()
    their_order = order_of(theirs)
    client = signed_in(world.firm_admin)

    for path in ("", "/cancel", "/confirm", "/dispute"):
        method = client.get if not path else client.post
        response = method(f"/orders/{their_order.pk}{path}", **ZH)
        assert response.status_code == 404
        assert "<h1>未找到</h1>" in text(response)
    assert client.get(f"/catalogue/{their_order.pk}/order").status_code == 404  # not an offering
    assert Order.objects.get(pk=their_order.pk).status == Order.Status.PENDING_PROVIDER


def test_cancel_confirm_and_dispute(world: FirmWorld, assert_ledger_ok: LedgerOk) -> None:
    client = signed_in(world.firm_admin)
    pending = order_of(world, "1")
    to_confirm = factories.delivered_order(order_of(world, "10"), world.provider_admin, "5")
    to_dispute = factories.delivered_order(order_of(world, "2"), world.provider_admin, "2")

    cancelled = client.post(f"/orders/{pending.pk}/cancel", **EN)
    confirmed = client.post(f"/orders/{to_confirm.pk}/confirm", **EN)
    disputed = client.post(f"/orders/{to_dispute.pk}/dispute", {"reason": "Half the GPUs idle"})

    assert [r.status_code for r in (cancelled, confirmed, disputed)] == [302, 302, 302]
    statuses = {o.pk: (o.status, o.captured_subsidy_fen, o.reason) for o in Order.objects.all()}
    assert statuses[pending.pk][0] == Order.Status.CANCELLED
    assert statuses[to_confirm.pk][:2] == (Order.Status.COMPLETED, 3000)  # half of ¥60.00
    assert statuses[to_dispute.pk] == (Order.Status.DISPUTED, None, "Half the GPUs idle")
    page = main(client.get(f"/orders/{to_confirm.pk}", **EN))
    assert "Delivery confirmed: the order is completed." in page
    assert "<dt>Subsidy paid</dt><dd>¥30.00</dd>" in page
    assert_ledger_ok(world.programme.code)


def test_action_refusals_show_and_write_nothing(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)
    pending = order_of(world, "1")
    delivered = factories.delivered_order(order_of(world, "2"), world.provider_admin, "2")

    with nothing_written():
        confirm_early = client.post(f"/orders/{pending.pk}/confirm", **EN)
        page = main(client.get(f"/orders/{pending.pk}", **EN))
        no_reason = client.post(f"/orders/{delivered.pk}/dispute", {"reason": ""}, **ZH)

    assert confirm_early.status_code == 302
    assert "The order&#x27;s status no longer allows this; reload the page." in page
    assert no_reason.status_code == 200
    assert "该字段是必填项。" in main(no_reason)


# --- affiliations ----------------------------------------------------------------------------


def test_an_admin_declares_an_affiliation_and_refusals_write_nothing(
    world: FirmWorld, nothing_written: NothingWritten
) -> None:
    client = signed_in(world.firm_admin)
    code = factories.credit_code()

    response = client.post(
        "/affiliations", {"credit_code": code, "relation": "shareholder", "share": "12.5"}
    )

    assert response.status_code == 302
    affiliation = Affiliation.objects.get(organisation=world.firm)
    assert (affiliation.credit_code, affiliation.share_bps) == (code, 1250)
    page = main(client.get("/affiliations", **ZH))
    assert re.search(rf"{code}</code></td> <td>股东</td> <td class=\"number\">12.5%</td>", page)

    with nothing_written():
        again = main(client.post("/affiliations", {"credit_code": code, "relation": "other"}, **EN))
        own = main(
            client.post(
                "/affiliations", {"credit_code": world.firm.credit_code, "relation": "other"}, **ZH
            )
        )
    assert "This affiliation is already declared." in again
    assert "您的机构不能将自己申报为关联方。" in own


def test_a_member_sees_affiliations_but_cannot_declare(world: FirmWorld) -> None:
    member = factories.user_with_role(Role.FIRM_MEMBER, world.firm)
    client = signed_in(member)

    assert "Declare an affiliation" not in main(client.get("/affiliations"))
    client.post("/affiliations", {"credit_code": factories.credit_code(), "relation": "other"})
    assert Affiliation.objects.count() == 0


def test_affiliations_query_count_does_not_grow_with_its_rows(
    world: FirmWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.firm_admin)
    factories.AffiliationFactory(organisation=world.firm)
    client.get("/affiliations")
    with django_assert_num_queries(5) as few:
        client.get("/affiliations")
    for _ in range(25):
        factories.AffiliationFactory(organisation=world.firm)
    with django_assert_num_queries(len(few.captured_queries)):
        assert "Page 1 of 2" in text(client.get("/affiliations"))


def test_a_quantity_is_decimal_not_float() -> None:
    from portal.templatetags.portal import percent, quantity

    assert quantity(Decimal("10.500000")) == "10.5"
    assert quantity(Decimal("10.000000")) == "10"
    assert (percent(3000), percent(1250), percent(5)) == ("30%", "12.5%", "0.05%")
