"""Every key format of the domain table, in one place.

PK            SK                                  what
EMP#<id>      PROFILE                             employee (GSI1: EMPLOYEES / <name>#<id>)
EMP#<id>      WALLET                              points and allowance balances
EMP#<id>      LEDGER#<at>#<txn>#<n>               one posting on the person's accounts
EMP#<id>      CAP#<recipient>                     points this person gave <recipient> in the current period
EMAIL#<email> ALIAS                               email -> employee id (uniqueness)
SLACK#<user>  ALIAS                               Slack user id -> employee id (uniqueness)
ORG           SETTINGS                            organisation settings
BUDGET#<id>   BUDGET                              budget and its balance (GSI1: BUDGETS / <id>)
BUDGET#<id>   LEDGER#<at>#<txn>#<n>               one posting on the budget's account
TXN#<id>      TXN                                 ledger transaction (all its postings)
RECOG#<id>    RECOG                               a kudos (a reaction's, once taken back: with undone_at)
RECOG#<id>    ADDON#<adder>                       an add-on to it
FEED#<scope>  <created_at>#<recognition id>       feed index, written by the projection
"""

from datetime import UTC, datetime

Key = tuple[str, str]

EMPLOYEE_INDEX = "GSI1"
EMPLOYEES_PARTITION = "EMPLOYEES"


def iso(at: datetime) -> str:
    """UTC, millisecond precision, lexically sortable."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def employee(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "PROFILE"


def employee_sort(name: str, employee_id: str) -> str:
    return f"{name.casefold()}#{employee_id}"


def wallet(employee_id: str) -> Key:
    return f"EMP#{employee_id}", "WALLET"


def ledger_line(employee_id: str, at: datetime, txn_id: str, index: int) -> Key:
    return f"EMP#{employee_id}", f"LEDGER#{iso(at)}#{txn_id}#{index:03d}"


LEDGER_PREFIX = "LEDGER#"


def recipient_cap(giver_id: str, recipient_id: str) -> Key:
    return f"EMP#{giver_id}", f"CAP#{recipient_id}"


def email_alias(email: str) -> Key:
    return f"EMAIL#{email.lower()}", "ALIAS"


def slack_alias(slack_user_id: str) -> Key:
    return f"SLACK#{slack_user_id}", "ALIAS"


SETTINGS: Key = ("ORG", "SETTINGS")


BUDGET_INDEX = "GSI1"
BUDGETS_PARTITION = "BUDGETS"


def budget(budget_id: str) -> Key:
    return f"BUDGET#{budget_id}", "BUDGET"


def budget_ledger_line(budget_id: str, at: datetime, txn_id: str, index: int) -> Key:
    return f"BUDGET#{budget_id}", f"LEDGER#{iso(at)}#{txn_id}#{index:03d}"


def transaction(txn_id: str) -> Key:
    return f"TXN#{txn_id}", "TXN"


def recognition(recognition_id: str) -> Key:
    return f"RECOG#{recognition_id}", "RECOG"


def add_on(recognition_id: str, adder_id: str) -> Key:
    return f"RECOG#{recognition_id}", f"ADDON#{adder_id}"


def feed_partition(scope: str, value: str = "") -> str:
    """scope is all, giver, recipient or value."""
    return f"FEED#{scope}#{value}" if value else f"FEED#{scope}"


def feed_entry(partition: str, created_at: datetime, recognition_id: str) -> Key:
    return partition, f"{iso(created_at)}#{recognition_id}"


def as_attrs(key: Key) -> dict[str, dict[str, str]]:
    return {"PK": {"S": key[0]}, "SK": {"S": key[1]}}
