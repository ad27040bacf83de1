from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from accounts.roles import Role
from core.models import AuditEvent
from ledger.models import Account, Entry, Transfer
from marketplace.models import Offering, Order
from programmes.models import BudgetPool, Programme
from tests.factories import seeded_programme, user_with_role
from vouchers.models import FirmCapUsage, Voucher, VoucherApplication

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    Programme,
    BudgetPool,
    VoucherApplication,
    Voucher,
    FirmCapUsage,
    Offering,
    Order,
    Account,
    Transfer,
    Entry,
    AuditEvent,
)


def _db_state() -> dict[str, Any]:
    """Everything a refused request must leave untouched: row counts, every ledger balance,
    and the state of applications, vouchers and firm caps."""
    return {
        "rows": {model.__name__: model.objects.count() for model in _COUNTED},
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
        "applications": sorted(
            (str(pk), status, approved)
            for pk, status, approved in VoucherApplication.objects.values_list(
                "id", "status", "approved_fen"
            )
        ),
        "vouchers": sorted(
            (str(pk), status, returned)
            for pk, status, returned in Voucher.objects.values_list("id", "status", "returned_fen")
        ),
        "caps": sorted(FirmCapUsage.objects.values_list("id", "used_fen")),
    }


@pytest.fixture
def db_state(db: None) -> Callable[[], dict[str, Any]]:
    return _db_state
