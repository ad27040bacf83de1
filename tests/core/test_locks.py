"""core.locks: row locks in one global order, refused out of order within a block."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.locks import LockOrderError, Rank, lock_rows, note_locked
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_locks_in_the_global_order_are_taken() -> None:
    with transaction.atomic():
        note_locked(Rank.PROGRAMME)
        note_locked(Rank.VOUCHER)
        note_locked(Rank.VOUCHER)  # more rows of the same kind
        note_locked(Rank.ORDER)
        note_locked(Rank.PAYOUT)


def test_a_lock_against_the_order_is_refused_at_once() -> None:
    with transaction.atomic():
        note_locked(Rank.ORDER)
        with pytest.raises(LockOrderError, match="voucher after a order"):
            note_locked(Rank.VOUCHER)


def test_each_transaction_block_keeps_its_own_order() -> None:
    with transaction.atomic():
        note_locked(Rank.ORDER)
    with transaction.atomic():
        note_locked(Rank.VOUCHER)


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused() -> None:
    with pytest.raises(LockOrderError, match="inside a transaction"):
        note_locked(Rank.VOUCHER)


def test_lock_rows_locks_in_primary_key_order() -> None:
    for object_id in ("b", "a"):
        AuditEvent.objects.create(action="locked", object_type="t", object_id=object_id)
    with transaction.atomic():
        queryset = lock_rows(AuditEvent.objects.filter(action="locked"), Rank.ORDER)
        sql = str(queryset.query)
        rows = list(queryset)
    assert sql.endswith('ORDER BY "core_auditevent"."id" ASC FOR UPDATE')
    assert [row.pk for row in rows] == sorted(row.pk for row in rows)
