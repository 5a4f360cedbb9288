"""Wallets: the allowance left in a period, and the lazy roll-over into a new one."""

from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_ALLOWANCE, TxnKind
from plaudit.domain.wallets import Wallet, rollover

from .factories import NOV


def test_allowance_in_the_wallets_own_period_is_what_is_left():
    assert Wallet("E1", allowance_period="2026-11", allowance_remaining=12).allowance_in(NOV, 100) == 12
    assert Wallet("E1", allowance_period="2026-11", allowance_remaining=0).allowance_in(NOV, 100) == 0


def test_allowance_of_a_stale_or_missing_period_is_fresh():
    assert Wallet("E1", allowance_period="2026-10", allowance_remaining=12).allowance_in(NOV, 100) == 100
    assert Wallet("E1").allowance_in(NOV, 200) == 200


def test_no_rollover_within_the_period():
    assert rollover(Wallet("E1", allowance_period="2026-11", allowance_remaining=3), NOV, 100) is None


def test_rollover_expires_the_rest_and_grants_the_new_allowance():
    txn = rollover(Wallet("E1", points=9, allowance_period="2026-10", allowance_remaining=40), NOV, 100)
    assert txn is not None
    assert txn.kind is TxnKind.ALLOWANCE_ROLLOVER
    assert txn.id == derived_id("txn", "rollover", "E1", "2026-11", "0")
    assert txn.ref == {"employee_id": "E1", "period": "2026-11"}
    assert txn.at == NOV.starts_at
    assert txn.deltas() == {"emp:E1:allowance": 60, ORG_ALLOWANCE: -60}
    assert [p.amount for p in txn.postings] == [-40, 40, -100, 100]


def test_rollover_to_a_zero_allowance_only_expires():
    txn = rollover(Wallet("E1", allowance_period="2026-10", allowance_remaining=40), NOV, 0)
    assert txn is not None
    assert txn.deltas() == {"emp:E1:allowance": -40, ORG_ALLOWANCE: 40}


def test_nothing_to_expire_nor_grant_is_no_transaction():
    assert rollover(Wallet("E1", allowance_period="2026-10", allowance_remaining=0), NOV, 0) is None
    assert rollover(Wallet("E1"), NOV, 0) is None


def test_rollover_does_not_touch_points():
    txn = rollover(Wallet("E1", points=500), NOV, 100)
    assert txn is not None
    assert "emp:E1:points" not in txn.deltas()


def test_granted_in_is_what_the_wallets_own_period_started_with():
    wallet = Wallet("E1", allowance_period="2026-11", allowance_remaining=12, allowance_granted=150)
    assert wallet.granted_in(NOV, 100) == 150
    assert Wallet("E1", allowance_period="2026-10", allowance_granted=150).granted_in(NOV, 100) == 100
    assert Wallet("E1").granted_in(NOV, 200) == 200
