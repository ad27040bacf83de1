"""The order inbox and order page: what needs action by default, sorting, the query count;
accept (inline with htmx), reject with a reason, deliveries with fapiao numbers and their
refusals, complete; another provider's order is the 404 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.roles import Role
from marketplace.models import Delivery, Order
from tests import factories
from tests.portal.provider_world import ProviderWorld, signed_in

pytestmark = pytest.mark.django_db
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ROW = re.compile(r'<tr id="order-([0-9a-f-]+)">')


def test_the_inbox_shows_what_needs_action_by_default(provider: ProviderWorld) -> None:
    pending = provider.order(1_000)
    accepted = provider.accepted(2_000)
    provider.awaiting(3_000)
    client = signed_in(provider.member)

    body = client.get("/provider/orders?sort=amount").content.decode()
    default = client.get("/provider/orders").content.decode()
    everything = client.get("/provider/orders?status=").content.decode()

    assert ROW.findall(body) == [str(pending.pk), str(accepted.pk)]
    assert set(ROW.findall(default)) == {str(pending.pk), str(accepted.pk)}
    assert len(ROW.findall(everything)) == 3
    assert '<td class="number">¥33.34</td>' in body  # gross of the 1,000 fen subsidy order
    assert '<td class="number">¥10.00</td>' in body
    assert "Waiting for the provider" in body


def test_the_inbox_query_count_does_not_grow_with_its_rows(
    provider: ProviderWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(provider.admin)
    for subsidy in range(1_000, 1_003):
        provider.order(subsidy)
    client.get("/provider/orders")

    with django_assert_num_queries(5) as few:
        assert client.get("/provider/orders").status_code == 200
    for subsidy in range(2_000, 2_030):
        provider.order(subsidy)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get("/provider/orders").content.decode()
    assert "Page 1 of 2" in body


def test_the_order_page_shows_the_money_and_the_actions_by_status(provider: ProviderWorld) -> None:
    order = provider.order(1_000)
    client = signed_in(provider.member)

    body = client.get(f"/provider/orders/{order.pk}").content.decode()

    assert re.search(r"Unit price</th><td class=\"number\">¥33.34</td>", body)
    assert re.search(r"Gross amount</th><td class=\"number\">¥33.34</td>", body)
    assert re.search(
        r"Subsidy \(paid to you by the programme\)</th><td class=\"number\">¥10.00", body
    )
    assert re.search(r"The firm pays you</th><td class=\"number\">¥23.34</td>", body)
    assert "Accept the order" in body
    assert "Reject the order" in body
    assert "Record a delivery" not in body[body.index("Deliveries") :]


def test_accept_inline_with_htmx_answers_the_row(provider: ProviderWorld) -> None:
    order = provider.order(1_000)
    client = signed_in(provider.admin)

    response = client.post(f"/provider/orders/{order.pk}/accept", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith(f'<tr id="order-{order.pk}">')
    assert "The order is accepted." in body
    assert "Record a delivery" in body
    order.refresh_from_db()
    assert order.status == "accepted"


def test_deliver_with_a_fapiao_then_complete(
    provider: ProviderWorld, assert_ledger_ok: Any
) -> None:
    order = provider.accepted(1_000)
    client = signed_in(provider.member)

    delivered = client.post(
        f"/provider/orders/{order.pk}/deliveries",
        {"delivery-quantity": "1", "delivery-invoice_number": "FP-2026-0001"},
    )
    assert delivered.status_code == 302
    page = client.get(f"/provider/orders/{order.pk}").content.decode()
    assert "The delivery is recorded." in page
    assert "<code>FP-2026-0001</code>" in page

    completed = client.post(f"/provider/orders/{order.pk}/complete")

    assert completed.status_code == 302
    order.refresh_from_db()
    assert order.status == "awaiting_confirmation"
    assert (
        "Delivered, awaiting confirmation"
        in client.get(f"/provider/orders/{order.pk}").content.decode()
    )
    assert_ledger_ok()


def test_delivery_refusals_are_shown_and_nothing_written(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    earlier = provider.accepted(1_000)
    order = provider.accepted(2_000)
    client = signed_in(provider.admin)
    client.post(
        f"/provider/orders/{earlier.pk}/deliveries",
        {"delivery-quantity": "1", "delivery-invoice_number": "FP-USED"},
    )
    url = f"/provider/orders/{order.pk}/deliveries"

    with nothing_written():
        reused = client.post(
            url, {"delivery-quantity": "1", "delivery-invoice_number": "FP-USED"}
        ).content.decode()
        reused_zh = client.post(
            url, {"delivery-quantity": "1", "delivery-invoice_number": "FP-USED"}, **ZH
        ).content.decode()
        too_much = client.post(
            url, {"delivery-quantity": "2", "delivery-invoice_number": "FP-NEW"}
        ).content.decode()
        too_fine = client.post(
            url, {"delivery-quantity": "0.0001", "delivery-invoice_number": "FP-NEW"}
        ).content.decode()

    assert "Fapiao FP-USED already justifies another delivery." in reused
    assert "This fapiao number is already used for a delivery." in reused
    assert "发票 FP-USED 已用于另一笔交付。" in reused_zh
    assert "Only 1 remains to be delivered." in too_much
    assert "At most 3 decimal places." in too_fine
    assert Delivery.objects.filter(order=order).count() == 0


def test_reject_needs_a_reason_and_releases_the_subsidy(
    provider: ProviderWorld, nothing_written: Any, assert_ledger_ok: Any
) -> None:
    order = provider.order(1_000)
    client = signed_in(provider.admin)

    with nothing_written():
        empty = client.post(f"/provider/orders/{order.pk}/reject", {"reject-reason": ""})
    assert "This field is required." in empty.content.decode()

    response = client.post(
        f"/provider/orders/{order.pk}/reject", {"reject-reason": "No capacity this month"}
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.reason) == ("rejected", "No capacity this month")
    page = client.get(f"/provider/orders/{order.pk}").content.decode()
    assert "No capacity this month" in page
    assert_ledger_ok()


def test_a_refused_action_is_a_message_and_writes_nothing(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    order = provider.accepted(1_000)
    client = signed_in(provider.admin)

    with nothing_written():
        response = client.post(f"/provider/orders/{order.pk}/complete", follow=True, **ZH)

    assert "未交付任何内容：请改为拒绝该订单。" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED


def test_another_providers_order_is_the_404_page_and_a_firm_is_refused(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    order = provider.order(1_000)
    other = signed_in(factories.user_with_role(Role.PROVIDER_ADMIN))

    with nothing_written():
        assert other.get(f"/provider/orders/{order.pk}").status_code == 404
        assert other.post(f"/provider/orders/{order.pk}/accept").status_code == 404
        rejected = other.post(f"/provider/orders/{order.pk}/reject", {"reject-reason": "x"})
        assert rejected.status_code == 404
    assert str(order.pk) not in other.get("/provider/orders?status=").content.decode()
    firm = signed_in(factories.user_with_role(Role.FIRM_ADMIN))
    assert firm.get(f"/provider/orders/{order.pk}").status_code == 403


def test_posts_without_the_csrf_token_are_refused(provider: ProviderWorld) -> None:
    order = provider.order(1_000)
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.admin)

    assert client.post(f"/provider/orders/{order.pk}/accept").status_code == 403
    order.refresh_from_db()
    assert order.status == "pending_provider"
