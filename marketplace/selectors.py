from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Now, TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES
from core.money import subsidy_of
from marketplace.models import Delivery, Offering, OfferingPrice, Order
from vouchers.models import Voucher


def offerings_for(*, user: User) -> QuerySet[Offering]:
    """Active offerings for everyone; a provider also sees its archived ones; staff see all."""
    queryset = Offering.objects.select_related("programme", "provider")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & PROVIDER_ROLES and user.organisation_id:
        return queryset.filter(
            Q(status=Offering.Status.ACTIVE) | Q(provider_id=user.organisation_id)
        )
    return queryset.filter(status=Offering.Status.ACTIVE)


def orders_for(*, user: User) -> QuerySet[Order]:
    """The firm's orders, the orders for the provider's offerings, or, for staff, all."""
    queryset = Order.objects.select_related("programme")
    if user.roles & STAFF_ROLES:
        return queryset
    if user.roles & FIRM_ROLES and user.organisation_id:
        return queryset.filter(firm_id=user.organisation_id)
    if user.roles & PROVIDER_ROLES and user.organisation_id:
        return queryset.filter(provider_id=user.organisation_id)
    return queryset.none()


def offerings_of_provider(*, user: User) -> QuerySet[Offering]:
    """The caller's own offerings, active and archived (a provider's; none for anyone else)."""
    if not (user.roles & PROVIDER_ROLES and user.organisation_id):
        return Offering.objects.none()
    return Offering.objects.select_related("programme").filter(provider_id=user.organisation_id)


def offering_prices(*, offering: Offering) -> QuerySet[OfferingPrice]:
    """An offering's dated prices, newest first (the caller already holds the offering)."""
    return OfferingPrice.objects.filter(offering=offering).order_by("-effective_from", "-id")


def deliveries_of(*, order: Order) -> QuerySet[Delivery]:
    """An order's delivery reports, oldest first (the caller already holds the order)."""
    return Delivery.objects.filter(order=order).order_by("created_at", "id")


def provider_order_figures(*, user: User, months_from: dt.datetime) -> dict[str, Any]:
    """The provider's orders in figures, in two aggregate queries: how many wait on it in
    each open status, the subsidy held on open orders, the subsidy captured, and the subsidy
    captured per month (by the month the order completed, in the platform's time zone)
    since `months_from`."""
    orders = Order.objects.filter(provider_id=user.organisation_id)
    if not (user.roles & PROVIDER_ROLES and user.organisation_id):
        orders = orders.none()
    statuses = {
        "pending_provider": Order.Status.PENDING_PROVIDER,
        "accepted": Order.Status.ACCEPTED,
        "awaiting_confirmation": Order.Status.AWAITING_CONFIRMATION,
        "disputed": Order.Status.DISPUTED,
    }
    figures = orders.aggregate(
        **{name: Count("id", filter=Q(status=status)) for name, status in statuses.items()},
        held_fen=Coalesce(Sum("subsidy_fen", filter=Q(status__in=Order.OPEN_STATUSES)), 0),
        captured_fen=Coalesce(
            Sum("captured_subsidy_fen", filter=Q(status=Order.Status.COMPLETED)), 0
        ),
    )
    figures["captured_by_month"] = dict(
        orders.filter(status=Order.Status.COMPLETED, resolved_at__gte=months_from)
        .annotate(month=TruncMonth("resolved_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Coalesce(Sum("captured_subsidy_fen"), 0))
        .values_list("month", "total")
    )
    return figures


def catalogue_for(*, user: User, search: str = "") -> QuerySet[Offering]:
    """The active offerings (searched by name), each annotated with `voucher_rate_bps`: the
    best rate among the caller's firm's live vouchers with a free balance in the offering's
    programme and category (None without one; always None for a caller who is not a firm)."""
    queryset = offerings_for(user=user).filter(status=Offering.Status.ACTIVE)
    if search.strip():
        queryset = queryset.filter(name__icontains=search.strip())
    firm_id = user.organisation_id if user.roles & FIRM_ROLES else None
    free = F("account__credits_posted") - F("account__debits_posted") - F("account__debits_pending")
    rates = (
        Voucher.objects.filter(
            firm_id=firm_id,
            programme_id=OuterRef("programme_id"),
            category=OuterRef("category"),
            status=Voucher.Status.ACTIVE,
            valid_until__gt=Now(),
        )
        .alias(free_fen=free)
        .filter(free_fen__gt=0)
        .order_by("-rate_bps")
        .values("rate_bps")[:1]
    )
    return queryset.annotate(voucher_rate_bps=Subquery(rates))


def catalogue_prices(offerings: Iterable[Offering]) -> list[Offering]:
    """The offerings of `catalogue_for`, each with `subsidised_unit_price_fen`: what the firm
    pays per unit under its voucher before the voucher's balance and the yearly cap limit it,
    `price − floor(price × rate)` (the order's own rounding); None without a voucher."""
    rows = list(offerings)
    for offering in rows:
        rate = getattr(offering, "voucher_rate_bps", None)
        offering.subsidised_unit_price_fen = (  # type: ignore[attr-defined]
            None
            if rate is None
            else offering.unit_price_fen - subsidy_of(offering.unit_price_fen, rate)
        )
    return rows


def order_rows_for(*, user: User) -> QuerySet[Order]:
    """`orders_for`, with each order's offering and provider, for a page of orders."""
    return orders_for(user=user).select_related("offering", "provider")


def order_page_for(*, user: User, order_id: uuid.UUID) -> Order | None:
    """One order the caller may see, with its offering, provider, voucher and deliveries;
    None when there is no such order or it is not the caller's."""
    return (
        order_rows_for(user=user)
        .select_related("voucher")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("created_at")))
        .filter(pk=order_id)
        .first()
    )
