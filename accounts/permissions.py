"""Role checks, written once. Object scoping lives in the selectors (404 for other tenants)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.roles import ADMIN_ROLES, FIRM_ROLES, PROVIDER_ROLES, STAFF_ROLES, Role


class HasRole(BasePermission):
    """Allows authenticated users holding any of `roles`. Build one with `role_required`."""

    roles: frozenset[str] = frozenset()
    message = "Your role does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_role(*self.roles))


def role_required(*roles: str) -> type[HasRole]:
    name = "Has_" + "_or_".join(sorted(roles))
    return type(name, (HasRole,), {"roles": frozenset(roles)})


IsOrganisationAdmin = role_required(*ADMIN_ROLES)
IsOrganisationMember = role_required(*(FIRM_ROLES | PROVIDER_ROLES))
IsFirmAdmin = role_required(Role.FIRM_ADMIN)
IsFirm = role_required(*FIRM_ROLES)
IsProviderAdmin = role_required(Role.PROVIDER_ADMIN)
IsProvider = role_required(*PROVIDER_ROLES)
IsStaff = role_required(*STAFF_ROLES)
IsProgrammeOfficer = role_required(Role.PROGRAMME_OFFICER)
IsFinanceOfficer = role_required(Role.FINANCE_OFFICER)
