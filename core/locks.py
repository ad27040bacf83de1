"""Row locks, in one global order (STYLE.md): programme, pool, voucher, order, payout batch,
payout. Two transactions that lock rows of these kinds in the same order cannot deadlock on
them.

Every service locks money rows through `lock_rows` (or, for a hand-written `FOR UPDATE`,
`note_locked`), naming the kind it locks. Within one transaction block, locking a kind that
comes before one already locked is a bug, and raises `LockOrderError` at once, in the tests
and everywhere else, rather than waiting for the deadlock it would one day cause. Rows of one
kind are locked in primary-key order.
"""

from __future__ import annotations

import weakref
from enum import IntEnum
from typing import Any, TypeVar

from django.db import connection, models

_M = TypeVar("_M", bound=models.Model)


class Rank(IntEnum):
    PROGRAMME = 10
    POOL = 20
    VOUCHER = 30
    ORDER = 40
    PAYOUT_BATCH = 50
    PAYOUT = 60


class LockOrderError(RuntimeError):
    """A lock taken against the global order."""


# The highest rank locked so far in each transaction block (keyed by the block itself, so a
# finished block is forgotten with it).
_highest: weakref.WeakKeyDictionary[Any, Rank] = weakref.WeakKeyDictionary()


def note_locked(rank: Rank) -> None:
    """Record that the current transaction block has just locked rows of `rank`'s kind."""
    if not connection.in_atomic_block:
        raise LockOrderError("Row locks are taken inside a transaction.")
    block = connection.atomic_blocks[-1]
    highest = _highest.get(block)
    if highest is not None and rank < highest:
        raise LockOrderError(
            f"Locking a {rank.name.lower()} after a {highest.name.lower()} breaks the global "
            "lock order (core.locks.Rank)."
        )
    _highest[block] = max(rank, highest or rank)


def lock_rows(
    rows: models.Manager[_M] | models.QuerySet[_M, _M], rank: Rank, **for_update: Any
) -> models.QuerySet[_M, _M]:
    """`rows` locked `FOR UPDATE` (options as `select_for_update`'s), in primary-key order, as
    rows of `rank`'s kind. Evaluate the query inside the same transaction block."""
    note_locked(rank)
    return rows.select_for_update(**for_update).order_by("pk")
