"""The organisation the benchmarks run against, and who plays which part.

It is the demo organisation (plaudit_dev.seed) plus ten more engineers, so one kudos can name 20 recipients,
with allowances and the per-recipient cap raised so hundreds of kudos in a row never run dry (the rules
still run in full: only the limits are bigger).
"""

from __future__ import annotations

from plaudit.domain.access import Caller
from plaudit.domain.employees import Role
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.services.settings import get_settings
from plaudit.store.settings import settings_write
from plaudit.store.transact import write_all
from plaudit_dev.seed import DEMO_SETTINGS, PEOPLE, email_of, seed_demo, slack_id

GIVER = "E1002"  # Maya, manager of Engineering
HR_ADMIN = "E1001"  # Hana: hr_admin, edits the directory
ADDER = "E1009"  # Grace: adds on to Maya's kudos (neither giver nor recipient)
EXTRA_PEOPLE = [f"E2{n:03d}" for n in range(1, 11)]
_DEMO_IDS = [person[0] for person in PEOPLE]
RECIPIENTS_20 = ([pid for pid in _DEMO_IDS if pid != GIVER] + EXTRA_PEOPLE)[:20]
RECIPIENT = "E1003"  # Alice, Maya's report
HRIS_SECRET = "bench-hris-signing-secret"  # noqa: S105 - the moto host's HRIS webhook secret, not a real one

_NAMES = {person[0]: person[1] for person in PEOPLE}
EMAILS = {pid: email_of(name) for pid, name in _NAMES.items()}

BENCH_SETTINGS = DEMO_SETTINGS.model_copy(
    update={
        "allowances": {Role.EMPLOYEE: 1_000_000, Role.MANAGER: 1_000_000, Role.HR_ADMIN: 1_000_000},
        "recipient_cap_per_period": 1_000_000,
    }
)
_BOOTSTRAP = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-bench")


def seed_bench_org() -> None:
    """Seed through the services (as the demo seed does): needs TABLE_NAME and a DynamoDB client."""
    seed_demo()
    # Stored over the demo's settings as they are (through the API a mid-period allowance change would
    # wait for the next period).
    write_all([settings_write(BENCH_SETTINGS, get_settings(_BOOTSTRAP).version)])
    for number, employee_id in enumerate(EXTRA_PEOPLE, start=1):
        put_employee(
            _BOOTSTRAP,
            employee_id,
            EmployeeFields(
                email=f"engineer{number:02d}@plaudit.example",
                name=f"Engineer {number:02d}",
                manager_id=GIVER,
                department="Engineering",
                country="US",
                time_zone="America/New_York",
                start_date="2024-01-15",
            ),
        )


def kudos_body(recipients: list[str], message: str = "Thanks for shipping the release!") -> dict:
    return {"recipient_ids": recipients, "points": 1, "message": message, "values": ["teamwork"]}


def employee_body(employee_id: str) -> dict:
    """A full PUT of an existing demo person, as an HRIS sync sends it (same email: no alias change)."""
    person = next(p for p in PEOPLE if p[0] == employee_id)
    _, name, department, manager, _roles, country, zone, start, birthday = person
    return {
        "email": email_of(name),
        "name": name,
        "slack_user_id": slack_id(name),
        "manager_id": manager,
        "department": department,
        "country": country,
        "time_zone": zone,
        "start_date": start,
        "birthday": birthday,
    }
