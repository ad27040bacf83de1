"""The provider's order inbox and order page: accept, reject with a reason, record deliveries
with their fapiao numbers, complete. Each action is one service call; the page shows its
refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import PROVIDER_ROLES
from core.exceptions import DomainError, NotFoundError
from marketplace import selectors, services
from marketplace.models import Order
from portal import nav
from portal.errors import show_refusal
from portal.labels import ORDER_STATUS_LABELS
from portal.lists import Column, Filter, ListSpec
from portal.provider_forms import DeliveryForm, ReasonForm
from portal.views import HtmxHttpRequest, portal_page

nav.register(
    "provider.orders",
    gettext_lazy("Orders"),
    "portal:provider-orders",
    PROVIDER_ROLES,
    ("portal:provider-order",),
)

NEEDS_ACTION = (Order.Status.PENDING_PROVIDER, Order.Status.ACCEPTED)
SPEC = ListSpec(
    sorts={
        "placed": ("created_at", "id"),
        "amount": ("gross_fen", "id"),
        "subsidy": ("subsidy_fen", "id"),
    },
    default_sort="-placed",
    filters={
        "status": Filter(
            choices=[("action", gettext_lazy("Needs your action")), *ORDER_STATUS_LABELS.items()],
            apply=lambda rows, value: (
                rows.filter(status__in=NEEDS_ACTION)
                if value == "action"
                else rows.filter(status=value)
            ),
            label=gettext_lazy("Status"),
        )
    },
    columns=[
        Column(gettext_lazy("Order")),
        Column(gettext_lazy("Placed"), "placed"),
        Column(gettext_lazy("Firm")),
        Column(gettext_lazy("Offering")),
        Column(gettext_lazy("Amount"), "amount"),
        Column(gettext_lazy("Subsidy"), "subsidy"),
        Column(gettext_lazy("Status")),
        Column(gettext_lazy("Action")),
    ],
)


def _orders(user: User) -> Any:
    return selectors.orders_for(user=user).select_related("offering", "firm")


def _order(user: User, order_id: str) -> Order:
    order = _orders(user).filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


@portal_page(*PROVIDER_ROLES)
def order_list(request: HttpRequest) -> HttpResponse:
    """The inbox: by default the orders that wait on the provider (to accept, to deliver)."""
    if "status" not in request.GET:
        params = request.GET.copy()
        params["status"] = "action"
        request.GET = params  # type: ignore[assignment]
    user: User = request.user  # type: ignore[assignment]
    listing = SPEC.paginate(request, _orders(user))
    return render(request, "portal/inbox/list.html", {"listing": listing})


def _page(request: HttpRequest, order: Order, **forms: Any) -> HttpResponse:
    context = {
        "order": order,
        "deliveries": selectors.deliveries_of(order=order),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(prefix="delivery"),
        "can_reject": order.status in NEEDS_ACTION and not order.delivered_quantity,
    }
    return render(request, "portal/inbox/detail.html", context)


@portal_page(*PROVIDER_ROLES)
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return _page(request, _order(user, order_id))


def _act(
    request: HttpRequest, order_id: str, service: Callable[..., Any], done: str
) -> HttpResponse:
    """An action with no input: the service, then back to the order (or, with htmx from
    the inbox, the order's row)."""
    user: User = request.user  # type: ignore[assignment]
    order = _order(user, order_id)
    if request.method != "POST":
        return redirect("portal:provider-order", order.pk)
    try:
        service(actor=user, order_id=order.pk)
    except NotFoundError as exc:
        raise Http404 from exc
    except DomainError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    if getattr(request, "htmx", False):
        return render(request, "portal/inbox/_row.html", {"order": _order(user, order_id)})
    return redirect("portal:provider-order", order.pk)


@portal_page(*PROVIDER_ROLES)
def order_accept(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    return _act(request, order_id, services.order_accept, _("The order is accepted."))


@portal_page(*PROVIDER_ROLES)
def order_complete(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    return _act(
        request,
        order_id,
        services.order_complete,
        _("The order is complete: the firm is asked to confirm the delivery."),
    )


@portal_page(*PROVIDER_ROLES)
def order_reject(request: HttpRequest, order_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    order = _order(user, order_id)
    if request.method != "POST":
        return redirect("portal:provider-order", order.pk)
    form = ReasonForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.order_reject(actor=user, order_id=order.pk, reason=form.cleaned_data["reason"])
        except NotFoundError as exc:
            raise Http404 from exc
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("The order is rejected; the firm's subsidy is released."))
            return redirect("portal:provider-order", order.pk)
    return _page(request, order, reject_form=form)


@portal_page(*PROVIDER_ROLES)
def delivery_new(request: HttpRequest, order_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    order = _order(user, order_id)
    if request.method != "POST":
        return redirect("portal:provider-order", order.pk)
    form = DeliveryForm(request.POST, prefix="delivery")
    if form.is_valid():
        try:
            services.delivery_report(
                actor=user,
                order_id=order.pk,
                quantity=form.cleaned_data["quantity"],
                invoice_number=form.cleaned_data["invoice_number"],
            )
        except NotFoundError as exc:
            raise Http404 from exc
        except DomainError as exc:
            show_refusal(request, exc, form)
        else:
            messages.success(request, _("The delivery is recorded."))
            return redirect("portal:provider-order", order.pk)
    return _page(request, _order(user, order_id), delivery_form=form)
