"""Offerings: the list (sorted, filtered, query count), create in accredited categories only,
edit with the price history, archive with a confirm step; another provider's is the 404 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.roles import Role
from marketplace.models import Offering, OfferingPrice
from tests import factories
from tests.portal.provider_world import ProviderWorld, signed_in

pytestmark = pytest.mark.django_db
ZH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def offering(provider: ProviderWorld, name: str = "A100 hour", price: int = 2_000) -> Offering:
    return factories.listed_offering(
        provider.admin, provider.world.programme, unit_price_fen=price, name=name
    )


def test_the_list_shows_prices_in_yuan_sorted_and_filtered(provider: ProviderWorld) -> None:
    offering(provider, "B200 hour", 123_456)
    offering(provider, "A100 hour", 2_000)
    archived = offering(provider, "V100 hour", 900)
    from marketplace import services

    services.offering_archive(actor=provider.admin, offering=archived)
    client = signed_in(provider.member)

    body = client.get("/provider/offerings?sort=-price").content.decode()
    names = re.findall(r'<a href="/provider/offerings/[0-9a-f-]+">([^<]+)</a>', body)
    assert names == ["B200 hour", "A100 hour", "V100 hour"]
    assert '<td class="number">¥1,234.56</td>' in body
    assert "Archived" in body
    listed = client.get("/provider/offerings?status=active").content.decode()
    assert "V100 hour" not in listed


def test_the_list_query_count_does_not_grow_with_its_rows(
    provider: ProviderWorld, django_assert_num_queries: Any
) -> None:
    client = signed_in(provider.admin)
    for n in range(3):
        offering(provider, f"few {n}")
    client.get("/provider/offerings")

    with django_assert_num_queries(5) as few:
        assert client.get("/provider/offerings").status_code == 200
    for n in range(30):
        offering(provider, f"many {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get("/provider/offerings").content.decode()
    assert "Page 1 of 2" in body


def test_create_offers_only_accredited_categories_and_lists_the_offering(
    provider: ProviderWorld,
) -> None:
    client = signed_in(provider.member)

    form = client.get("/provider/offerings/new").content.decode()
    select = form[form.index('id="id_accreditation"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="([^"]+)"', select) == ["SH2025:compute"]
    assert "SH2025:model" not in form

    response = client.post(
        "/provider/offerings/new",
        {
            "accreditation": "SH2025:compute",
            "name": "H100 hour",
            "unit": "gpu_hour",
            "unit_price_fen": "35.50",
            "description": "",
        },
    )

    created = Offering.objects.get(name="H100 hour")
    assert response.status_code == 302
    assert response["Location"] == f"/provider/offerings/{created.pk}"
    assert (created.unit_price_fen, created.category, created.provider_id) == (
        3_550,
        "compute",
        provider.admin.organisation_id,
    )
    page = client.get(response["Location"]).content.decode()
    assert "The offering is listed." in page
    assert "¥35.50" in page


def test_a_category_without_accreditation_is_refused_and_nothing_written(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    client = signed_in(provider.admin)
    data = {
        "accreditation": "SH2025:model",
        "name": "Token pack",
        "unit": "million_tokens",
        "unit_price_fen": "10",
    }

    with nothing_written():
        english = client.post("/provider/offerings/new", data).content.decode()
        chinese = client.post("/provider/offerings/new", data, **ZH).content.decode()
        bad_price = client.post(
            "/provider/offerings/new", {**data, "unit_price_fen": "1.005"}
        ).content.decode()

    assert "Your organisation is not accredited for this category in this programme." in english
    assert "贵机构未获得该项目中此类别的资质。" in chinese
    assert "Enter an amount in yuan, such as 12.50." in bad_price


def test_a_new_price_starts_a_dated_price_row_shown_in_the_history(
    provider: ProviderWorld,
) -> None:
    listed = offering(provider, price=2_000)
    client = signed_in(provider.admin)

    response = client.post(
        f"/provider/offerings/{listed.pk}",
        {"name": listed.name, "unit_price_fen": "25.00", "description": "Now faster"},
    )

    assert response.status_code == 302
    prices = list(OfferingPrice.objects.filter(offering=listed).order_by("effective_from"))
    assert [price.unit_price_fen for price in prices] == [2_000, 2_500]
    page = client.get(f"/provider/offerings/{listed.pk}").content.decode()
    history = page[page.index("Price history") :]
    assert re.findall(r'<td class="number">(¥[^<]+)</td>', history) == ["¥25.00", "¥20.00"]


def test_archive_asks_to_confirm_then_archives(provider: ProviderWorld) -> None:
    listed = offering(provider)
    client = signed_in(provider.admin)

    confirm = client.get(f"/provider/offerings/{listed.pk}/archive").content.decode()
    assert "Yes, archive it" in confirm
    listed.refresh_from_db()
    assert listed.status == "active"

    response = client.post(f"/provider/offerings/{listed.pk}/archive")

    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.status == "archived"
    page = client.get(f"/provider/offerings/{listed.pk}").content.decode()
    assert "The offering is archived." in page
    assert "Edit the offering" not in page


def test_another_providers_offering_is_the_404_page_and_a_firm_is_refused(
    provider: ProviderWorld, nothing_written: Any
) -> None:
    theirs = factories.listed_offering(
        factories.accredited_provider_admin(provider.world.programme), provider.world.programme
    )
    client = signed_in(provider.admin)

    with nothing_written():
        assert client.get(f"/provider/offerings/{theirs.pk}").status_code == 404
        assert client.post(f"/provider/offerings/{theirs.pk}/archive").status_code == 404
        posted = client.post(
            f"/provider/offerings/{theirs.pk}", {"name": "Mine", "unit_price_fen": "1"}
        )
        assert posted.status_code == 404
    firm = signed_in(factories.user_with_role(Role.FIRM_ADMIN))
    assert firm.get("/provider/offerings").status_code == 403
    assert "/provider/offerings" not in firm.get("/").content.decode()


def test_posts_without_the_csrf_token_are_refused(provider: ProviderWorld) -> None:
    listed = offering(provider)
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider.admin)

    assert client.post(f"/provider/offerings/{listed.pk}/archive").status_code == 403
    assert client.post("/provider/offerings/new", {"name": "x"}).status_code == 403
