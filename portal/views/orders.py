"""The firm's orders and the order page: cancel before acceptance, confirm or dispute a
delivered order, through the services of the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import FIRM_ROLES
from core.exceptions import DomainError
from marketplace import selectors, services
from marketplace.models import Order
from portal import nav
from portal.errors import show_refusal
from portal.firm_forms import DisputeForm
from portal.labels import choices
from portal.lists import Column, Filter, ListSpec
from portal.views import portal_page

nav.register("firm.orders", gettext_lazy("Orders"), "portal:orders", FIRM_ROLES, ("portal:order",))

ORDERS = ListSpec(
    sorts={
        "placed": ("created_at", "id"),
        "gross": ("gross_fen", "created_at"),
        "status": ("status", "created_at"),
    },
    default_sort="-placed",
    filters={
        "status": Filter(
            choices=choices("order_status"),
            apply=lambda rows, value: rows.filter(status=value),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Placed"), "placed"),
        Column(gettext_lazy("Offering")),
        Column(gettext_lazy("Provider")),
        Column(gettext_lazy("Quantity")),
        Column(gettext_lazy("Gross"), "gross"),
        Column(gettext_lazy("Subsidy")),
        Column(gettext_lazy("You pay")),
        Column(gettext_lazy("Status"), "status"),
    ],
    per_page=20,
)


@portal_page(*FIRM_ROLES)
def orders(request: HttpRequest) -> HttpResponse:
    listing = ORDERS.paginate(request, selectors.order_rows_for(user=request.user))  # type: ignore[arg-type]
    return render(request, "portal/orders/orders.html", {"listing": listing})


def _order(user: User, order_id: uuid.UUID) -> Order:
    order = selectors.order_page_for(user=user, order_id=order_id)
    if order is None:
        raise Http404
    return order


@portal_page(*FIRM_ROLES)
def order(
    request: HttpRequest, order_id: uuid.UUID, dispute_form: DisputeForm | None = None
) -> HttpResponse:
    """The order: its money, status and deliveries, and the actions its status allows."""
    found = _order(request.user, order_id)  # type: ignore[arg-type]
    context = {
        "order": found,
        "deliveries": list(found.deliveries.all()),
        "can_cancel": found.status == Order.Status.PENDING_PROVIDER,
        "can_confirm": found.status == Order.Status.AWAITING_CONFIRMATION,
        "dispute_form": dispute_form or DisputeForm(),
    }
    return render(request, "portal/orders/order.html", context)


def _act(
    request: HttpRequest,
    order_id: uuid.UUID,
    action: Callable[[User, uuid.UUID], object],
    done: str,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    found = _order(user, order_id)
    try:
        action(user, found.pk)
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect("portal:order", found.pk)


@require_POST
@portal_page(*FIRM_ROLES)
def order_cancel(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    return _act(
        request,
        order_id,
        lambda user, pk: services.order_cancel(actor=user, order_id=pk),
        _("The order is cancelled; the subsidy held for it is back on your voucher."),
    )


@require_POST
@portal_page(*FIRM_ROLES)
def order_confirm(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    return _act(
        request,
        order_id,
        lambda user, pk: services.order_confirm(actor=user, order_id=pk),
        _("Delivery confirmed: the order is completed."),
    )


@require_POST
@portal_page(*FIRM_ROLES)
def order_dispute(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    """Dispute with a reason; without one, the order page again with the form's error."""
    user: User = request.user  # type: ignore[assignment]
    found = _order(user, order_id)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        return order(request, order_id, dispute_form=form)
    try:
        services.order_dispute(actor=user, order_id=found.pk, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        show_refusal(request, exc, form)
        return order(request, order_id, dispute_form=form)
    messages.success(request, _("The order is disputed; a programme officer will look into it."))
    return redirect("portal:order", found.pk)
