"""Double-entry ledger: transactions must balance; account names parse back."""

from datetime import UTC, datetime

import pytest

from plaudit.domain.ledger import (
    ORG_ALLOWANCE,
    Balance,
    Posting,
    Transaction,
    TxnKind,
    UnbalancedTransaction,
    employee_account,
    parse_employee_account,
)

AT = datetime(2026, 11, 16, tzinfo=UTC)


def txn(*postings: Posting) -> Transaction:
    return Transaction(id="txn_1", kind=TxnKind.KUDOS, at=AT, postings=postings)


def test_balanced_transaction_is_accepted():
    t = txn(Posting("emp:A:allowance", -30), Posting("emp:B:points", 20), Posting("emp:C:points", 10))
    assert t.deltas() == {"emp:A:allowance": -30, "emp:B:points": 20, "emp:C:points": 10}


def test_deltas_net_postings_on_the_same_account():
    t = txn(
        Posting("emp:A:allowance", -40),
        Posting(ORG_ALLOWANCE, 40),
        Posting(ORG_ALLOWANCE, -100),
        Posting("emp:A:allowance", 100),
    )
    assert t.deltas() == {"emp:A:allowance": 60, ORG_ALLOWANCE: -60}


def test_unbalanced_transaction_is_refused():
    with pytest.raises(UnbalancedTransaction, match="do not sum to zero"):
        txn(Posting("emp:A:allowance", -30), Posting("emp:B:points", 29))


def test_zero_amount_posting_is_refused():
    with pytest.raises(UnbalancedTransaction, match="zero-amount"):
        txn(Posting("emp:A:allowance", -5), Posting("emp:B:points", 5), Posting("emp:C:points", 0))


@pytest.mark.parametrize("postings", [(), (Posting("emp:A:points", 0),), (Posting("emp:A:points", 5),)])
def test_fewer_than_two_postings_is_refused(postings):
    with pytest.raises(UnbalancedTransaction, match="at least two postings"):
        txn(*postings)


def test_unbalanced_is_a_value_error():
    assert issubclass(UnbalancedTransaction, ValueError)


@pytest.mark.parametrize("employee_id", ["E1001", "a.b-c_d", "X"])
@pytest.mark.parametrize("balance", list(Balance))
def test_employee_accounts_round_trip(employee_id, balance):
    account = employee_account(employee_id, balance)
    assert account == f"emp:{employee_id}:{balance.value}"
    assert parse_employee_account(account) == (employee_id, balance)


@pytest.mark.parametrize("account", [ORG_ALLOWANCE, "org:budget:engineering", "budget:x"])
def test_organisation_accounts_are_not_employee_accounts(account):
    assert parse_employee_account(account) is None


def test_unknown_balance_kind_is_an_error():
    with pytest.raises(ValueError, match="savings"):
        parse_employee_account("emp:E1:savings")
