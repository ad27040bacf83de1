"""A provider's standing: its accreditations and requests (its admins request more), and the
bank account its payouts go to (its admins set it; everyone sees it masked)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import PROVIDER_ROLES, Role
from core.exceptions import DomainError
from portal import nav
from portal.errors import show_refusal
from portal.labels import REQUEST_STATUS_LABELS
from portal.lists import Column, Filter, ListSpec
from portal.provider_forms import AccreditationRequestForm, BankAccountForm
from portal.views import portal_page
from programmes.selectors import programme_for_input, programmes_visible
from providers import selectors, services

nav.register(
    "provider.accreditation",
    gettext_lazy("Accreditation"),
    "portal:provider-accreditation",
    PROVIDER_ROLES,
)
nav.register(
    "provider.bank_account",
    gettext_lazy("Bank account"),
    "portal:provider-bank-account",
    PROVIDER_ROLES,
)

REQUESTS = ListSpec(
    sorts={"submitted": ("created_at", "id"), "programme": ("programme__code", "created_at")},
    default_sort="-submitted",
    filters={
        "status": Filter(
            choices=list(REQUEST_STATUS_LABELS.items()),
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Submitted"), "submitted"),
        Column(gettext_lazy("Programme"), "programme"),
        Column(gettext_lazy("Categories")),
        Column(gettext_lazy("Status")),
        Column(gettext_lazy("Decided")),
    ],
    per_page=20,
)


@portal_page(*PROVIDER_ROLES)
def accreditation(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    is_admin = user.has_role(Role.PROVIDER_ADMIN)
    form = None
    if is_admin:
        programmes = [(p.code, p.name) for p in programmes_visible(user=user)]
        posted = request.method == "POST"
        form = AccreditationRequestForm(request.POST if posted else None, programmes=programmes)
        if posted and form.is_valid():
            try:
                services.accreditation_request_submit(
                    actor=user,
                    programme=programme_for_input(form.cleaned_data["programme"]),
                    categories=form.cleaned_data["categories"],
                )
            except DomainError as exc:
                show_refusal(request, exc, form)
            else:
                messages.success(request, _("Your request is submitted for review."))
                return redirect("portal:provider-accreditation")
    elif request.method == "POST":
        show_refusal(
            request, DomainError("Only a provider admin may do this.", code="permission_denied")
        )
        return redirect("portal:provider-accreditation")
    accreditations = (
        selectors.accreditations_for(user=user)
        .filter(provider_id=user.organisation_id)
        .order_by("programme__code", "category")
    )
    requests = REQUESTS.paginate(
        request,
        selectors.accreditation_requests_for(user=user).filter(provider_id=user.organisation_id),
    )
    context = {"accreditations": accreditations, "listing": requests, "form": form}
    return render(request, "portal/accreditation/page.html", context)


@portal_page(*PROVIDER_ROLES)
def bank_account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    account = selectors.bank_account_for(user=user)
    form = None
    if user.has_role(Role.PROVIDER_ADMIN):
        posted = request.method == "POST"
        initial = (
            {"account_name": account.account_name, "bank_name": account.bank_name}
            if (account)
            else {}
        )
        form = BankAccountForm(request.POST if posted else None, initial=initial)
        if posted and form.is_valid():
            try:
                services.bank_account_set(actor=user, **form.cleaned_data)
            except DomainError as exc:
                show_refusal(request, exc, form)
            else:
                messages.success(request, _("The bank account is saved."))
                return redirect("portal:provider-bank-account")
    elif request.method == "POST":
        show_refusal(
            request, DomainError("Only a provider admin may do this.", code="permission_denied")
        )
        return redirect("portal:provider-bank-account")
    return render(request, "portal/bank_account/page.html", {"account": account, "form": form})
