"""A partner-portal world built through the real services: the SH2025 programme, a provider
(admin and member) accredited in compute with a bank account, and helpers that take orders
through their lifecycle and settle them into a sent or paid payout (tests/settlement's
`World`, reused)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.test import Client

from accounts.models import User
from accounts.roles import Role
from marketplace.models import Order
from settlement import reconciliation
from settlement import services as settlement
from settlement.models import Payout, PayoutBatch
from tests import factories
from tests.settlement.conftest import CODE, World, paid_line, statement

__all__ = ["CODE", "ProviderWorld", "signed_in"]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class ProviderWorld:
    world: World
    admin: User
    member: User

    def order(self, subsidy_fen: int) -> Order:
        """pending_provider, with `subsidy_fen` held."""
        return self.world.place(self.admin, subsidy_fen)

    def accepted(self, subsidy_fen: int) -> Order:
        from marketplace import services

        order = self.order(subsidy_fen)
        return services.order_accept(actor=self.admin, order_id=order.pk)

    def awaiting(self, subsidy_fen: int) -> Order:
        return self.world.awaiting(self.admin, subsidy_fen)

    def captured(self, subsidy_fen: int) -> Order:
        return self.world.capture(self.admin, subsidy_fen)

    def batch(self, *, approve: bool = True) -> PayoutBatch:
        """A batch prepared through the services (the worker's task, run here), submitted by
        the maker and approved by the checker: its payouts are sent."""
        batch = settlement.payout_batch_request(
            programme=self.world.programme, actor=self.world.maker
        )
        settlement.payout_batch_prepare(batch_id=batch.pk)
        batch.refresh_from_db()
        if approve:
            settlement.payout_batch_submit(batch=batch, actor=self.world.maker)
            settlement.payout_batch_approve(batch=batch, actor=self.world.checker)
            batch.refresh_from_db()
        return batch

    def payout(self, batch: PayoutBatch) -> Payout:
        return Payout.objects.get(batch=batch, provider=self.admin.organisation)

    def pay(self, payout: Payout) -> None:
        """The bank's statement says the payout was paid."""
        line = paid_line({"reference": payout.reference, "amount_fen": payout.amount_fen})
        reconciliation.statement_import(
            upload=io.BytesIO(statement(line)),
            filename=f"paid-{payout.reference}.csv",
            actor=self.world.maker,
        )


def provider_world(world: World) -> ProviderWorld:
    admin = world.provider()
    member = factories.user_with_role(Role.PROVIDER_MEMBER, admin.organisation)
    return ProviderWorld(world=world, admin=admin, member=member)
