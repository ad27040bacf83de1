"""`/`: the sign-in page for anonymous visitors, else the home of the user's role."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import PROVIDER_ROLES
from portal import nav
from portal.views.auth import sign_in
from settlement import selectors as settlement_selectors

nav.register("home", _("Home"), "portal:home")


def home(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return sign_in(request)
    user = request.user
    organisation = user.organisation
    visible = nav.visible_slots(user)
    if organisation is None:
        return render(request, "portal/home/staff.html", {"roles": sorted(user.roles)})
    template = (
        "portal/home/provider.html"
        if organisation.kind == Organisation.Kind.PROVIDER
        else "portal/home/firm.html"
    )
    roles = sorted(user.roles)
    context = {"organisation": organisation, "roles": roles, "visible": visible}
    if organisation.kind == Organisation.Kind.PROVIDER and user.roles & PROVIDER_ROLES:
        context["dashboard"] = settlement_selectors.provider_dashboard(user=user)
    return render(request, template, context)
