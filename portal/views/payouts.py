"""The provider's payouts: each with the orders it pays, downloadable as a remittance advice
(CSV and XLSX) for the provider's accountant."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import PROVIDER_ROLES
from core.csv import csv_response
from core.money import yuan
from core.xlsx import Fen, xlsx_response
from portal import nav
from portal.labels import PAYOUT_STATUS_LABELS, value_label
from portal.lists import Column, Filter, ListSpec
from portal.views import portal_page
from settlement import selectors
from settlement.models import Payout

nav.register(
    "provider.payouts",
    gettext_lazy("Payouts"),
    "portal:provider-payouts",
    PROVIDER_ROLES,
    ("portal:provider-payout",),
)

SPEC = ListSpec(
    sorts={
        "date": ("batch__cutoff_at", "reference"),
        "reference": ("reference",),
        "amount": ("amount_fen", "reference"),
    },
    default_sort="-date",
    filters={
        "status": Filter(
            choices=list(PAYOUT_STATUS_LABELS.items()),
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Batch date"), "date"),
        Column(gettext_lazy("Amount"), "amount"),
        Column(gettext_lazy("Status")),
    ],
)


def _payouts(user: User) -> Any:
    return selectors.payouts_for(user=user).filter(provider_id=user.organisation_id)


def _payout(user: User, payout_id: str) -> Payout:
    payout = _payouts(user).filter(pk=payout_id).first()
    if payout is None:
        raise Http404
    return payout


@portal_page(*PROVIDER_ROLES)
def payout_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    listing = SPEC.paginate(request, _payouts(user))
    return render(request, "portal/payouts/list.html", {"listing": listing})


@portal_page(*PROVIDER_ROLES)
def payout_detail(request: HttpRequest, payout_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    payout = _payout(user, payout_id)
    orders = list(selectors.payout_orders(payout=payout))
    covered = sum(order.captured_subsidy_fen or 0 for order in orders)
    context = {
        "payout": payout,
        "orders": orders,
        "covered_fen": covered,
        "adjustment_fen": payout.amount_fen - covered if payout.status != "held" else 0,
    }
    return render(request, "portal/payouts/detail.html", context)


def _remittance_rows(payout: Payout) -> tuple[list[str], list[list[Any]]]:
    """The remittance advice: one row per order the payout pays, then any adjustment
    (clawbacks, returned payments), then the payout's total. Amounts in fen (`Fen`)."""
    header = [
        _("Payout"),
        _("Order"),
        _("Completed"),
        _("Firm"),
        _("Offering"),
        _("Category"),
        _("Quantity delivered"),
        _("Gross amount"),
        _("Firm paid"),
        _("Subsidy paid"),
    ]
    rows: list[list[Any]] = []
    covered = 0
    for order in selectors.payout_orders(payout=payout):
        captured = order.captured_subsidy_fen or 0
        covered += captured
        completed = timezone.localtime(order.resolved_at) if order.resolved_at else None
        rows.append(
            [
                payout.reference,
                str(order.pk),
                completed.strftime("%Y-%m-%d") if completed else "",
                order.firm.name,
                order.offering.name,
                value_label("category", order.category),
                f"{order.delivered_quantity.normalize():f}",
                Fen(order.gross_fen),
                Fen(order.firm_pays_fen),
                Fen(captured),
            ]
        )
    blank = ["", "", "", "", "", ""]
    adjustment = payout.amount_fen - covered
    if adjustment and payout.status != Payout.Status.HELD:
        rows.append(
            [
                payout.reference,
                _("Adjustments (clawbacks, returned payments)"),
                *blank,
                "",
                Fen(adjustment),
            ]
        )
    rows.append([payout.reference, _("Payout total"), *blank, "", Fen(payout.amount_fen)])
    return header, rows


@portal_page(*PROVIDER_ROLES)
def payout_download(request: HttpRequest, payout_id: str, fmt: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if fmt not in ("csv", "xlsx"):
        raise Http404
    payout = _payout(user, payout_id)
    header, rows = _remittance_rows(payout)
    filename = f"remittance-{payout.reference}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(header, rows, filename=filename, title=payout.reference)
    return csv_response(
        [header, *([yuan(v) if isinstance(v, Fen) else v for v in row] for row in rows)],
        filename=filename,
    )
