"""Reads for programmes and their pools."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from core.exceptions import NotFoundError, ValidationError
from ledger.models import Account
from programmes.models import BudgetPool, Programme


def programmes_visible(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.prefetch_related("pools__account").order_by("code")


def programme_get(*, code: str) -> Programme:
    programme = Programme.objects.prefetch_related("pools__account").filter(code=code).first()
    if programme is None:
        raise NotFoundError(f"No programme {code}.")
    return programme


def programme_for_input(code: str, field: str = "programme") -> Programme:
    """The programme a request body names by code; an unknown code is bad input (400)."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise ValidationError(f"No programme {code}.", fields={field: ["No such programme."]})
    return programme


def pool_figures(pool: BudgetPool) -> dict[str, int]:
    account: Account = pool.account
    available = account.available
    return {"available_fen": available, "committed_fen": pool.budget_fen - available}
