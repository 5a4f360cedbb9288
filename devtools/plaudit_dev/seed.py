"""The demo organisation: a dozen people in two departments, company values and allowances.

Seeding goes through the same services as the API (as a bootstrap admin), so every rule holds, and it
is idempotent: running it again replaces the same records.
"""

from plaudit.domain.access import Caller
from plaudit.domain.employees import Role
from plaudit.domain.settings import CompanyValue, OrgSettings
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.services.settings import replace_settings

DEMO_HR_ADMIN = "E1001"

# id, name, department, manager, extra roles, country, time zone, start date, birthday (MM-DD)
PEOPLE = [
    (
        "E1001",
        "Hana Ito",
        "People",
        None,
        ["manager", "hr_admin"],
        "GB",
        "Europe/London",
        "2019-03-04",
        "04-17",
    ),
    (
        "E1002",
        "Maya Chen",
        "Engineering",
        None,
        ["manager"],
        "US",
        "America/Los_Angeles",
        "2018-06-11",
        "09-02",
    ),
    ("E1003", "Alice Martin", "Engineering", "E1002", [], "US", "America/New_York", "2021-01-18", "02-29"),
    ("E1004", "Bob Okafor", "Engineering", "E1002", [], "NG", "Africa/Lagos", "2022-11-23", "11-23"),
    ("E1005", "Carlos Ruiz", "Engineering", "E1002", [], "ES", "Europe/Madrid", "2020-02-03", "07-30"),
    ("E1006", "Dana Levi", "Engineering", "E1002", [], "IL", "Asia/Jerusalem", "2023-05-15", "12-01"),
    ("E1007", "Ethan Brooks", "Engineering", "E1002", [], "US", "America/Chicago", "2024-09-09", "03-14"),
    ("E1008", "Fatima Khan", "Engineering", "E1002", [], "IN", "Asia/Kolkata", "2017-08-21", "05-05"),
    ("E1009", "Grace Kim", "People", "E1001", ["finance"], "KR", "Asia/Seoul", "2020-10-01", "10-10"),
    ("E1010", "Hugo Silva", "People", "E1001", [], "BR", "America/Sao_Paulo", "2025-01-06", "01-31"),
    ("E1011", "Iris Novak", "People", "E1001", [], "CZ", "Europe/Prague", "2016-04-25", "06-21"),
    ("E1012", "Jon Berg", "People", "E1001", [], "NO", "Europe/Oslo", "2026-11-02", "08-08"),
]
BOT = ("B0001", "Plaudit Bot")

DEMO_SETTINGS = OrgSettings(
    time_zone="UTC",
    allowance_period="monthly",
    allowances={Role.EMPLOYEE: 100, Role.MANAGER: 200, Role.HR_ADMIN: 200},
    currency="USD",
    point_values={"USD": "0.01", "EUR": "0.0092", "GBP": "0.0079"},
    company_values=[
        CompanyValue(slug="teamwork", name="Teamwork"),
        CompanyValue(slug="customer-first", name="Customer first"),
        CompanyValue(slug="ownership", name="Ownership"),
        CompanyValue(slug="craft", name="Craft"),
        CompanyValue(slug="kindness", name="Kindness"),
    ],
    min_points_per_kudos=1,
    max_points_per_kudos=100,
    recipient_cap_per_period=100,
    announcement_channel="CKUDOS01",
)

_BOOTSTRAP = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-seed")


def slack_id(name: str) -> str:
    return "U" + name.split()[0].upper()[:9].ljust(4, "0")


def email_of(name: str) -> str:
    return f"{name.split()[0].lower()}@plaudit.example"


def seed_demo() -> dict[str, int]:
    replace_settings(_BOOTSTRAP, DEMO_SETTINGS)
    for emp_id, name, dept, manager, roles, country, zone, start, birthday in PEOPLE:
        put_employee(
            _BOOTSTRAP,
            emp_id,
            EmployeeFields(
                email=email_of(name),
                name=name,
                slack_user_id=slack_id(name),
                manager_id=manager,
                department=dept,
                country=country,
                time_zone=zone,
                start_date=start,
                birthday=birthday,
                roles=roles,
            ),
        )
    bot_id, bot_name = BOT
    put_employee(
        _BOOTSTRAP,
        bot_id,
        EmployeeFields(email="bot@plaudit.example", name=bot_name, is_bot=True, slack_user_id="UBOT0001"),
    )
    return {"employees": len(PEOPLE), "bots": 1, "company_values": len(DEMO_SETTINGS.company_values)}
