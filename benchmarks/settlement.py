"""Benchmark: preparing a payout batch over 1,000,000 posted subsidies, against the bare SQL.

Run by hand (PostgreSQL on 127.0.0.1:5432; it drops and recreates `subsidy_bench_settlement`,
or the database BENCH_DATABASE_URL names):

    .venv/bin/python benchmarks/settlement.py [--subsidies 1000000] [--providers 1000]

It seeds SH2025 with 1,000 providers accredited in compute (payable account, bank account),
then writes 1,000,000 confirmed subsidies straight into the ledger with set-based SQL
(INSERT ... SELECT over generate_series): each is what an order's confirmation leaves, a
pending `subsidy_hold` transfer voucher -> provider payable and the `post` transfer resolving
it, with their four entries. The vouchers are 100 real voucher accounts funded from the
compute pool through the ledger API; their cached counters are set from their entries with
one UPDATE at the end, so `ledger_check` holds.

Then, in the same run, it times:

  (a) the service: a `preparing` PayoutBatch (cut-off now) filled by
      settlement.services.payout_batch_prepare, called directly (in production a Celery
      worker calls it). Its peak memory is measured with tracemalloc (Python allocations
      during the call) and the process's maxrss (getrusage). The timed runs before the last
      are rolled back, so each one does the full work; the last one commits and is checked.
  (b) the floor: the same aggregate as bare SQL, INSERT INTO a temp table SELECT ...
      FROM ledger_entry WHERE account_id = ANY(payables) GROUP BY account_id.

It prints both times (median of --repeat runs), their ratio (target: at most 3), how much
of the service's time is CPU in this process (the rest is waiting on PostgreSQL), the peak
memory (tracemalloc, maxrss, and the resident set sampled every 5 ms over the timed runs),
and checks that the batch has one payout per provider whose total is the seeded sum,
and that ledger_check passes. --profile adds the service's queries by time, its Python
functions by cumulative time (cProfile), and EXPLAIN ANALYZE of the aggregate.

The preparation's memory does not grow with the number of subsidies: the sums are made in
the database, and what comes back is one row per payable. Running with --subsidies 100000
and with the default 1,000,000 shows the same tracemalloc peak (7.2 MiB at both sizes when
this was written, and the same maxrss).
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from typing import Any

from _common import migrate, recreate_database, setup_django
from _seed import (
    RssPeak,
    counters_from_entries,
    finance_officer,
    load_average,
    maxrss_mib,
    median,
    mib,
    providers_create,
    scratch_table,
    sql,
    timed,
    traced,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/subsidy_bench_settlement"
LEDGER = "SH2025"
VOUCHERS = 100
CHUNK = 100_000

# One subsidy i (1..N): amount 100..49,999 fen, provider i % P, voucher i % V, held at
# `held` and confirmed two days later, all well before the batch's cut-off (now).
SUBSIDY = """
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS i
    CROSS JOIN LATERAL (
        SELECT 100 + (i * 7919) %% 49900 AS amount,
               now() - interval '40 days' + (i::float / %(n)s) * interval '30 days' AS held
    ) AS x
    JOIN bench_payables AS p ON p.n = i %% %(providers)s
    JOIN bench_vouchers AS v ON v.n = i %% %(vouchers)s
"""

TRANSFERS = f"""
    INSERT INTO ledger_transfer (id, ledger, currency, debit_account_id, credit_account_id,
                                 amount, kind, phase, pending_id, metadata, created_at)
    SELECT CASE WHEN s.post THEN md5('post:' || i)::uuid ELSE md5('hold:' || i)::uuid END,
           '{LEDGER}', 'CNY', v.id, p.id, x.amount, 'subsidy_hold',
           CASE WHEN s.post THEN 'post' ELSE 'pending' END,
           CASE WHEN s.post THEN md5('hold:' || i)::uuid END,
           CASE WHEN s.post THEN '{{}}'::jsonb
                ELSE jsonb_build_object('order', md5('order:' || i)::uuid::text,
                                        'voucher', v.voucher_id::text) END,
           CASE WHEN s.post THEN x.held + interval '2 days' ELSE x.held END
    {SUBSIDY}
    CROSS JOIN (VALUES (false), (true)) AS s(post)
"""  # noqa: S608

ENTRIES = f"""
    INSERT INTO ledger_entry (transfer_id, account_id, ledger, side, pending_delta,
                              posted_delta, created_at)
    SELECT CASE WHEN s.post THEN md5('post:' || i)::uuid ELSE md5('hold:' || i)::uuid END,
           CASE WHEN s.side = 'debit' THEN v.id ELSE p.id END,
           '{LEDGER}', s.side,
           CASE WHEN s.post THEN -x.amount ELSE x.amount END,
           CASE WHEN s.post THEN x.amount ELSE 0 END,
           CASE WHEN s.post THEN x.held + interval '2 days' ELSE x.held END
    {SUBSIDY}
    CROSS JOIN (VALUES (false, 'debit'), (false, 'credit'), (true, 'debit'), (true, 'credit'))
        AS s(post, side)
