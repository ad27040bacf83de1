"""Seeding shared by the settlement benchmarks: providers in bulk, a finance officer, timing.

Call these only after `_common.setup_django`.
"""

from __future__ import annotations

import os
import resource
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Provider:
    number: int
    id: Any
    payable_account_id: Any
    name: str
    account_number: str


def providers_create(programme: Any, count: int, category: str = "compute") -> list[Provider]:
    """`count` accredited provider organisations in `category`, each with its payable account
    (`provider:<id>:payable:<category>`, uncached, as `payable_account_of` opens it) and a
    bank account, written with bulk_create. The same rows the services would leave, bar the
    accreditation requests and the audit trail."""
    from django.db import transaction

    from accounts.models import Organisation
    from ledger.models import Account
    from providers.models import Accreditation, BankAccount
    from tests.factories import credit_code

    codes: list[str] = []
    seen: set[str] = set()
    seed = 40_000
    while len(codes) < count:
        code = credit_code(seed)
        seed += 1
        if code not in seen:
            seen.add(code)
            codes.append(code)
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.PROVIDER,
                    name=f"Bench provider {n:04d}",
                    credit_code=codes[n],
                    legal_representative=f"Provider rep {n}",
                )
                for n in range(count)
            ],
            batch_size=1000,
        )
        accounts = Account.objects.bulk_create(
            [
                Account(
                    ledger=programme.code,
                    code=f"provider:{organisation.pk}:payable:{category}",
                    currency=programme.currency,
                    is_balance_cached=False,
                )
                for organisation in organisations
            ],
            batch_size=1000,
        )
        Accreditation.objects.bulk_create(
            [
                Accreditation(
                    provider=organisation,
                    programme=programme,
                    category=category,
                    payable_account=account,
                )
                for organisation, account in zip(organisations, accounts, strict=True)
            ],
            batch_size=1000,
        )
        BankAccount.objects.bulk_create(
            [
                BankAccount(
                    provider=organisation,
                    account_name=organisation.name,
                    account_number=f"6222{n:015d}",
                    bank_name="Bench Bank Shanghai",
                )
                for n, organisation in enumerate(organisations)
            ],
            batch_size=1000,
        )
    return [
        Provider(n, organisation.pk, account.pk, organisation.name, f"6222{n:015d}")
        for n, (organisation, account) in enumerate(zip(organisations, accounts, strict=True))
    ]


def finance_officer(email: str) -> Any:
    from accounts.models import Membership, User
    from accounts.roles import Role

    user = User.objects.create_user(email=email, password=None)
    Membership.objects.create(user=user, role=Role.FINANCE_OFFICER)
    return user


def scratch_table(name: str, rows: list[tuple[Any, ...]], columns: str) -> None:
    """A temporary table `name(columns)` holding `rows`, for joins in seeding SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMP TABLE {name} ({columns})")
        placeholders = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", rows)  # noqa: S608
        cursor.execute(f"ANALYZE {name}")


def sql(statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def maxrss_mib() -> float:
    """This process's peak resident set size so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def traced(call: Callable[[], Any]) -> tuple[float, int, Any]:
    """Run `call` under tracemalloc: (seconds, peak bytes of Python allocations, result)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        seconds, result = timed(call)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def mib(size: float) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def counters_from_entries(account_ids_sql: str) -> None:
    """Set the cached counters of the accounts `account_ids_sql` (a SELECT of ids) to the sums
    of their entries, in one UPDATE: after seeding entries straight into the database."""
    sql(
        f"""
        UPDATE ledger_account AS a
        SET debits_pending = s.dp, debits_posted = s.dd, credits_pending = s.cp,
            credits_posted = s.cc
        FROM (
            SELECT account_id,
                   COALESCE(SUM(pending_delta) FILTER (WHERE side = 'debit'), 0) AS dp,
                   COALESCE(SUM(posted_delta) FILTER (WHERE side = 'debit'), 0) AS dd,
                   COALESCE(SUM(pending_delta) FILTER (WHERE side = 'credit'), 0) AS cp,
                   COALESCE(SUM(posted_delta) FILTER (WHERE side = 'credit'), 0) AS cc
            FROM ledger_entry
            WHERE account_id IN ({account_ids_sql})
            GROUP BY account_id
        ) AS s
        WHERE a.id = s.account_id
        """  # noqa: S608
    )


class RssPeak:
    """Samples this process's resident set size every few milliseconds while open: the peak
    over a call (and its growth over the RSS at the start), at no cost to the call itself,
    which tracemalloc cannot offer. It sees C allocations too (psycopg's result buffers).
    Linux only (/proc/self/statm); elsewhere both figures stay 0."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.start = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        try:
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> RssPeak:
        self.start = self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start
