"""Random runs of the whole money flow (DESIGN.md 2-3) against a small Python model.

Hypothesis drives orders (random provider, firm and quantity), deliveries of part of an order,
confirmations, disputes resolved either way, cancellations, voucher revocations, payout
batches (prepared, submitted by one finance officer and approved by another), bank statements
that pay some sent payouts and return some paid ones, and clawbacks, all through the services.

After every step:
- `ledger_check` passes for the programme;
- the state agrees with the model: each order's status and captured subsidy, each voucher's
  free balance and what it returned to its pool, each payable's due, each payout and batch;
- the programme report (`settlement.selectors.programme_report`) equals the sum of its parts:
  every figure is recomputed from the domain rows (orders, vouchers, clawbacks, payouts) and
  from the ledger accounts, and the identities that tie them together hold (see
  `_assert_report_adds_up`).

The world (a programme, providers, firms and their vouchers) is built once per test; each
example runs in a savepoint that is rolled back, so examples never see each other.
"""

from __future__ import annotations

import io
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import ClassVar

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import User
from accounts.roles import Role
from core.exceptions import SubsidyRuleError
from core.money import gross_of, proportion_of, yuan
from ledger import services as ledger
from ledger.checks import ledger_check
from ledger.models import Account, Entry, Transfer
from ledger.services import Balance
from marketplace import services as market
from marketplace.models import Order, Unit
from programmes.models import Programme
from providers.models import Accreditation
from providers.services import bank_account_set
from settlement import reconciliation
from settlement import services as settlement
from settlement.models import Clawback, Payout, PayoutBatch, PayoutPart
from settlement.selectors import programme_report
from tests.factories import (
    accredited_provider_admin,
    issued_voucher,
    listed_offering,
    seeded_programme,
    user_with_role,
)
from vouchers import services as vouchers
from vouchers.models import Voucher

CATEGORIES = ("compute", "model")
PRICES = {"compute": 2000, "model": 1200}  # fen per unit
UNITS = {"compute": Unit.GPU_HOUR, "model": Unit.MILLION_TOKENS}
FACE_VALUES = {"compute": 50_000, "model": 40_000}  # small: a few orders exhaust a voucher
OPEN = Order.OPEN_STATUSES  # orders whose subsidy is held
SENT = (Payout.Status.SENT, Payout.Status.PAID)
UNAPPROVED = (PayoutBatch.Status.DRAFT, PayoutBatch.Status.SUBMITTED)

# A quantity in thousandths (0.001 to 40 units), and a delivered share in per mille.
quantities = st.integers(min_value=1, max_value=40_000)
shares = st.integers(min_value=1, max_value=1000)
indices = st.integers(min_value=0, max_value=99)


# --- the world, built once per test ------------------------------------------------------


@dataclass(frozen=True)
class OfferingInfo:
    id: uuid.UUID
    provider_id: uuid.UUID
    provider_admin: User
    category: str
    price_fen: int
    rate_bps: int


@dataclass(frozen=True)
class FirmInfo:
    admin: User
    vouchers: dict[str, uuid.UUID]  # category -> voucher


@dataclass(frozen=True)
class World:
    programme: Programme
    officer: User
    maker: User
    checker: User
    offerings: list[OfferingInfo]
    firms: list[FirmInfo]
    providers: list[uuid.UUID]
    banked: frozenset[uuid.UUID]


def _build_world() -> World:
    """Three providers (one in both categories; one without a bank account, whose payouts are
    held) and two firms with a voucher in each category, through the services."""
    programme, _ = seeded_programme(preset="shanghai-2025", code="FLOW")
    officer = user_with_role(Role.PROGRAMME_OFFICER)
    maker = user_with_role(Role.FINANCE_OFFICER)
    checker = user_with_role(Role.FINANCE_OFFICER)
    rates = dict(programme.pools.values_list("category", "rate_bps"))
    offerings: list[OfferingInfo] = []
    providers: list[uuid.UUID] = []
    banked: set[uuid.UUID] = set()
    for index, (categories, has_bank) in enumerate(
        [(("compute", "model"), True), (("compute",), True), (("model",), False)]
    ):
        admin = accredited_provider_admin(programme, categories, officer=officer)
        provider_id = admin.organisation_id
        assert provider_id is not None
        providers.append(provider_id)
        if has_bank:
            bank_account_set(
                actor=admin,
                account_name=f"Provider {index}",
                account_number=f"62170000{index:010d}",
                bank_name="Bank of Shanghai",
            )
            banked.add(provider_id)
        for category in categories:
            offering = listed_offering(
                admin,
                programme,
                category,
                unit_price_fen=PRICES[category],
                unit=UNITS[category],
                name=f"{category} by provider {index}",
            )
            offerings.append(
                OfferingInfo(
                    offering.pk, provider_id, admin, category, PRICES[category], rates[category]
                )
            )
    firms = []
    for _ in range(2):
        firm_admin = user_with_role(Role.FIRM_ADMIN)
        firms.append(
            FirmInfo(
                firm_admin,
                {
                    category: issued_voucher(
                        programme,
                        category,
                        FACE_VALUES[category],
                        firm_admin=firm_admin,
                        officer=officer,
                    ).pk
                    for category in CATEGORIES
                },
            )
        )
    return World(programme, officer, maker, checker, offerings, firms, providers, frozenset(banked))


