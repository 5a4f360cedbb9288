"""The ledger audit names every kind of breach."""

from plaudit.domain.audit import JournalEntry, audit
from plaudit.domain.ledger import ORG_ALLOWANCE, Posting
from plaudit.domain.wallets import Wallet

GRANT = JournalEntry("txn_grant", (Posting(ORG_ALLOWANCE, -100), Posting("emp:A:allowance", 100)))
KUDOS = JournalEntry("txn_kudos", (Posting("emp:A:allowance", -30), Posting("emp:B:points", 30)))


def line(txn_id: str, employee_id: str, balance: str, amount: int) -> dict:
    return {"txn_id": txn_id, "employee_id": employee_id, "balance": balance, "amount": amount}


def clean():
    entries = [GRANT, KUDOS]
    wallets = {
        "A": Wallet("A", points=0, allowance_period="2026-11", allowance_remaining=70),
        "B": Wallet("B", points=30),
    }
    lines = [
        line("txn_grant", "A", "allowance", 100),
        line("txn_kudos", "A", "allowance", -30),
        line("txn_kudos", "B", "points", 30),
    ]
    return entries, wallets, lines


def test_clean_ledger_passes():
    report = audit(*clean())
    assert report.ok
    assert report.breaches == []
    assert (report.transactions, report.postings, report.accounts) == (2, 4, 3)


def test_empty_ledger_passes():
    assert audit([], {}, []).ok


def test_unbalanced_entry_is_named():
    entries, wallets, lines = clean()
    entries.append(JournalEntry("txn_bad", (Posting("emp:B:points", 5), Posting(ORG_ALLOWANCE, -4))))
    wallets["B"] = Wallet("B", points=35)
    lines.append(line("txn_bad", "B", "points", 5))
    report = audit(entries, wallets, lines)
    assert not report.ok
    assert report.breaches == ["transaction txn_bad: postings sum to 1, not 0"]


def test_stored_balance_that_differs_from_postings_is_named():
    entries, wallets, lines = clean()
    wallets["B"] = Wallet("B", points=31)
    report = audit(entries, wallets, lines)
    assert report.breaches == ["emp:B:points: stored balance 31 but postings sum to 30"]


def test_stored_allowance_that_differs_from_postings_is_named():
    entries, wallets, lines = clean()
    wallets["A"] = Wallet("A", allowance_period="2026-11", allowance_remaining=100)
    report = audit(entries, wallets, lines)
    assert report.breaches == ["emp:A:allowance: stored balance 100 but postings sum to 70"]


def test_missing_wallet_for_posted_account_is_named():
    entries, wallets, lines = clean()
    del wallets["B"]
    report = audit(entries, wallets, lines)
    assert report.breaches == ["emp:B:points: stored balance 0 but postings sum to 30"]


def test_wallet_without_postings_is_named():
    entries, wallets, lines = clean()
    wallets["C"] = Wallet("C", points=5)
    assert audit(entries, wallets, lines).breaches == ["emp:C:points: stored balance 5 but postings sum to 0"]


def test_negative_balance_is_named():
    entries, wallets, lines = clean()
    entries.append(JournalEntry("txn_over", (Posting("emp:C:points", -5), Posting(ORG_ALLOWANCE, 5))))
    wallets["C"] = Wallet("C", points=-5)
    lines.append(line("txn_over", "C", "points", -5))
    report = audit(entries, wallets, lines)
    assert report.breaches == ["emp:C:points: negative balance -5"]


def test_missing_ledger_line_is_named():
    entries, wallets, lines = clean()
    lines.pop()  # B's line for the kudos
    report = audit(entries, wallets, lines)
    assert report.breaches == ["ledger lines of emp:B:points in txn_kudos total 0, postings say 30"]


def test_extra_ledger_line_is_named():
    entries, wallets, lines = clean()
    lines.append(line("txn_ghost", "B", "points", 7))
    report = audit(entries, wallets, lines)
    assert report.breaches == ["ledger lines of emp:B:points in txn_ghost total 7, postings say 0"]


def test_ledger_line_with_a_different_amount_is_named():
    entries, wallets, lines = clean()
    lines[1] = line("txn_kudos", "A", "allowance", -29)
    report = audit(entries, wallets, lines)
    assert report.breaches == ["ledger lines of emp:A:allowance in txn_kudos total -29, postings say -30"]


def test_split_ledger_lines_of_one_account_in_one_transaction_are_summed():
    entries = [
        JournalEntry(
            "txn_roll",
            (
                Posting("emp:A:allowance", -40),
                Posting(ORG_ALLOWANCE, 40),
                Posting(ORG_ALLOWANCE, -100),
                Posting("emp:A:allowance", 100),
            ),
        )
    ]
    wallets = {"A": Wallet("A", allowance_period="2026-11", allowance_remaining=60)}
    lines = [line("txn_roll", "A", "allowance", -40), line("txn_roll", "A", "allowance", 100)]
    assert audit(entries, wallets, lines).breaches == []
    assert audit(entries, wallets, lines[:1]).breaches == [
        "ledger lines of emp:A:allowance in txn_roll total -40, postings say 60"
    ]


def test_several_breaches_are_all_reported():
    entries, wallets, lines = clean()
    wallets["B"] = Wallet("B", points=29)
    lines.pop(0)
    breaches = audit(entries, wallets, lines).breaches
    assert len(breaches) == 2
    assert any("txn_grant" in breach for breach in breaches)
    assert any("emp:B:points" in breach for breach in breaches)


TOP_UP = JournalEntry("txn_fund", (Posting("org:funding", -500), Posting("budget:spot", 500)))


def with_budget():
    entries, wallets, lines = clean()
    return [*entries, TOP_UP], wallets, [*lines, {"txn_id": "txn_fund", "budget_id": "spot", "amount": 500}]


def test_budget_balance_that_equals_its_postings_passes():
    assert audit(*with_budget(), {"spot": 500}).ok


def test_tampered_budget_balance_is_named():
    report = audit(*with_budget(), {"spot": 501})
    assert report.breaches == ["budget:spot: stored balance 501 but postings sum to 500"]


def test_negative_budget_is_named():
    entries, wallets, lines = with_budget()
    drain = JournalEntry("txn_drain", (Posting("budget:spot", -600), Posting("org:funding", 600)))
    lines.append({"txn_id": "txn_drain", "budget_id": "spot", "amount": -600})
    report = audit([*entries, drain], wallets, lines, {"spot": -100})
    assert report.breaches == ["budget:spot: negative balance -100"]


def test_missing_budget_line_is_named():
    entries, wallets, lines = with_budget()
    report = audit(entries, wallets, lines[:-1], {"spot": 500})
    assert report.breaches == ["ledger lines of budget:spot in txn_fund total 0, postings say 500"]
