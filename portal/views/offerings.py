"""Offerings: a provider lists, edits (a new price is a new dated price) and archives its own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import PROVIDER_ROLES
from core.exceptions import DomainError, NotFoundError
from marketplace import selectors, services
from marketplace.models import Offering
from portal import nav
from portal.errors import show_refusal
from portal.labels import CATEGORY_LABELS, OFFERING_STATUS_LABELS
from portal.lists import Column, Filter, ListSpec
from portal.provider_forms import OfferingCreateForm, OfferingUpdateForm
from portal.views import portal_page
from programmes.selectors import programme_for_input
from providers import selectors as provider_selectors
from providers.models import Accreditation

nav.register(
    "provider.offerings",
    gettext_lazy("Offerings"),
    "portal:provider-offerings",
    PROVIDER_ROLES,
    ("portal:provider-offering", "portal:provider-offering-new"),
)

SPEC = ListSpec(
    sorts={
        "name": ("name", "id"),
        "category": ("category", "name", "id"),
        "unit": ("unit", "name", "id"),
        "price": ("unit_price_fen", "id"),
        "status": ("status", "name", "id"),
    },
    default_sort="name",
    filters={
        "status": Filter(
            choices=list(OFFERING_STATUS_LABELS.items()),
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        ),
        "category": Filter(
            choices=list(CATEGORY_LABELS.items()),
            apply=lambda rows, value: rows.filter(category=value),
            label=gettext_lazy("Category"),
        ),
    },
    columns=[
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Category"), "category"),
        Column(gettext_lazy("Unit"), "unit"),
        Column(gettext_lazy("Price per unit"), "price"),
        Column(gettext_lazy("Status"), "status"),
    ],
)


def _accredited(user: User) -> list[tuple[str, str, str]]:
    return [
        (accreditation.programme.code, accreditation.programme.name, accreditation.category)
        for accreditation in provider_selectors.accreditations_for(user=user)
        .filter(provider_id=user.organisation_id, status=Accreditation.Status.ACTIVE)
        .order_by("programme__code", "category")
    ]


def _own(user: User, offering_id: str) -> Offering:
    offering = selectors.offerings_of_provider(user=user).filter(pk=offering_id).first()
    if offering is None:
        raise Http404
    return offering


@portal_page(*PROVIDER_ROLES)
def offering_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    listing = SPEC.paginate(request, selectors.offerings_of_provider(user=user))
    return render(request, "portal/offerings/list.html", {"listing": listing})


@portal_page(*PROVIDER_ROLES)
def offering_new(request: HttpRequest) -> HttpResponse:
    """List an offering, in a category the provider is accredited for (the service decides)."""
    user: User = request.user  # type: ignore[assignment]
    accreditations = _accredited(user)
    posted = request.method == "POST"
    form = OfferingCreateForm(request.POST if posted else None, accreditations=accreditations)
    if posted and form.is_valid():
        code, category = form.programme_and_category()
        data = form.cleaned_data
        try:
            offering = services.offering_create(
                actor=user,
                programme=programme_for_input(code, field="accreditation"),
                category=category,
                name=data["name"],
                unit=data["unit"],
                unit_price_fen=data["unit_price_fen"],
                description=data["description"],
            )
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("The offering is listed."))
            return redirect("portal:provider-offering", offering.pk)
    context = {"form": form, "accreditations": accreditations}
    return render(request, "portal/offerings/new.html", context)


@portal_page(*PROVIDER_ROLES)
def offering_detail(request: HttpRequest, offering_id: str) -> HttpResponse:
    """One offering with its price history; an active one can be edited."""
    user: User = request.user  # type: ignore[assignment]
    offering = _own(user, offering_id)
    posted = request.method == "POST"
    initial = {
        "name": offering.name,
        "unit_price_fen": offering.unit_price_fen,
        "description": offering.description,
    }
    form = OfferingUpdateForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            services.offering_update(actor=user, offering=offering, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("The offering is saved."))
            return redirect("portal:provider-offering", offering.pk)
    context = {
        "offering": offering,
        "form": form if offering.status == Offering.Status.ACTIVE else None,
        "prices": selectors.offering_prices(offering=offering),
    }
    return render(request, "portal/offerings/detail.html", context)


@portal_page(*PROVIDER_ROLES)
def offering_archive(request: HttpRequest, offering_id: str) -> HttpResponse:
    """GET asks to confirm; POST archives (no new order can be placed on it)."""
    user: User = request.user  # type: ignore[assignment]
    offering = _own(user, offering_id)
    if request.method == "POST":
        try:
            services.offering_archive(actor=user, offering=offering)
        except NotFoundError as exc:
            raise Http404 from exc
        except DomainError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The offering is archived."))
        return redirect("portal:provider-offering", offering.pk)
    return render(request, "portal/offerings/archive.html", {"offering": offering})