# --- the model ---------------------------------------------------------------------------


@dataclass
class VoucherModel:
    free: int
    returned: int = 0
    revoked: bool = False


@dataclass
class OrderModel:
    offering: OfferingInfo
    firm: FirmInfo
    voucher_id: uuid.UUID
    quantity: Decimal
    subsidy: int
    status: str = Order.Status.PENDING_PROVIDER
    delivered: Decimal = Decimal(0)
    captured: int = 0
    clawed_back: bool = False


@dataclass
class PayoutModel:
    batch_id: uuid.UUID
    provider_id: uuid.UUID
    amount: int
    status: str
    parts: dict[str, int] = field(default_factory=dict)


def _thousandths(n: int) -> Decimal:
    return Decimal(n).scaleb(-3)


class FlowMachine(RuleBasedStateMachine):
    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        world = self.world
        self.programme = world.programme
        self.vouchers = {
            voucher_id: VoucherModel(free=FACE_VALUES[category])
            for firm in world.firms
            for category, voucher_id in firm.vouchers.items()
        }
        self.orders: dict[uuid.UUID, OrderModel] = {}
        self.payouts: dict[uuid.UUID, PayoutModel] = {}
        self.batches: dict[uuid.UUID, str] = {}
        # What each provider is owed per category: captured, less clawbacks, less what batches
        # claimed, plus what the bank returned.
        self.due: Counter[tuple[uuid.UUID, str]] = Counter()
        self.statements = 0
        self.uploads: dict[bytes, uuid.UUID] = {}  # statement file -> its import

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -----------------------------------------------------------------------

    def _orders_in(self, *statuses: str) -> list[uuid.UUID]:
        return [k for k, o in self.orders.items() if o.status in statuses]

    def _pick(self, data: st.DataObject, ids: list[uuid.UUID], label: str) -> uuid.UUID:
        """Lists are in the order things happened, never sorted by id: ids are random, and a
        replayed example must pick the same thing again."""
        return data.draw(st.sampled_from(ids), label=label)

    def _release(self, order: OrderModel, captured: int) -> None:
        """The hold is resolved: the rest goes back to the voucher, or to the pool if the
        voucher was revoked meanwhile."""
        voucher = self.vouchers[order.voucher_id]
        released = order.subsidy - captured
        if voucher.revoked:
            voucher.returned += released
        else:
            voucher.free += released

    def _place(self, offering_index: int, firm_index: int, quantity: int) -> uuid.UUID | None:
        world = self.world
        offering = world.offerings[offering_index % len(world.offerings)]
        firm = world.firms[firm_index % len(world.firms)]
        voucher_id = firm.vouchers[offering.category]
        voucher = self.vouchers[voucher_id]
        amount = _thousandths(quantity)
        refusal = None
        if voucher.revoked:
            refusal = "voucher_revoked"
        elif voucher.free <= 0:
            refusal = "insufficient_budget"
        if refusal:
            # In a savepoint, as a request's transaction holds it: a refusal dooms the
            # transaction the service joins.
            with pytest.raises(SubsidyRuleError) as refused, transaction.atomic():
                market.order_place(
                    actor=firm.admin,
                    offering_id=offering.id,
                    quantity=amount,
                    voucher_id=voucher_id,
                )
            assert refused.value.code == refusal
            return None
        order = market.order_place(
            actor=firm.admin, offering_id=offering.id, quantity=amount, voucher_id=voucher_id
        )
        gross = gross_of(amount, offering.price_fen)
        subsidy = min(gross * offering.rate_bps // 10_000, voucher.free)
        assert (order.gross_fen, order.subsidy_fen) == (gross, subsidy)
        voucher.free -= subsidy
        self.orders[order.pk] = OrderModel(offering, firm, voucher_id, amount, subsidy)
        return order.pk

    def _deliver(self, order_id: uuid.UUID, share: int) -> None:
        order = self.orders[order_id]
        provider = order.offering.provider_admin
        delivered = max(
            (order.quantity * share / 1000).quantize(Decimal("0.001"), rounding=ROUND_DOWN),
            Decimal("0.001"),
        )
        market.order_accept(actor=provider, order_id=order_id)
        market.delivery_report(
            actor=provider,
            order_id=order_id,
            quantity=delivered,
            invoice_number=f"FP-{str(order_id)[:8]}",
        )
        market.order_complete(actor=provider, order_id=order_id)
        order.status = Order.Status.AWAITING_CONFIRMATION
        order.delivered = delivered

    def _captured(self, order_id: uuid.UUID, captured: int | None) -> None:
        order = self.orders[order_id]
        expected = proportion_of(order.subsidy, order.delivered, order.quantity)
        assert captured == expected
        assert captured is not None
        order.status = Order.Status.COMPLETED
        order.captured = captured
        self._release(order, captured)
        self.due[order.offering.provider_id, order.offering.category] += captured

    def _confirm(self, order_id: uuid.UUID) -> None:
        order = self.orders[order_id]
        done = market.order_confirm(actor=order.firm.admin, order_id=order_id)
        self._captured(order_id, done.captured_subsidy_fen)

    # --- the rules -----------------------------------------------------------------------

    @initialize(
        seeds=st.lists(
            st.tuples(indices, indices, quantities, shares, st.sampled_from([2, 1, 0, 2])),
            min_size=2,
            max_size=4,
        )
    )
    def seed(self, seeds: list[tuple[int, int, int, int, int]]) -> None:
        """Start with a few orders: placed (stage 0), delivered (1) or confirmed (2), so that
        every rule has work from the first step."""
        for offering_index, firm_index, quantity, share, stage in seeds:
            order_id = self._place(offering_index, firm_index, quantity)
            if order_id is not None and stage >= 1:
                self._deliver(order_id, share)
            if order_id is not None and stage >= 2:
                self._confirm(order_id)

    @rule(pick=st.tuples(indices, indices, quantities))
    def place_order(self, pick: tuple[int, int, int]) -> None:
        self._place(*pick)

    @precondition(lambda self: bool(self._orders_in(Order.Status.PENDING_PROVIDER)))
    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        """The provider accepts, delivers part (or all) of the order, and completes it."""
        order_id = self._pick(data, self._orders_in(Order.Status.PENDING_PROVIDER), "order")
        self._deliver(order_id, data.draw(shares, label="share"))

    @precondition(lambda self: bool(self._orders_in(Order.Status.AWAITING_CONFIRMATION)))
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        order_id = self._pick(data, self._orders_in(Order.Status.AWAITING_CONFIRMATION), "order")
        self._confirm(order_id)

    @precondition(lambda self: bool(self._orders_in(Order.Status.AWAITING_CONFIRMATION)))
    @rule(data=st.data())
    def dispute(self, data: st.DataObject) -> None:
        """The firm disputes; a programme officer confirms (capture) or voids (release)."""
        order_id = self._pick(data, self._orders_in(Order.Status.AWAITING_CONFIRMATION), "order")
        uphold = data.draw(st.booleans(), label="uphold")
        order = self.orders[order_id]
        market.order_dispute(actor=order.firm.admin, order_id=order_id, reason="Not delivered")
        resolved = market.order_resolve(
            actor=self.world.officer, order_id=order_id, outcome="confirm" if uphold else "void"
        )
        if uphold:
            self._captured(order_id, resolved.captured_subsidy_fen)
        else:
            assert resolved.status == Order.Status.VOIDED
            order.status = Order.Status.VOIDED
            self._release(order, 0)

    @precondition(lambda self: bool(self._orders_in(Order.Status.PENDING_PROVIDER)))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order_id = self._pick(data, self._orders_in(Order.Status.PENDING_PROVIDER), "order")
        order = self.orders[order_id]
        market.order_cancel(actor=order.firm.admin, order_id=order_id)
        order.status = Order.Status.CANCELLED
        self._release(order, 0)

    @precondition(lambda self: not any(v.revoked for v in self.vouchers.values()))
    @rule(data=st.data())
    def revoke_voucher(self, data: st.DataObject) -> None:
        """Its free balance returns to the pool; its open holds stay until they resolve. At
        most one voucher per run, so that orders go on."""
        active = [k for k, v in self.vouchers.items() if not v.revoked]
        voucher_id = self._pick(data, active, "voucher")
        vouchers.voucher_revoke(
            voucher=Voucher.objects.get(pk=voucher_id),
            reason="Ineligible",
            actor=self.world.officer,
        )
        voucher = self.vouchers[voucher_id]
        voucher.returned += voucher.free
        voucher.free = 0
        voucher.revoked = True

    @precondition(
        lambda self: any(
            o.status == Order.Status.COMPLETED and o.captured and not o.clawed_back
            for o in self.orders.values()
        )
    )
    @rule(data=st.data())
    def clawback(self, data: st.DataObject) -> None:
        """A captured subsidy found ineligible goes back to the pool; the provider owes it."""
        candidates = [
            k
            for k, o in self.orders.items()
            if o.status == Order.Status.COMPLETED and o.captured and not o.clawed_back
        ]
        order_id = self._pick(data, candidates, "order")
        order = self.orders[order_id]
        clawback = settlement.clawback_create(
            order_id=order_id, reason="Related party", actor=self.world.maker
        )
        assert clawback.amount_fen == order.captured
        order.clawed_back = True
        self.due[order.offering.provider_id, order.offering.category] -= order.captured

    @precondition(lambda self: any(due > 0 for due in self.due.values()))
    @rule(advance=st.sampled_from(["approved", "submitted", "draft", "approved"]))
    def prepare_batch(self, advance: str) -> None:
        """A batch gathers what each provider is owed: one payout per provider, one part per
        category with something due; a provider without a bank account gets a held payout that
        claims nothing."""
        world = self.world
        batch = settlement.payout_batch_request(programme=self.programme, actor=world.maker)
        settlement.payout_batch_prepare(batch_id=batch.pk)  # Celery's on_commit never fires here
        expected: dict[uuid.UUID, tuple[int, str, dict[str, int]]] = {}
        for provider_id in world.providers:
            dues = {
                category: due
                for (provider, category), due in self.due.items()
                if provider == provider_id and due > 0
            }
            if not dues:
                continue
            if provider_id in world.banked:
                expected[provider_id] = (sum(dues.values()), Payout.Status.PENDING, dues)
                for category in dues:
                    self.due[provider_id, category] = 0
            else:
                expected[provider_id] = (sum(dues.values()), Payout.Status.HELD, {})
        payouts = list(Payout.objects.filter(batch=batch).prefetch_related("parts"))
        actual = {
            p.provider_id: (
                p.amount_fen,
                p.status,
                {x.category: x.amount_fen for x in p.parts.all()},
            )
            for p in payouts
        }
        assert actual == expected
        batch.refresh_from_db()
        assert batch.status == PayoutBatch.Status.DRAFT
        assert batch.total_fen == sum(
            amount for amount, status, _ in expected.values() if status != Payout.Status.HELD
        )
        self.batches[batch.pk] = PayoutBatch.Status.DRAFT
        for payout in sorted(payouts, key=lambda p: world.providers.index(p.provider_id)):
            self.payouts[payout.pk] = PayoutModel(
                batch.pk, payout.provider_id, *expected[payout.provider_id]
            )
        if advance != "draft":
            self._advance(batch.pk)
        if advance == "approved":
            self._advance(batch.pk)

    @precondition(lambda self: any(s in UNAPPROVED for s in self.batches.values()))
    @rule(data=st.data())
    def advance_batch(self, data: st.DataObject) -> None:
        waiting = [k for k, s in self.batches.items() if s in UNAPPROVED]
        self._advance(self._pick(data, waiting, "batch"))

    def _advance(self, batch_id: uuid.UUID) -> None:
        """Submit a draft (the maker), or approve a submitted batch (the checker: the maker may
        not approve what they submitted). Approval sends the batch's pending payouts; a batch
        with none to send stays approved until a statement import closes it."""
        world = self.world
        batch = PayoutBatch.objects.get(pk=batch_id)
        if self.batches[batch_id] == PayoutBatch.Status.DRAFT:
            settlement.payout_batch_submit(batch=batch, actor=world.maker)
            self.batches[batch_id] = PayoutBatch.Status.SUBMITTED
            return
        with pytest.raises(SubsidyRuleError) as refused:
            settlement.payout_batch_approve(batch=batch, actor=world.maker)
        assert refused.value.code == "self_approval"
        settlement.payout_batch_approve(batch=batch, actor=world.checker)
        self.batches[batch_id] = PayoutBatch.Status.APPROVED
        for payout in self.payouts.values():
            if payout.batch_id == batch_id and payout.status == Payout.Status.PENDING:
                payout.status = Payout.Status.SENT

    @precondition(lambda self: any(p.status in SENT for p in self.payouts.values()))
    @rule(data=st.data())
    def bank_statement(self, data: st.DataObject) -> None:
        """A statement pays some sent payouts and returns some paid ones (perhaps paid by
        this same statement), and perhaps carries a line that matches nothing."""
        self.statements += 1
        sent = [k for k, p in self.payouts.items() if p.status == Payout.Status.SENT]
        paid = [k for k, p in self.payouts.items() if p.status == Payout.Status.PAID]
        to_pay = data.draw(st.lists(st.sampled_from(sent), unique=True), "pay") if sent else []
        returnable = paid + to_pay
        to_return = (
            data.draw(st.lists(st.sampled_from(returnable), unique=True), "return")
            if returnable
            else []
        )
        junk = data.draw(st.booleans(), "junk")
        references = dict(
            Payout.objects.filter(pk__in=[*to_pay, *to_return]).values_list("pk", "reference")
        )
        lines = [",".join(reconciliation.HEADER)]
        for sign, payout_ids in (("-", to_pay), ("", to_return)):
            for payout_id in payout_ids:
                text = yuan(self.payouts[payout_id].amount)
                lines.append(
                    f"2026-01-05,{references[payout_id]},{sign}{text},CNY,,"
                    f"statement {self.statements}"
                )
        if junk:
            lines.append(f"2026-01-05,PO-NOSUCHREF,-1.00,CNY,,statement {self.statements}")
        content = ("\n".join(lines) + "\n").encode()
        statement, new = reconciliation.statement_import(
            upload=io.BytesIO(content), filename="statement.csv", actor=self.world.maker
        )
        # A statement with no lines has the same bytes as any other: it is imported once.
        assert new == (content not in self.uploads)
        self.uploads.setdefault(content, statement.pk)
        if not new:
            assert statement.pk == self.uploads[content]
            return
        assert (statement.lines, statement.matched, statement.exceptions) == (
            len(to_pay) + len(to_return) + junk,
            len(to_pay) + len(to_return),
            int(junk),
        )
        for payout_id in to_pay:
            self.payouts[payout_id].status = Payout.Status.PAID
        for payout_id in to_return:
            payout = self.payouts[payout_id]
            payout.status = Payout.Status.RETURNED
            for category, amount in payout.parts.items():
                self.due[payout.provider_id, category] += amount
        for batch_id, status in self.batches.items():
            if status == PayoutBatch.Status.APPROVED and not any(
                p.batch_id == batch_id and p.status in (Payout.Status.PENDING, Payout.Status.SENT)
                for p in self.payouts.values()
            ):
                self.batches[batch_id] = PayoutBatch.Status.CLOSED

    @precondition(lambda self: bool(self.uploads))
    @rule(data=st.data())
    def bank_statement_again(self, data: st.DataObject) -> None:
        """The same file uploaded again returns the first import and moves nothing."""
        content = data.draw(st.sampled_from(list(self.uploads)), "statement")
        statement, new = reconciliation.statement_import(
            upload=io.BytesIO(content), filename="again.csv", actor=self.world.maker
        )
        assert not new
        assert statement.pk == self.uploads[content]

    # --- the invariant -------------------------------------------------------------------

    @invariant()
    def adds_up(self) -> None:
        report = ledger_check(self.programme.code)
        assert report.ok, "\n".join(report.lines())
        snapshot = Snapshot.take(self.programme)
        self._assert_agrees_with_the_model(snapshot)
        _assert_no_subsidy_claimed_twice(snapshot)
        _assert_report_adds_up(self.programme, snapshot)

    def _assert_agrees_with_the_model(self, snapshot: Snapshot) -> None:
        assert {o.pk: (o.status, o.captured) for o in snapshot.orders} == {
            pk: (o.status, o.captured) for pk, o in self.orders.items()
        }
        assert {c.order_id for c in snapshot.clawbacks} == {
            pk for pk, o in self.orders.items() if o.clawed_back
        }
        assert {v.pk: (v.free, v.returned, v.revoked) for v in snapshot.vouchers} == {
            pk: (v.free, v.returned, v.revoked) for pk, v in self.vouchers.items()
        }
        assert {p.pk: (p.status, p.amount) for p in snapshot.payouts} == {
            pk: (p.status, p.amount) for pk, p in self.payouts.items()
        }
        assert {pk: status for pk, (status, _) in snapshot.batches.items()} == self.batches
        # Each payable holds what its provider is owed: pending claims count as taken.
        assert {
            key: snapshot.payables[account_id].available
            for key, account_id in snapshot.payable_of.items()
        } == {key: self.due[key] for key in snapshot.payable_of}


# --- reading the state back --------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    pk: uuid.UUID
    provider_id: uuid.UUID
    category: str
    status: str
    subsidy: int
    captured: int


@dataclass(frozen=True)
class VoucherRow:
    pk: uuid.UUID
    category: str
    face: int
    returned: int
    revoked: bool
    free: int  # credits - debits - pending debits of its account
    posted_balance: int  # credits - debits


@dataclass(frozen=True)
class ClawbackRow:
    order_id: uuid.UUID
    category: str
    amount: int


@dataclass(frozen=True)
class PayoutRow:
    pk: uuid.UUID
    batch_id: uuid.UUID
    provider_id: uuid.UUID
    status: str
    amount: int


@dataclass(frozen=True)
class PartRow:
    payout_id: uuid.UUID
    category: str
    amount: int
    payable_id: uuid.UUID
    claim_id: uuid.UUID


@dataclass(frozen=True)
class ClaimRow:
    pk: uuid.UUID
    phase: str
    pending_id: uuid.UUID | None
    amount: int
    debit_id: uuid.UUID


@dataclass(frozen=True)
class Snapshot:
    """The programme's rows and balances, read in a dozen queries."""

    pools: dict[str, tuple[int, int]]  # category -> (budget, pool account's available)
    orders: list[OrderRow]
    vouchers: list[VoucherRow]
    clawbacks: list[ClawbackRow]
    batches: dict[uuid.UUID, tuple[str, int]]  # -> (status, total)
    payouts: list[PayoutRow]
    parts: list[PartRow]
    claims: list[ClaimRow]
    payable_of: dict[tuple[uuid.UUID, str], uuid.UUID]  # (provider, category) -> account
    payables: dict[uuid.UUID, Balance]
    accounts: dict[str, Balance]  # bank:clearing and disbursed

    @classmethod
    def take(cls, programme: Programme) -> Snapshot:
        balance = ("account__credits_posted", "account__debits_posted", "account__debits_pending")
        pools = {
            category: (budget, credits - debits - pending)
            for category, budget, credits, debits, pending in programme.pools.values_list(
                "category", "budget_fen", *balance
            )
        }
        orders = [
            OrderRow(pk, provider, category, status, subsidy, captured or 0)
            for pk, provider, category, status, subsidy, captured in Order.objects.filter(
                programme=programme
            ).values_list(
                "pk", "provider_id", "category", "status", "subsidy_fen", "captured_subsidy_fen"
            )
        ]
        vouchers = [
            VoucherRow(
                pk,
                category,
                face,
                returned,
                status == Voucher.Status.REVOKED,
                credits - debits - pending,
                credits - debits,
            )
            for pk, category, face, returned, status, credits, debits, pending in (
                Voucher.objects.filter(programme=programme).values_list(
                    "pk", "category", "face_value_fen", "returned_fen", "status", *balance
                )
            )
        ]
        clawbacks = [
            ClawbackRow(*row)
            for row in Clawback.objects.filter(order__programme=programme).values_list(
                "order_id", "category", "amount_fen"
            )
        ]
        batches = {
            pk: (status, total)
            for pk, status, total in PayoutBatch.objects.filter(programme=programme).values_list(
                "pk", "status", "total_fen"
            )
        }
        payouts = [
            PayoutRow(*row)
            for row in Payout.objects.filter(batch__programme=programme).values_list(
                "pk", "batch_id", "provider_id", "status", "amount_fen"
            )
        ]
        parts = [
            PartRow(*row)
            for row in PayoutPart.objects.filter(payout__batch__programme=programme).values_list(
                "payout_id", "category", "amount_fen", "payable_account_id", "claim_transfer_id"
            )
        ]
        claims = [
            ClaimRow(*row)
            for row in Transfer.objects.filter(
                ledger=programme.code, kind="payout_send"
            ).values_list("pk", "phase", "pending_id", "amount", "debit_account_id")
        ]
        payable_of = {
            (provider, category): account
            for provider, category, account in Accreditation.objects.filter(
                programme=programme
            ).values_list("provider_id", "category", "payable_account_id")
        }
        payables = dict.fromkeys(payable_of.values(), Balance())
        payables.update(ledger.entry_balances(Entry.objects.filter(account_id__in=payables)))
        accounts = {
            code: Balance(
                debits_pending=row[0],
                debits_posted=row[1],
                credits_pending=row[2],
                credits_posted=row[3],
            )
            for code, *row in Account.objects.filter(
                ledger=programme.code, code__in=["bank:clearing", "disbursed"]
            ).values_list(
                "code", "debits_pending", "debits_posted", "credits_pending", "credits_posted"
            )
        }
        return cls(
            pools,
            orders,
            vouchers,
            clawbacks,
            batches,
            payouts,
            parts,
            claims,
            payable_of,
            payables,
            accounts,
        )


def _assert_no_subsidy_claimed_twice(snapshot: Snapshot) -> None:
    """One pending `payout_send` claim per payout part, for the part's amount from its payable;
    posted in full once its batch is approved, never voided; held payouts claim nothing; a
    payout is the sum of its parts, and a batch the sum of its payouts that are not held."""
    pending = {c.pk: c for c in snapshot.claims if c.phase == Transfer.Phase.PENDING}
    resolutions = {c.pending_id: c for c in snapshot.claims if c.phase != Transfer.Phase.PENDING}
    assert len(pending) + len(resolutions) == len(snapshot.claims)
    assert set(pending) == {part.claim_id for part in snapshot.parts}
    payouts = {p.pk: p for p in snapshot.payouts}
    parts_of: defaultdict[uuid.UUID, list[PartRow]] = defaultdict(list)
    for part in snapshot.parts:
        parts_of[part.payout_id].append(part)
        claim = pending[part.claim_id]
        assert (claim.amount, claim.debit_id) == (part.amount, part.payable_id)
        payout = payouts[part.payout_id]
        assert snapshot.payable_of[payout.provider_id, part.category] == part.payable_id
        resolution = resolutions.get(part.claim_id)
        if snapshot.batches[payout.batch_id][0] in UNAPPROVED:
            assert resolution is None
        else:
            assert resolution is not None
            assert (resolution.phase, resolution.amount) == (Transfer.Phase.POST, claim.amount)
    for payout in snapshot.payouts:
        parts = parts_of[payout.pk]
        if payout.status == Payout.Status.HELD:
            assert parts == []
        else:
            assert payout.amount == sum(part.amount for part in parts)
            assert len({part.category for part in parts}) == len(parts)
    for batch_id, (_, total) in snapshot.batches.items():
        assert total == sum(
            p.amount
            for p in snapshot.payouts
            if p.batch_id == batch_id and p.status != Payout.Status.HELD
        )
    per_batch = Counter((p.batch_id, p.provider_id) for p in snapshot.payouts)
    assert set(per_batch.values()) <= {1}


def _assert_report_adds_up(programme: Programme, snapshot: Snapshot) -> None:
    """The report's figures, each recomputed from its parts, and the identities between them.

    Per pool (category c), with free = the vouchers' unheld, unspent balance:
    - budget = the pool's budget = committed + available;
    - available = budget - face values issued + returned by vouchers + clawed back;
    - committed = free + held + captured - clawed back
      (each voucher's face value = free + held + captured + returned);
    - held = the subsidy of open orders; captured = the captured subsidy of completed orders;
      clawed back = the clawbacks;
    - sent = the parts of sent and paid payouts; paid = the parts of paid payouts;
      0 <= paid <= sent <= captured;
    - captured - clawed back = what the payables hold (posted) + sent; the payables' pending
      debits = the parts of payouts in batches not yet approved.
    Programme-wide: clearing holds sent - paid (pending: the unapproved batches' totals),
    disbursed holds paid, and pools + vouchers + payables + clearing + disbursed = budget.
    Per provider: captured and paid from its orders and payouts; the totals equal the pools'.
    """
    report = programme_report(programme=programme)
    pools = {row["category"]: row for row in report["pools"]}
    assert set(pools) == set(snapshot.pools)
    payouts = {p.pk: p for p in snapshot.payouts}
    totals: Counter[str] = Counter()
    for category, (budget, available) in snapshot.pools.items():
        row = pools[category]
        vouchers = [v for v in snapshot.vouchers if v.category == category]
        orders = [o for o in snapshot.orders if o.category == category]
        parts = [p for p in snapshot.parts if p.category == category]
        held = sum(o.subsidy for o in orders if o.status in OPEN)
        captured = sum(o.captured for o in orders if o.status == Order.Status.COMPLETED)
        clawed_back = sum(c.amount for c in snapshot.clawbacks if c.category == category)
        sent = sum(p.amount for p in parts if payouts[p.payout_id].status in SENT)
        paid = sum(p.amount for p in parts if payouts[p.payout_id].status == Payout.Status.PAID)
        claimed = sum(
            p.amount
            for p in parts
            if snapshot.batches[payouts[p.payout_id].batch_id][0] in UNAPPROVED
        )
        payables = [
            snapshot.payables[account]
            for (_, c), account in snapshot.payable_of.items()
            if c == category
        ]
        issued = sum(v.face for v in vouchers)
        returned = sum(v.returned for v in vouchers)
        free = sum(v.free for v in vouchers)

        assert row["budget_fen"] == budget == row["committed_fen"] + row["available_fen"]
        assert row["available_fen"] == available == budget - issued + returned + clawed_back
        assert row["committed_fen"] == free + row["held_fen"] + row["captured_fen"] - clawed_back
        assert (row["held_fen"], row["captured_fen"], row["clawed_back_fen"]) == (
            held,
            captured,
            clawed_back,
        )
        assert (row["sent_fen"], row["paid_fen"]) == (sent, paid)
        assert 0 <= row["paid_fen"] <= row["sent_fen"] <= row["captured_fen"]
        assert captured - clawed_back == sum(b.credit_balance for b in payables) + sent
        assert sum(b.debits_pending for b in payables) == claimed
        totals["available"] += available
        totals["vouchers"] += sum(v.posted_balance for v in vouchers)
        totals["payables"] += sum(b.credit_balance for b in payables)
        totals["sent"] += sent
        totals["paid"] += paid
        totals["captured"] += captured
        totals["budget"] += budget

    clearing = snapshot.accounts.get("bank:clearing", Balance())
    disbursed = snapshot.accounts.get("disbursed", Balance())
    assert clearing.credit_balance == totals["sent"] - totals["paid"]
    assert clearing.credits_pending == sum(
        total for status, total in snapshot.batches.values() if status in UNAPPROVED
    )
    assert disbursed.credit_balance == totals["paid"]
    assert (
        totals["available"]
        + totals["vouchers"]
        + totals["payables"]
        + clearing.credit_balance
        + disbursed.credit_balance
        == totals["budget"]
    )

    providers = {row["provider"]: row for row in report["providers"]}
    assert set(providers) == {str(provider) for provider, _ in snapshot.payable_of}
    for provider, row in providers.items():
        captured = sum(
            o.captured
            for o in snapshot.orders
            if str(o.provider_id) == provider and o.status == Order.Status.COMPLETED
        )
        paid = sum(
            p.amount
            for p in snapshot.payouts
            if str(p.provider_id) == provider and p.status == Payout.Status.PAID
        )
        assert (row["captured_fen"], row["paid_fen"]) == (captured, paid)
        assert 0 <= row["paid_fen"] <= row["captured_fen"]
    assert sum(row["captured_fen"] for row in providers.values()) == totals["captured"]
    assert sum(row["paid_fen"] for row in providers.values()) == totals["paid"]


@pytest.mark.slow
@pytest.mark.timeout(900)  # a run takes about a minute; shrinking a failure may take longer
@pytest.mark.django_db
def test_the_money_flow_adds_up_after_every_step() -> None:
    FlowMachine.world = _build_world()
    run_state_machine_as_test(
        FlowMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
