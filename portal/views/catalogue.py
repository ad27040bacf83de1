"""The catalogue (offerings with the firm's subsidised price) and the order form, whose quote
follows the quantity and the voucher as they change (`order_quote`, the rules of
`order_place`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import FIRM_ROLES
from core.exceptions import DomainError
from core.money import Category
from marketplace import selectors, services
from marketplace.models import Offering
from portal import nav
from portal.errors import show_refusal, translate
from portal.firm_forms import OrderForm
from portal.labels import CATEGORY_LABELS
from portal.lists import Column, Filter, ListSpec
from portal.views import HtmxHttpRequest, portal_page
from providers import selectors as provider_selectors
from vouchers import selectors as voucher_selectors

nav.register(
    "firm.catalogue",
    gettext_lazy("Catalogue"),
    "portal:catalogue",
    FIRM_ROLES,
    ("portal:order-new",),
)


def _catalogue_spec(user: User) -> ListSpec:
    # The filter needs names only, not each provider's accreditations.
    providers = (
        provider_selectors.providers_for(user=user)
        .prefetch_related(None)
        .only("id", "name")
        .order_by("name")
    )
    return ListSpec(
        sorts={
            "name": ("name", "id"),
            "provider": ("provider__name", "name", "id"),
            "category": ("category", "name", "id"),
            "price": ("unit_price_fen", "id"),
        },
        default_sort="name",
        filters={
            "category": Filter(
                choices=[(value, CATEGORY_LABELS[value]) for value in Category],
                apply=lambda rows, value: rows.filter(category=value),
                label=gettext_lazy("Category"),
            ),
            "provider": Filter(
                choices=[(str(provider.pk), provider.name) for provider in providers],
                apply=lambda rows, value: rows.filter(provider_id=value),
                label=gettext_lazy("Provider"),
            ),
        },
        columns=[
            Column(gettext_lazy("Offering"), "name"),
            Column(gettext_lazy("Provider"), "provider"),
            Column(gettext_lazy("Category"), "category"),
            Column(gettext_lazy("List price"), "price"),
            Column(gettext_lazy("With your voucher")),
        ],
        per_page=20,
    )


@portal_page(*FIRM_ROLES)
def catalogue(request: HttpRequest) -> HttpResponse:
    """Active offerings, filtered, searched, sorted and paginated, each with the price under
    the firm's voucher for its category."""
    user: User = request.user  # type: ignore[assignment]
    search = request.GET.get("q", "")[:200]
    listing = _catalogue_spec(user).paginate(
        request, selectors.catalogue_for(user=user, search=search)
    )
    listing.page.object_list = selectors.catalogue_prices(listing.rows)
    return render(request, "portal/catalogue/offerings.html", {"listing": listing, "q": search})


def _offering(user: User, offering_id: uuid.UUID) -> Offering:
    offering = selectors.catalogue_for(user=user).filter(pk=offering_id).first()
    if offering is None:
        raise Http404
    return selectors.catalogue_prices([offering])[0]


def _order_form(request: HttpRequest, offering: Offering, data: Any = None) -> OrderForm:
    user: User = request.user  # type: ignore[assignment]
    vouchers = list(voucher_selectors.vouchers_usable_by(user=user))
    matching = next(
        (
            voucher
            for voucher in vouchers
            if voucher.programme_id == offering.programme_id
            and voucher.category == offering.category
            and voucher.account.available > 0
        ),
        None,
    )
    return OrderForm(
        data,
        vouchers=vouchers,
        quote_url=reverse("portal:order-quote", args=[offering.pk]),
        initial={"quantity": 1, "voucher": str(matching.pk) if matching else ""},
    )


def _quote_context(request: HttpRequest, offering: Offering, form: OrderForm) -> dict[str, Any]:
    """The quote for a bound, valid form: its figures, or the refusal in words."""
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        return {"quote": None, "refusal": None, "problems": problems}
    voucher = form.cleaned_data["voucher"]
    try:
        quote = services.order_quote(
            actor=request.user,  # type: ignore[arg-type]
            offering_id=offering.pk,
            quantity=form.cleaned_data["quantity"],
            voucher_id=uuid.UUID(voucher) if voucher else None,
            expected_unit_price_fen=form.cleaned_data["expected_unit_price_fen"],
        )
    except DomainError as exc:
        return {"quote": None, "refusal": translate(exc.message, exc.code)}
    return {"quote": quote, "refusal": None}


@portal_page(*FIRM_ROLES)
def order_new(request: HtmxHttpRequest, offering_id: uuid.UUID) -> HttpResponse:
    """The order form: places through `order_place` and goes to the order's page; a refusal
    shows on the form (with the offering as it is now, so a changed price is seen)."""
    user: User = request.user  # type: ignore[assignment]
    offering = _offering(user, offering_id)
    if request.method == "POST":
        form = _order_form(request, offering, request.POST)
        if form.is_valid():
            voucher = form.cleaned_data["voucher"]
            try:
                # One transaction for the view, as the API's: order_place joins it without a
                # savepoint, so a refusal rolls back this block and no more.
                with transaction.atomic():
                    order = services.order_place(
                        actor=user,
                        offering_id=offering.pk,
                        quantity=form.cleaned_data["quantity"],
                        voucher_id=uuid.UUID(voucher) if voucher else None,
                        expected_unit_price_fen=form.cleaned_data["expected_unit_price_fen"],
                    )
            except DomainError as exc:
                show_refusal(request, exc, form, {"unit_price_fen": "expected_unit_price_fen"})
                offering = _offering(user, offering_id)  # as it is now: a new price shows
            else:
                messages.success(request, _("Your order is placed."))
                return redirect("portal:order", order.pk)
        # What the same order would give now, at the price now shown.
        again = {**request.POST.dict(), "expected_unit_price_fen": offering.unit_price_fen}
        quote = _quote_context(request, offering, _order_form(request, offering, again))
    else:
        form = _order_form(request, offering)
        initial = {
            "quantity": form.initial["quantity"],
            "voucher": form.initial["voucher"],
            "expected_unit_price_fen": offering.unit_price_fen,
        }
        quote = _quote_context(request, offering, _order_form(request, offering, initial))
    context = {"offering": offering, "form": form, **quote}
    return render(request, "portal/catalogue/order.html", context)


@portal_page(*FIRM_ROLES)
def order_quote(request: HttpRequest, offering_id: uuid.UUID) -> HttpResponse:
    """The `_quote.html` fragment for the quantity and voucher in the query string."""
    user: User = request.user  # type: ignore[assignment]
    offering = _offering(user, offering_id)
    form = _order_form(request, offering, request.GET)
    context = {"offering": offering, **_quote_context(request, offering, form)}
    return render(request, "portal/catalogue/_quote.html", context)