"""  # noqa: S608

# The bare floor: the same sums as settlement.services._dues (posted credits up to the
# cut-off, less every debit, posted or pending), per payable, into a table.
BARE = """
    INSERT INTO bench_bare_dues (account_id, due)
    SELECT account_id,
           COALESCE(SUM(posted_delta)
                    FILTER (WHERE side = 'credit' AND created_at <= %(cutoff)s), 0)
           - COALESCE(SUM(posted_delta + pending_delta) FILTER (WHERE side = 'debit'), 0)
    FROM ledger_entry
    WHERE account_id = ANY(%(accounts)s)
    GROUP BY account_id
"""


def seed(subsidies: int, provider_count: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from core.ids import stable_id
    from ledger import services as ledger
    from programmes.models import BudgetPool
    from programmes.services import programme_seed

    programme, _ = programme_seed(preset="shanghai-2025", code=LEDGER)
    officer = finance_officer("finance@bench.local")
    providers = providers_create(programme, provider_count)
    scratch_table(
        "bench_payables",
        [(p.number, p.payable_account_id) for p in providers],
        "n int PRIMARY KEY, id uuid NOT NULL",
    )

    # Fund each voucher with exactly what its subsidies will take: real voucher accounts
    # (limited, cached), funded from the compute pool through the ledger.
    wanted = dict(
        sql(
            "SELECT i %% %(v)s, SUM(100 + (i * 7919) %% 49900)::bigint "
            "FROM generate_series(1, %(n)s::bigint) AS i GROUP BY 1",
            {"v": VOUCHERS, "n": subsidies},
        )
    )
    pool = BudgetPool.objects.select_related("account").get(programme=programme, category="compute")
    vouchers = []
    with transaction.atomic():
        for n in range(VOUCHERS):
            voucher_id = stable_id("bench-voucher", n)
            account = ledger.account_open(
                ledger=LEDGER, code=f"voucher:{voucher_id}", debits_must_not_exceed_credits=True
            )
            if wanted.get(n):
                ledger.transfer_create(
                    id=stable_id("voucher-issue", voucher_id),
                    debit_account=pool.account,
                    credit_account=account,
                    amount=int(wanted[n]),
                    kind="voucher_issue",
                    metadata={"voucher": str(voucher_id)},
                )
            vouchers.append((n, account.pk, voucher_id))
    scratch_table(
        "bench_vouchers", vouchers, "n int PRIMARY KEY, id uuid NOT NULL, voucher_id uuid"
    )

    for lo in range(1, subsidies + 1, CHUNK):
        hi = min(subsidies, lo + CHUNK - 1)
        params = {
            "lo": lo,
            "hi": hi,
            "n": subsidies,
            "providers": provider_count,
            "vouchers": VOUCHERS,
        }
        with transaction.atomic():
            sql(TRANSFERS, params)
            sql(ENTRIES, params)
        print(f"  seeded {hi:,} subsidies", flush=True)
    # The vouchers' cached counters, from their entries, in one statement.
    counters_from_entries("SELECT id FROM bench_vouchers")
    sql("VACUUM ANALYZE ledger_entry")
    sql("VACUUM ANALYZE ledger_transfer")
    expected = sql(
        "SELECT COALESCE(SUM(100 + (i * 7919) %% 49900), 0)::bigint "
        "FROM generate_series(1, %(n)s::bigint) AS i",
        {"n": subsidies},
    )[0][0]
    return {
        "programme": programme,
        "officer": officer,
        "payables": [p.payable_account_id for p in providers],
        "expected_total": int(expected),
        "cutoff": timezone.now(),
    }


def bare_aggregate(world: dict[str, Any]) -> float:
    """Seconds for the bare aggregate into `bench_bare_dues` (emptied first, untimed)."""
    sql("TRUNCATE bench_bare_dues")
    seconds, _ = timed(
        lambda: sql(BARE, {"cutoff": world["cutoff"], "accounts": world["payables"]})
    )
    return seconds


def prepare(batch_id: Any, *, keep: bool) -> bool:
    """The service, called as the Celery task calls it; rolled back unless `keep`."""
    from django.db import transaction

    from settlement.services import payout_batch_prepare

    if keep:
        return payout_batch_prepare(batch_id=batch_id)
    with transaction.atomic():
        done = payout_batch_prepare(batch_id=batch_id)
        transaction.set_rollback(True)
    return done


def profile(world: dict[str, Any], batch_id: Any) -> None:
    """Where the service's time goes: its queries by database time, the Python functions by
    cumulative time (cProfile), and the plan of the bare aggregate. All runs rolled back."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        seconds, _ = timed(functools.partial(prepare, batch_id, keep=False))
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in queries)
    print(f"profile: {len(queries)} queries, {total:.3f} s of {seconds:.3f} s in the database:")
    for query in queries[:8]:
        print(f"  {float(query['time']):7.3f} s  {query['sql'][:120]}")
    profiler = cProfile.Profile()
    profiler.runcall(functools.partial(prepare, batch_id, keep=False))
    print("profile: Python, by cumulative time:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(25)
    print("EXPLAIN ANALYZE of the bare aggregate:")
    plan = sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + BARE.split("\n", 2)[2],
        {"cutoff": world["cutoff"], "accounts": world["payables"]},
    )
    for (line,) in plan:
        print(f"  {line[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--subsidies", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side")
    parser.add_argument(
        "--profile", action="store_true", help="queries, cProfile and EXPLAIN ANALYZE"
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"database {url}; seeding {args.subsidies:,} subsidies, {args.providers:,} providers")
    recreate_database(url)
    migrate(url)
    setup_django(url)
    seconds, world = timed(lambda: seed(args.subsidies, args.providers))
    print(f"seeded in {seconds:.1f} s; load average {load_average()}")

    from ledger.checks import ledger_check
    from ledger.models import Entry
    from settlement.models import Payout, PayoutBatch

    print(f"ledger_entry rows: {Entry.objects.count():,}")
    sql("CREATE TEMP TABLE bench_bare_dues (account_id uuid, due bigint)")
    cold = bare_aggregate(world)  # also warms the cache for what follows
    sql("CREATE TEMP TABLE bench_expected_dues AS SELECT * FROM bench_bare_dues")
    batch = PayoutBatch.objects.create(
        programme=world["programme"], cutoff_at=world["cutoff"], prepared_by=world["officer"]
    )

    rss_before = maxrss_mib()
    traced_seconds, peak, _ = traced(functools.partial(prepare, batch.pk, keep=False))
    rss_after = maxrss_mib()
    if args.profile:
        profile(world, batch.pk)

    service_times, bare_times, cpu_times = [], [], []
    with RssPeak() as rss:
        for run in range(args.repeat):
            bare_times.append(bare_aggregate(world))
            keep = run == args.repeat - 1  # the last run commits, for the checks below
            cpu = time.process_time()
            seconds, done = timed(functools.partial(prepare, batch.pk, keep=keep))
            cpu_times.append(time.process_time() - cpu)
            assert done, "the batch was not prepared"
            service_times.append(seconds)

    service, bare = median(service_times), median(bare_times)
    print(f"load average {load_average()}")
    print(f"service payout_batch_prepare   {service:.3f} s  (runs {_fmt(service_times)})")
    print(
        f"bare SQL aggregate             {bare:.3f} s  (runs {_fmt(bare_times)}, cold {cold:.3f})"
    )
    print(f"ratio service / bare           {service / bare:.2f}  (target <= 3)")
    print(f"  of which CPU in this process  {median(cpu_times):.3f} s (the rest: waiting on SQL)")
    print(f"peak memory (tracemalloc)      {mib(peak)}  (that run took {traced_seconds:.3f} s)")
    print(f"maxrss before / after          {rss_before:.1f} / {rss_after:.1f} MiB")
    print(f"peak RSS over the timed runs   {mib(rss.peak)}, {mib(rss.growth)} over their start")

    batch.refresh_from_db()
    payouts = Payout.objects.filter(batch=batch)
    count = payouts.count()
    total = sum(payouts.values_list("amount_fen", flat=True))
    mismatched = sql(
        "SELECT count(*) FROM settlement_payoutpart AS pp "
        "JOIN settlement_payout AS po ON po.id = pp.payout_id "
        "LEFT JOIN bench_expected_dues AS b ON b.account_id = pp.payable_account_id "
        "WHERE po.batch_id = %s AND b.due IS DISTINCT FROM pp.amount_fen",
        [batch.pk],
    )[0][0]
    print(
        f"batch {batch.status}: {count:,} payouts, total {total:,} fen "
        f"(seeded {world['expected_total']:,}); parts differing from the bare sums: {mismatched}"
    )
    ok = (
        batch.status == PayoutBatch.Status.DRAFT
        and count == args.providers
        and total == batch.total_fen == world["expected_total"]
        and mismatched == 0
    )
    seconds, report = timed(lambda: ledger_check(LEDGER))
    print(f"ledger_check ({seconds:.1f} s): {'OK' if report.ok else report.problems[:3]}")
    if not (ok and report.ok):
        raise SystemExit("CHECK FAILED")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    main()
