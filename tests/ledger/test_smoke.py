import uuid

import pytest

from ledger import services
from ledger.services import LedgerError

pytestmark = pytest.mark.django_db


def test_two_phase_flow(assert_ledger_ok):
    funding = services.account_open(ledger="L", code="funding")
    pool = services.account_open(ledger="L", code="pool", debits_must_not_exceed_credits=True)
    payable = services.account_open(ledger="L", code="payable", is_balance_cached=False)
    services.transfer_create(
        id=uuid.uuid4(), debit_account=funding, credit_account=pool, amount=1000, kind="funding"
    )
    hold = services.transfer_create(
        id=uuid.uuid4(),
        debit_account=pool,
        credit_account=payable,
        amount=600,
        kind="hold",
        pending=True,
    )
    with pytest.raises(LedgerError) as err:
        services.transfer_create(
            id=uuid.uuid4(),
            debit_account=pool,
            credit_account=payable,
            amount=401,
            kind="hold",
            pending=True,
        )
    assert err.value.code == "exceeds_credits"
    services.transfer_post(id=uuid.uuid4(), pending_id=hold.id, amount=250)
    with pytest.raises(LedgerError) as err:
        services.transfer_void(id=uuid.uuid4(), pending_id=hold.id)
    assert err.value.code == "pending_transfer_already_posted"
    balances = services.balances_of([pool, payable])
    assert balances[pool.id].available == 750
    assert balances[payable.id].credit_balance == 250
    assert_ledger_ok("L")
