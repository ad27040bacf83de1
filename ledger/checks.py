"""The ledger's invariants, checked with set-based SQL (DESIGN.md 3).

1. Conservation: in each ledger, posted credits equal posted debits, and so do pending ones.
2. Every transfer has exactly one debit and one credit entry of equal effect.
3. Every cached balance equals the sum of its account's entries.
4. Every limited account is within its limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from ledger.models import Account, Entry, Transfer


@dataclass
class CheckReport:
    ledgers: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = []
        for ledger, figures in sorted(self.ledgers.items()):
            out.append(
                f"ledger {ledger}: {figures['accounts']} accounts, "
                f"{figures['transfers']} transfers, "
                f"posted debits {figures['debits_posted']} = credits {figures['credits_posted']}, "
                f"pending debits {figures['debits_pending']} = credits {figures['credits_pending']}"
            )
        out.extend(f"PROBLEM: {problem}" for problem in self.problems)
        out.append(
            "ledger_check: OK" if self.ok else f"ledger_check: {len(self.problems)} problem(s)"
        )
        return out


def ledger_check(ledger: str | None = None) -> CheckReport:
    report = CheckReport()
    entries = Entry.objects.all()
    accounts = Account.objects.all()
    transfers = Transfer.objects.all()
    if ledger is not None:
        entries = entries.filter(ledger=ledger)
        accounts = accounts.filter(ledger=ledger)
        transfers = transfers.filter(ledger=ledger)

    # 1. Conservation, per ledger, from the entries.
    debit, credit = Q(side=Entry.Side.DEBIT), Q(side=Entry.Side.CREDIT)
    totals = entries.values("ledger").annotate(
        debits_posted=Coalesce(Sum("posted_delta", filter=debit), 0),
        credits_posted=Coalesce(Sum("posted_delta", filter=credit), 0),
        debits_pending=Coalesce(Sum("pending_delta", filter=debit), 0),
        credits_pending=Coalesce(Sum("pending_delta", filter=credit), 0),
    )
    account_counts = dict(
        accounts.values("ledger").annotate(n=Count("id")).values_list("ledger", "n")
    )
    transfer_counts = dict(
        transfers.values("ledger").annotate(n=Count("id")).values_list("ledger", "n")
    )
    for row in totals:
        name = row.pop("ledger")
        row["accounts"] = account_counts.get(name, 0)
        row["transfers"] = transfer_counts.get(name, 0)
        report.ledgers[name] = row
        if row["debits_posted"] != row["credits_posted"]:
            report.problems.append(
                f"ledger {name}: posted debits {row['debits_posted']} "
                f"!= credits {row['credits_posted']}"
            )
        if row["debits_pending"] != row["credits_pending"]:
            report.problems.append(
                f"ledger {name}: pending debits {row['debits_pending']} "
                f"!= credits {row['credits_pending']}"
            )
    for name in set(account_counts) - set(report.ledgers):
        report.ledgers[name] = {
            "accounts": account_counts[name],
            "transfers": transfer_counts.get(name, 0),
            "debits_posted": 0,
            "credits_posted": 0,
            "debits_pending": 0,
            "credits_pending": 0,
        }

    # 2. Each transfer: one debit entry and one credit entry with the same effect.
    unbalanced = (
        transfers.annotate(
            debit_entries=Count("entries", filter=Q(entries__side=Entry.Side.DEBIT)),
            credit_entries=Count("entries", filter=Q(entries__side=Entry.Side.CREDIT)),
            debit_posted=Coalesce(Sum("entries__posted_delta", filter=Q(entries__side="debit")), 0),
            credit_posted=Coalesce(
                Sum("entries__posted_delta", filter=Q(entries__side="credit")), 0
            ),
            debit_pending=Coalesce(
                Sum("entries__pending_delta", filter=Q(entries__side="debit")), 0
            ),
            credit_pending=Coalesce(
                Sum("entries__pending_delta", filter=Q(entries__side="credit")), 0
            ),
        )
        .exclude(
            debit_entries=1,
            credit_entries=1,
            debit_posted=F("credit_posted"),
            debit_pending=F("credit_pending"),
        )
        .values_list("id", flat=True)[:20]
    )
    for transfer_id in unbalanced:
        report.problems.append(f"transfer {transfer_id}: entries do not balance")

    # 3. Cached counters against the sum of entries.
    sums = {
        "debits_pending": Coalesce(
            Sum("entries__pending_delta", filter=Q(entries__side="debit")), 0
        ),
        "debits_posted": Coalesce(Sum("entries__posted_delta", filter=Q(entries__side="debit")), 0),
        "credits_pending": Coalesce(
            Sum("entries__pending_delta", filter=Q(entries__side="credit")), 0
        ),
        "credits_posted": Coalesce(
            Sum("entries__posted_delta", filter=Q(entries__side="credit")), 0
        ),
    }
    mismatched = (
        accounts.filter(is_balance_cached=True)
        .annotate(**{f"sum_{name}": expression for name, expression in sums.items()})
        .exclude(
            debits_pending=F("sum_debits_pending"),
            debits_posted=F("sum_debits_posted"),
            credits_pending=F("sum_credits_pending"),
            credits_posted=F("sum_credits_posted"),
        )[:20]
    )
    for account in mismatched:
        report.problems.append(
            f"account {account}: cached balance differs from its entries "
            f"(cached {account.debits_pending}/{account.debits_posted}/{account.credits_pending}/"
            f"{account.credits_posted}, entries {account.sum_debits_pending}/"  # type: ignore[attr-defined]
            f"{account.sum_debits_posted}/{account.sum_credits_pending}/"  # type: ignore[attr-defined]
            f"{account.sum_credits_posted})"  # type: ignore[attr-defined]
        )

    # 4. Limits (the CHECK constraints make this impossible; verify all the same).
    over = accounts.filter(
        Q(
            debits_must_not_exceed_credits=True,
            credits_posted__lt=F("debits_posted") + F("debits_pending"),
        )
        | Q(
            credits_must_not_exceed_debits=True,
            debits_posted__lt=F("credits_posted") + F("credits_pending"),
        )
    )[:20]
    for account in over:
        report.problems.append(f"account {account}: over its limit")
    return report
