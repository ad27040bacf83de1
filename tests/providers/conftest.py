from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Account, Entry, Transfer
from marketplace.models import Offering, Order
from programmes.models import Programme
from providers.models import Accreditation, AccreditationRequest, BankAccount
from tests.factories import seeded_programme, user_with_role
from vouchers.models import Voucher


@pytest.fixture(autouse=True)
def _programme_clock(clock: Any) -> None:
    """The clock stands still at NOW unless a test moves it."""


@pytest.fixture
def sh2025(db: None) -> Programme:
    programme, _ = seeded_programme(preset="shanghai-2025", code="SH2025")
    return programme


@pytest.fixture
def officer(db: None) -> User:
    return user_with_role(Role.PROGRAMME_OFFICER)


_COUNTED = (
    AccreditationRequest,
    Accreditation,
    BankAccount,
    Offering,
    Order,
    Voucher,
    Account,
    Transfer,
    Entry,
    AuditEvent,
)


def _db_state() -> dict[str, Any]:
    """Everything a refused request must leave untouched."""
    return {
        "rows": {model.__name__: model.objects.count() for model in _COUNTED},
        "requests": sorted(
            (str(pk), status, reason)
            for pk, status, reason in AccreditationRequest.objects.values_list(
                "id", "status", "reason"
            )
        ),
        "accreditations": sorted(
            (str(pk), status) for pk, status in Accreditation.objects.values_list("id", "status")
        ),
        "offerings": sorted(
            (str(pk), status) for pk, status in Offering.objects.values_list("id", "status")
        ),
        "bank_accounts": sorted(
            BankAccount.objects.values_list("account_name", "account_number", "bank_name")
        ),
        "balances": sorted(
            Account.objects.values_list(
                "ledger",
                "code",
                "debits_pending",
                "debits_posted",
                "credits_pending",
                "credits_posted",
            )
        ),
    }


@pytest.fixture
def db_state(db: None) -> Callable[[], dict[str, Any]]:
    return _db_state
