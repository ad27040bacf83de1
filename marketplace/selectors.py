from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES
from marketplace.models import Offering, Order


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
