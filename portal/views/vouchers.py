"""Vouchers: the firm's vouchers (available, held, used) and its yearly cap per category;
its applications, and the application form (admins) through `voucher_application_submit`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import User
from accounts.roles import FIRM_ROLES, Role
from core.exceptions import DomainError
from portal import nav
from portal.errors import show_refusal
from portal.firm_forms import VoucherApplicationForm
from portal.labels import choices
from portal.lists import Column, Filter, ListSpec
from portal.views import HtmxHttpRequest, portal_page
from programmes import selectors as programme_selectors
from vouchers import selectors, services

nav.register(
    "firm.vouchers",
    gettext_lazy("Vouchers"),
    "portal:vouchers",
    FIRM_ROLES,
    ("portal:voucher-applications",),
)

VOUCHERS = ListSpec(
    sorts={
        "code": ("code",),
        "valid_until": ("valid_until", "code"),
        "face_value": ("face_value_fen", "code"),
    },
    default_sort="-valid_until",
    filters={
        "status": Filter(
            choices=[
                (value, text) for value, text in choices("voucher_status") if value != "exhausted"
            ],
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Voucher"), "code"),
        Column(gettext_lazy("Category")),
        Column(gettext_lazy("Face value"), "face_value"),
        Column(gettext_lazy("Available")),
        Column(pgettext_lazy("money held on a voucher for open orders", "Held")),
        Column(gettext_lazy("Used")),
        Column(gettext_lazy("Rate")),
        Column(gettext_lazy("Valid until"), "valid_until"),
        Column(gettext_lazy("Status")),
    ],
    per_page=20,
)

APPLICATIONS = ListSpec(
    sorts={
        "submitted": ("created_at", "id"),
        "requested": ("requested_fen", "created_at"),
    },
    default_sort="-submitted",
    filters={
        "status": Filter(
            choices=choices("application_status"),
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Submitted"), "submitted"),
        Column(gettext_lazy("Programme")),
        Column(gettext_lazy("Category")),
        Column(gettext_lazy("Asked for"), "requested"),
        Column(gettext_lazy("Status")),
        Column(gettext_lazy("Approved")),
        Column(gettext_lazy("Voucher or reason")),
    ],
    per_page=20,
)


@portal_page(*FIRM_ROLES)
def vouchers(request: HttpRequest) -> HttpResponse:
    """Each voucher's available, held and used amounts, and the yearly caps."""
    user: User = request.user  # type: ignore[assignment]
    listing = VOUCHERS.paginate(request, selectors.vouchers_for(user=user))
    rows = [(voucher, selectors.voucher_figures(voucher)) for voucher in listing.rows]
    caps = selectors.firm_caps(user=user, now=timezone.now())
    context = {"listing": listing, "rows": rows, "caps": caps}
    return render(request, "portal/vouchers/vouchers.html", context)


@portal_page(*FIRM_ROLES)
def applications(request: HtmxHttpRequest) -> HttpResponse:
    """The firm's applications and, for its admins, the form to apply."""
    user: User = request.user  # type: ignore[assignment]
    is_admin = user.has_role(Role.FIRM_ADMIN)
    programmes = list(programme_selectors.programmes_visible(user=user))
    form = None
    if is_admin:
        posted = request.method == "POST"
        form = VoucherApplicationForm(request.POST if posted else None, programmes=programmes)
        if posted and form.is_valid():
            data = form.cleaned_data
            try:
                application = services.voucher_application_submit(
                    actor=user,
                    programme=programme_selectors.programme_get(code=data["programme"]),
                    category=data["category"],
                    requested_fen=data["amount"],
                    justification=data["justification"],
                )
            except DomainError as exc:
                show_refusal(request, exc, form, {"requested_fen": "amount"})
            else:
                if application.status == application.Status.APPROVED:
                    messages.success(
                        request, _("Your application is approved: the voucher is yours.")
                    )
                else:
                    messages.success(request, _("Your application is submitted for review."))
                return redirect("portal:voucher-applications")
    elif request.method == "POST":
        show_refusal(
            request,
            DomainError("Only a firm admin may apply for vouchers.", code="permission_denied"),
        )
        return redirect("portal:voucher-applications")
    listing = APPLICATIONS.paginate(request, selectors.voucher_applications_for(user=user))
    return render(request, "portal/vouchers/applications.html", {"listing": listing, "form": form})
