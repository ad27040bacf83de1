"""A firm's world for the portal's tests, made through the services (tests/factories.py): a
programme with a compute pool (30%) and a model pool (50%), an accredited compute provider
selling "A100 hour" at ¥20.00 per GPU-hour, and a firm whose admin holds a ¥1,000.00 compute
voucher."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Organisation, User
from accounts.roles import Role
from core.money import Category
from marketplace.models import Offering
from programmes.models import Programme
from tests import factories
from vouchers.models import Voucher


@dataclass
class FirmWorld:
    programme: Programme
    officer: User
    provider_admin: User
    offering: Offering
    firm_admin: User
    firm: Organisation
    voucher: Voucher


def firm_world(*, firm_admin: User | None = None, voucher_fen: int = 100_000) -> FirmWorld:
    programme: Programme = factories.ProgrammeFactory.create(name="Shanghai AI Vouchers")
    factories.BudgetPoolFactory(programme=programme, category=Category.COMPUTE, rate_bps=3000)
    factories.BudgetPoolFactory(programme=programme, category=Category.MODEL, rate_bps=5000)
    officer = factories.user_with_role(Role.PROGRAMME_OFFICER)
    provider_admin = factories.accredited_provider_admin(programme, officer=officer)
    offering = factories.listed_offering(provider_admin, programme, unit_price_fen=2000)
    firm_admin = firm_admin or factories.user_with_role(Role.FIRM_ADMIN)
    voucher = factories.issued_voucher(
        programme, requested_fen=voucher_fen, firm_admin=firm_admin, officer=officer
    )
    firm = firm_admin.organisation
    assert firm is not None
    return FirmWorld(programme, officer, provider_admin, offering, firm_admin, firm, voucher)
