"""Declared affiliations: the firm's related parties (orders between related parties get no
subsidy); its admins declare them through `affiliation_declare`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors, services
from accounts.models import User
from accounts.roles import FIRM_ROLES, Role
from core.exceptions import DomainError
from portal import nav
from portal.errors import show_refusal
from portal.firm_forms import AffiliationForm
from portal.labels import choices
from portal.lists import Column, Filter, ListSpec
from portal.views import portal_page

nav.register("firm.affiliations", gettext_lazy("Affiliations"), "portal:affiliations", FIRM_ROLES)

AFFILIATIONS = ListSpec(
    sorts={
        "declared": ("created_at", "id"),
        "credit_code": ("credit_code",),
        "relation": ("relation", "credit_code"),
    },
    default_sort="-declared",
    filters={
        "relation": Filter(
            choices=choices("relation"),
            apply=lambda rows, value: rows.filter(relation=value),
            label=gettext_lazy("Relation"),
        )
    },
    columns=[
        Column(gettext_lazy("Credit code"), "credit_code"),
        Column(gettext_lazy("Relation"), "relation"),
        Column(gettext_lazy("Share")),
        Column(gettext_lazy("Declared"), "declared"),
    ],
    per_page=20,
)


@portal_page(*FIRM_ROLES)
def affiliations(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = None
    if user.has_role(Role.FIRM_ADMIN):
        posted = request.method == "POST"
        form = AffiliationForm(request.POST if posted else None)
        if posted and form.is_valid():
            try:
                affiliation = services.affiliation_declare(actor=user, **form.cleaned_data)
            except DomainError as exc:
                show_refusal(request, exc, form, {"share_bps": "share"})
            else:
                messages.success(
                    request,
                    _("The affiliation with %(code)s is declared.")
                    % {"code": affiliation.credit_code},
                )
                return redirect("portal:affiliations")
    elif request.method == "POST":
        show_refusal(
            request,
            DomainError(
                "Only an organisation admin may declare affiliations.", code="permission_denied"
            ),
        )
        return redirect("portal:affiliations")
    listing = AFFILIATIONS.paginate(request, selectors.affiliations_of(user=user))
    return render(
        request, "portal/affiliations/affiliations.html", {"listing": listing, "form": form}
    )
