"""`python manage.py demo`: a demo world run through a full cycle (API.md section 9).

It uses the same services the API uses: applications, approvals, orders (some cancelled),
deliveries, confirmations, a settlement batch submitted and approved by two finance
officers, a generated bank statement with one returned payment, and reconciliation. It
prints the programme report, ledger_check and the demo logins. Running it again on a database
that has the demo does nothing but print.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import organisation_register, staff_create
from core.money import yuan
from ledger.checks import ledger_check
from marketplace import services as market
from programmes.services import programme_seed
from providers.services import (
    accreditation_request_approve,
    accreditation_request_submit,
    bank_account_set,
)
from settlement import reconciliation
from settlement import services as settlement
from settlement.models import Payout, PayoutBatch
from settlement.selectors import programme_report
from vouchers.services import voucher_application_submit, voucher_issue

PASSWORD = "demo-password-2025"  # noqa: S105 - the documented demo password
CODE = "SH2025"

PROVIDERS = [
    ("Huangpu GPU Cloud", "compute", "gpu_hour", 2000, "A100 80GB, per hour"),
    ("Pudong Model Works", "model", "million_tokens", 800, "Chat model, per million tokens"),
    ("Xuhui Data Exchange", "data", "dataset", 2_000_000, "Legal corpus, 2M documents"),
]
FIRMS = [
    "Jing'an Robotics",
    "Minhang Biotech",
    "Yangpu Logistics",
    "Songjiang Textiles",
    "Baoshan Steelworks",
]
# credit codes with valid GB 32100-2015 check digits
CREDIT_CODES = [
    "91310000MA1FL1A12P",
    "91310000MA1FL1A209",
    "91310000MA1FL1A36B",
    "91310000MA1FL1A44T",
    "91310000MA1FL1A52L",
    "91310000MA1FL1A60D",
    "91310000MA1FL1A79N",
    "91310000MA1FL1A87F",
]


def demo_starts_on() -> dt.date:
    """The demo programme started a month ago and runs for its preset's length, whatever
    today is: a demo is dated relative to today, never to the preset's calendar."""
    return timezone.localdate() - dt.timedelta(days=30)


