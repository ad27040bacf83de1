"""Offerings through the HTTP API: listing (providers only, accredited only), dated price
history, archiving, the catalogue's filters and its query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from core.models import AuditEvent
from marketplace.models import Offering, OfferingPrice, Order
from programmes.models import Programme
from tests.conftest import NothingWritten
from tests.factories import seeded_programme, user_with_role
from tests.marketplace.conftest import MakeOffering, MakeProvider
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Any], APIClient]

NEW_OFFERING = {
    "programme": "SH2025",
    "category": "compute",
    "name": "H100 hour",
    "unit": "gpu_hour",
    "unit_price_fen": 3500,
    "description": "One NVIDIA H100 for an hour",
}


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


# --- creating ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER])
def test_a_provider_lists_an_offering(
    role: str, client_for: ClientFor, provider_admin: User, provider: Organisation
) -> None:
    actor = user_with_role(role, provider)

    response = client_for(actor).post("/api/v1/offerings", NEW_OFFERING)

    assert response.status_code == 201, response.json()
    offering = Offering.objects.get()
    body = response.json()
    assert body == {
        "id": str(offering.pk),
        "programme": "SH2025",
        "provider": str(provider.pk),
        "provider_name": provider.name,
        "category": "compute",
        "name": "H100 hour",
        "description": "One NVIDIA H100 for an hour",
        "unit": "gpu_hour",
        "unit_price_fen": 3500,
        "status": "active",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert _time(body["created_at"]) == offering.created_at
    assert list(offering.prices.values_list("unit_price_fen", "effective_from", "set_by")) == [
        (3500, offering.created_at, actor.pk)
    ]
    assert (
        AuditEvent.objects.filter(action="offering.created", object_id=str(offering.pk)).count()
        == 1
    )


@pytest.mark.parametrize(
    "role",
    [Role.FIRM_ADMIN, Role.FIRM_MEMBER, Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR],
)
def test_only_providers_list_offerings(
    role: str, client_for: ClientFor, programme: Programme, nothing_written: NothingWritten
) -> None:
    client = client_for(user_with_role(role))
    with nothing_written():
        response = client.post("/api/v1/offerings", NEW_OFFERING)

    assert _error(response) == (403, "permission_denied")


def test_listing_needs_authentication(
    api_client: APIClient, programme: Programme, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = api_client.post("/api/v1/offerings", NEW_OFFERING)

    assert _error(response) == (401, "not_authenticated")


def test_an_unaccredited_provider_is_refused(
    client_for: ClientFor, make_provider: MakeProvider, nothing_written: NothingWritten
) -> None:
    unaccredited = make_provider(categories=())

    with nothing_written():
        response = client_for(unaccredited).post("/api/v1/offerings", NEW_OFFERING)

    assert _error(response) == (422, "provider_not_accredited")
    assert response.json()["error"]["message"] == (
        "The provider is not accredited for compute in SH2025."
    )


def test_a_provider_accredited_in_another_category_is_refused(
    client_for: ClientFor, provider_admin: User, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = client_for(provider_admin).post(
            "/api/v1/offerings", {**NEW_OFFERING, "category": "model", "unit": "million_tokens"}
        )

    assert _error(response) == (422, "provider_not_accredited")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit": "gpu_minute"}, "unit"),
        ({"unit_price_fen": 0}, "unit_price_fen"),
        ({"unit_price_fen": -1}, "unit_price_fen"),
        ({"unit_price_fen": 2**63}, "unit_price_fen"),
        ({"unit_price_fen": 10**30}, "unit_price_fen"),
        ({"unit_price_fen": "12.5"}, "unit_price_fen"),
        ({"unit_price_fen": "lots"}, "unit_price_fen"),
        ({"programme": "NOPE2025"}, "programme"),
        ({"category": "energy"}, "category"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_400_and_writes_nothing(
    change: dict[str, Any],
    field: str,
    client_for: ClientFor,
    provider_admin: User,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = client_for(provider_admin).post("/api/v1/offerings", {**NEW_OFFERING, **change})

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_missing_field_is_400(
    client_for: ClientFor, provider_admin: User, nothing_written: NothingWritten
) -> None:
    body = {key: value for key, value in NEW_OFFERING.items() if key != "unit_price_fen"}

    with nothing_written():
        response = client_for(provider_admin).post("/api/v1/offerings", body)

    assert _error(response) == (400, "validation_error")
    assert response.json()["error"]["fields"] == {"unit_price_fen": ["This field is required."]}


def test_the_largest_64_bit_price_is_accepted(client_for: ClientFor, provider_admin: User) -> None:
    response = client_for(provider_admin).post(
        "/api/v1/offerings", {**NEW_OFFERING, "unit_price_fen": 2**63 - 1}
    )

    assert response.status_code == 201, response.json()
    assert response.json()["unit_price_fen"] == 2**63 - 1
    assert Offering.objects.get().unit_price_fen == 2**63 - 1


# --- prices ------------------------------------------------------------------------------


def _order(client: APIClient, offering: Offering, voucher: Voucher, **extra: Any) -> Any:
    return client.post(
        "/api/v1/orders",
        {"offering": str(offering.pk), "quantity": "10", "voucher": str(voucher.pk), **extra},
    )


def test_a_new_price_is_a_new_dated_row_and_orders_keep_theirs(
    client_for: ClientFor,
    provider_admin: User,
    offering: Offering,
    firm_admin: User,
    voucher: Voucher,
    assert_ledger_ok: Callable[[str | None], None],
) -> None:
    firm_client = client_for(firm_admin)
    before = _order(firm_client, offering, voucher, unit_price_fen=2000)
    assert before.status_code == 201, before.json()

    patched = client_for(provider_admin).patch(
        f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 2500}
    )

    assert patched.status_code == 200, patched.json()
    assert patched.json()["unit_price_fen"] == 2500
    prices = list(
        OfferingPrice.objects.filter(offering=offering)
        .order_by("effective_from")
        .values_list("unit_price_fen", "set_by")
    )
    assert prices == [(2000, provider_admin.pk), (2500, provider_admin.pk)]
    old, new = OfferingPrice.objects.filter(offering=offering).order_by("effective_from")
    assert old.effective_from == offering.created_at
    assert new.effective_from > Order.objects.get(pk=before.json()["id"]).created_at

    after = _order(firm_client, offering, voucher, unit_price_fen=2500)
    assert after.status_code == 201, after.json()
    assert (after.json()["unit_price_fen"], after.json()["gross_fen"]) == (2500, 25000)
    assert (after.json()["subsidy_fen"], after.json()["firm_pays_fen"]) == (7500, 17500)
    first = Order.objects.get(pk=before.json()["id"])
    assert (first.unit_price_fen, first.gross_fen, first.subsidy_fen) == (2000, 20000, 6000)
    assert firm_client.get(f"/api/v1/orders/{first.pk}").json()["unit_price_fen"] == 2000
    assert_ledger_ok("SH2025")


def test_ordering_at_a_price_that_changed_since_is_422_price_changed(
    client_for: ClientFor,
    provider_admin: User,
    offering: Offering,
    firm_admin: User,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    seen = client_for(firm_admin).get(f"/api/v1/offerings/{offering.pk}").json()["unit_price_fen"]
    client_for(provider_admin).patch(f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 2100})

    with nothing_written():
        response = _order(client_for(firm_admin), offering, voucher, unit_price_fen=seen)

    assert _error(response) == (422, "price_changed")
    assert response.json()["error"]["fields"] == {"unit_price_fen": ["2100"]}


def test_patching_the_same_price_writes_no_history(
    client_for: ClientFor, provider_admin: User, offering: Offering, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = client_for(provider_admin).patch(
            f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 2000}
        )

    assert response.status_code == 200, response.json()
    assert response.json()["unit_price_fen"] == 2000


def test_patching_text_keeps_the_price_history(
    client_for: ClientFor, provider_admin: User, offering: Offering
) -> None:
    response = client_for(provider_admin).patch(
        f"/api/v1/offerings/{offering.pk}", {"name": "A100 80GB hour", "description": "SXM"}
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["description"]) == ("A100 80GB hour", "SXM")
    assert list(offering.prices.values_list("unit_price_fen", flat=True)) == [2000]


@pytest.mark.parametrize("price", [0, -5, 2**63, "cheap"])
def test_patching_a_bad_price_is_400(
    price: Any,
    client_for: ClientFor,
    provider_admin: User,
    offering: Offering,
    nothing_written: NothingWritten,
) -> None:
    with nothing_written():
        response = client_for(provider_admin).patch(
            f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": price}
        )

    assert _error(response) == (400, "validation_error")
    assert list(response.json()["error"]["fields"]) == ["unit_price_fen"]


def test_another_provider_cannot_patch_an_offering(
    client_for: ClientFor,
    make_provider: MakeProvider,
    offering: Offering,
    nothing_written: NothingWritten,
) -> None:
    other = make_provider()

    with nothing_written():
        patched = client_for(other).patch(f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 1})
        archived = client_for(other).post(f"/api/v1/offerings/{offering.pk}/archive")

    assert _error(patched) == (404, "not_found")
    assert _error(archived) == (404, "not_found")


def test_a_firm_cannot_patch_an_offering(
    client_for: ClientFor, firm_admin: User, offering: Offering, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = client_for(firm_admin).patch(
            f"/api/v1/offerings/{offering.pk}", {"unit_price_fen": 1}
        )

    assert _error(response) == (403, "permission_denied")


# --- archiving ---------------------------------------------------------------------------


def test_an_archived_offering_is_hidden_from_firms_and_cannot_be_ordered(
    client_for: ClientFor,
    provider_admin: User,
    offering: Offering,
    firm_admin: User,
    voucher: Voucher,
    nothing_written: NothingWritten,
) -> None:
    provider_client, firm_client = client_for(provider_admin), client_for(firm_admin)
    assert _ids(firm_client.get("/api/v1/offerings")) == [str(offering.pk)]

    archived = provider_client.post(f"/api/v1/offerings/{offering.pk}/archive")

    assert archived.status_code == 200, archived.json()
    assert archived.json()["status"] == "archived"
    assert _ids(firm_client.get("/api/v1/offerings")) == []
    assert _error(firm_client.get(f"/api/v1/offerings/{offering.pk}")) == (404, "not_found")
    assert _ids(provider_client.get("/api/v1/offerings")) == [str(offering.pk)]
    with nothing_written():
        ordered = _order(firm_client, offering, voucher)
        again = provider_client.post(f"/api/v1/offerings/{offering.pk}/archive")
        patched = provider_client.patch(f"/api/v1/offerings/{offering.pk}", {"name": "X"})
    assert _error(ordered) == (409, "invalid_state")
    assert ordered.json()["error"]["message"] == "Offering 'A100 hour' is archived."
    assert _error(again) == (409, "invalid_state")
    assert _error(patched) == (409, "invalid_state")


def test_a_firm_cannot_archive(
    client_for: ClientFor, firm_admin: User, offering: Offering, nothing_written: NothingWritten
) -> None:
    with nothing_written():
        response = client_for(firm_admin).post(f"/api/v1/offerings/{offering.pk}/archive")

    assert _error(response) == (403, "permission_denied")


# --- the catalogue -----------------------------------------------------------------------


def test_the_catalogue_filters(
    client_for: ClientFor,
    make_provider: MakeProvider,
    make_offering: MakeOffering,
    provider_admin: User,
    provider: Organisation,
    offering: Offering,
) -> None:
    shenzhen, _ = seeded_programme(preset="shenzhen-2025", code="SZ2025")
    model_admin = make_provider(categories=("model",))
    other_compute = make_provider(categories=("compute",))
    make_provider(categories=("compute",), organisation=provider, in_programme=shenzhen)
    tokens = make_offering(model_admin, category="model", unit="million_tokens", name="Qwen API")
    h100 = make_offering(other_compute, name="H100 hour")
    shenzhen_a100 = make_offering(provider_admin, name="A100 hour SZ", in_programme=shenzhen)
    everyone = [shenzhen_a100, h100, tokens, offering]
    client = client_for(user_with_role(Role.FIRM_MEMBER))

    def listed(query: str) -> list[str]:
        return _ids(client.get(f"/api/v1/offerings{query}"))

    assert listed("") == [str(o.pk) for o in everyone]
    assert listed("?programme=SH2025") == [str(h100.pk), str(tokens.pk), str(offering.pk)]
    assert listed("?programme=SZ2025") == [str(shenzhen_a100.pk)]
    assert listed("?programme=XX") == []
    assert listed("?category=model") == [str(tokens.pk)]
    assert listed(f"?provider={provider.pk}") == [str(shenzhen_a100.pk), str(offering.pk)]
    assert listed(f"?provider={provider.pk}&programme=SH2025") == [str(offering.pk)]
    assert listed("?search=a100") == [str(shenzhen_a100.pk), str(offering.pk)]
    assert listed("?search=H100&category=compute") == [str(h100.pk)]
    assert listed("?search=nothing-like-it") == []
    bad = client.get("/api/v1/offerings?category=energy")
    assert _error(bad) == (400, "validation_error")
    assert list(bad.json()["error"]["fields"]) == ["category"]
    assert _error(client.get("/api/v1/offerings?provider=not-a-uuid")) == (400, "validation_error")


def test_the_catalogue_needs_authentication(api_client: APIClient, offering: Offering) -> None:
    assert _error(api_client.get("/api/v1/offerings")) == (401, "not_authenticated")


def test_the_catalogue_query_count_does_not_grow_with_the_page_size(
    client_for: ClientFor,
    make_offering: MakeOffering,
    provider_admin: User,
    django_assert_num_queries: Any,
) -> None:
    for number in range(60):
        make_offering(provider_admin, name=f"GPU hour {number}")
    client = client_for(user_with_role(Role.FIRM_ADMIN))

    # The token with the caller's memberships, and one page of offerings with their programme
    # and provider joined in.
    with django_assert_num_queries(2):
        small = client.get("/api/v1/offerings?page_size=5")
    with django_assert_num_queries(2):
        large = client.get("/api/v1/offerings?page_size=50")

    assert len(_ids(small)) == 5
    assert len(_ids(large)) == 50
    assert small.json()["next"] is not None
    assert _ids(large)[:5] == _ids(small)