class Command(BaseCommand):
    help = "Create a demo world and run it through a full subsidy cycle."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organisation.objects.filter(name=FIRMS[0]).exists():
            self.stdout.write("The demo world exists already; its figures:")
        else:
            self._run()
        self._print_report()

    def _say(self, text: str) -> None:
        self.stdout.write(text)

    def _run(self) -> None:
        from stdnum.cn import uscc

        codes = [code[:17] + uscc.calc_check_digit(code[:17]) for code in CREDIT_CODES]
        programme, _ = programme_seed(preset="shanghai-2025", code=CODE, starts_on=demo_starts_on())
        officer = staff_create(
            email="officer@example.com", password=PASSWORD, role=Role.PROGRAMME_OFFICER
        )
        maker = staff_create(
            email="finance1@example.com", password=PASSWORD, role=Role.FINANCE_OFFICER
        )
        checker = staff_create(
            email="finance2@example.com", password=PASSWORD, role=Role.FINANCE_OFFICER
        )
        staff_create(email="auditor@example.com", password=PASSWORD, role=Role.AUDITOR)

        offerings = []
        for index, (name, category, unit, price, description) in enumerate(PROVIDERS):
            provider, admin = organisation_register(
                kind="provider",
                name=name,
                credit_code=codes[index],
                legal_representative=f"Provider representative {index + 1}",
                admin_email=f"provider{index + 1}@example.com",
                admin_password=PASSWORD,
            )
            request = accreditation_request_submit(
                actor=admin, programme=programme, categories=[category]
            )
            accreditation_request_approve(request=request, actor=officer)
            bank_account_set(
                actor=admin,
                account_name=name,
                bank_name="Bank of Shanghai",
                account_number=f"6217000010{index + 1:08d}",
            )
            offerings.append(
                (
                    admin,
                    market.offering_create(
                        actor=admin,
                        programme=programme,
                        category=category,
                        name=description,
                        unit=unit,
                        unit_price_fen=price,
                        description=description,
                    ),
                )
            )
        self._say(f"programme {CODE}, {len(PROVIDERS)} accredited providers with offerings")

        orders = []
        for index, name in enumerate(FIRMS):
            firm, admin = organisation_register(
                kind="firm",
                name=name,
                credit_code=codes[3 + index],
                legal_representative=f"Firm representative {index + 1}",
                admin_email=f"firm{index + 1}@example.com",
                admin_password=PASSWORD,
            )
            provider_admin, offering = offerings[index % len(offerings)]
            application = voucher_application_submit(
                actor=admin,
                programme=programme,
                category=offering.category,
                requested_fen=2_000_000,
                justification="Adopting AI in our operations",
            )
            voucher = voucher_issue(application=application, approved_fen=1_500_000, actor=officer)
            quantity = {
                "gpu_hour": Decimal("100"),
                "million_tokens": Decimal("500"),
                "dataset": Decimal("1"),
            }[offering.unit]
            order = market.order_place(
                actor=admin, offering_id=offering.pk, quantity=quantity, voucher_id=voucher.pk
            )
            orders.append((admin, provider_admin, order))
            cancelled = market.order_place(
                actor=admin, offering_id=offering.pk, quantity=quantity, voucher_id=voucher.pk
            )
            market.order_cancel(actor=admin, order_id=cancelled.pk)
        self._say(f"{len(FIRMS)} firms with vouchers; {len(orders)} orders, {len(FIRMS)} cancelled")

        for firm_admin, provider_admin, order in orders:
            market.order_accept(actor=provider_admin, order_id=order.pk)
            market.delivery_report(
                actor=provider_admin,
                order_id=order.pk,
                quantity=order.quantity,
                invoice_number=f"FP{order.pk.hex[:10]}",
            )
            market.order_complete(actor=provider_admin, order_id=order.pk)
            market.order_confirm(actor=firm_admin, order_id=order.pk)
        self._say("deliveries reported and confirmed")

        batch = settlement.payout_batch_request(programme=programme, actor=maker)
        settlement.payout_batch_prepare(batch_id=batch.pk)  # already done if Celery is eager
        settlement.payout_batch_submit(batch=batch, actor=maker)
        settlement.payout_batch_approve(batch=batch, actor=checker)
        batch = PayoutBatch.objects.get(pk=batch.pk)
        self._say(
            f"payout batch submitted by {maker.email}, approved by {checker.email}: "
            f"{yuan(batch.total_fen)} yuan"
        )

        payouts = list(Payout.objects.filter(batch=batch).order_by("reference"))
        lines = ["value_date,reference,amount,currency,counterparty_account,description"]
        for payout in payouts:
            lines.append(
                f"2026-01-05,{payout.reference},-{yuan(payout.amount_fen)},CNY,"
                f"{payout.account_number},Subsidy reimbursement"
            )
        returned = payouts[-1]
        lines.append(
            f"2026-01-07,{returned.reference},{yuan(returned.amount_fen)},CNY,"
            f"{returned.account_number},Returned: account closed"
        )
        upload = SimpleUploadedFile("statement.csv", ("\n".join(lines) + "\n").encode())
        statement, _ = reconciliation.statement_import(
            upload=upload, filename="statement.csv", actor=maker
        )
        self._say(
            f"bank statement: {statement.lines} lines, {statement.matched} matched, "
            f"{statement.exceptions} exceptions; payout {returned.reference} returned"
        )

    def _print_report(self) -> None:
        from programmes.models import Programme

        programme = Programme.objects.get(code=CODE)
        report = programme_report(programme=programme)
        self._say("")
        self._say(f"Programme report {CODE} (yuan)")
        header = [
            "category",
            "budget",
            "committed",
            "held",
            "captured",
            "sent",
            "paid",
            "clawed_back",
            "available",
        ]
        self._say("  " + "".join(f"{name:>16}" for name in header))
        for pool in report["pools"]:
            values = [pool["category"]] + [yuan(pool[f"{name}_fen"]) for name in header[1:]]
            self._say("  " + "".join(f"{value:>16}" for value in values))
        for provider in report["providers"]:
            self._say(
                f"  {provider['name']}: captured {yuan(provider['captured_fen'])}, "
                f"paid {yuan(provider['paid_fen'])}"
            )
        out = io.StringIO()
        try:
            call_command("ledger_check", programme=CODE, stdout=out)
        except CommandError as exc:
            self._say(out.getvalue())
            raise CommandError("ledger_check failed after the demo") from exc
        self._say("")
        self._say(out.getvalue().strip().splitlines()[-1])
        self._say("")
        self._say(
            f"Demo logins (password {PASSWORD}): officer@example.com, finance1@example.com, "
            "finance2@example.com, auditor@example.com, provider1-3@example.com, "
            "firm1-5@example.com"
        )
        _ = (User, ledger_check)
