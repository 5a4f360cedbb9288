"""The demo organisation: a dozen people in two departments, company values and allowances; for the
local stack also a funded milestones budget, three milestone rules, a catalogue with one item of every
type and a badge of every kind (`seed_local_demo`).

Seeding goes through the same services as the API (as a bootstrap admin), so every rule holds, and it
is idempotent: running it again replaces the same records.
"""

from contextlib import suppress
from datetime import date
from decimal import Decimal

from plaudit.domain.access import Caller
from plaudit.domain.badges import BadgeSpec
from plaudit.domain.catalog import (
    Blackout,
    CatalogItemSpec,
    Denominations,
    FulfilmentMethod,
    ItemType,
    PerPersonLimit,
    Restrictions,
)
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict
from plaudit.domain.ledger import TxnKind
from plaudit.domain.milestone_rules import RuleSpec, RuleType
from plaudit.domain.settings import CompanyValue, OrgSettings
from plaudit.services import budgets
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.services.runtime import now, runtime
from plaudit.services.settings import replace_settings

MILESTONES_BUDGET = "milestones"
MILESTONES_FUNDING = 50_000

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


def demo_rules() -> list[RuleSpec]:
    """Work anniversaries by a points table, birthdays, and 30 days after start, all from the budget."""
    funded = {"budget_id": MILESTONES_BUDGET, "manager_reminder_days": 3}
    return [
        RuleSpec(
            name="Work anniversary",
            type=RuleType.WORK_ANNIVERSARY,
            points_by_year={1: 100, 5: 500, 10: 1000},
            points=200,
            message="Happy {years}-year work anniversary, {first_name}! {points} points to celebrate.",
            **funded,
        ),
        RuleSpec(
            name="Birthday",
            type=RuleType.BIRTHDAY,
            points=50,
            message="Happy birthday, {first_name}! Here are {points} points.",
            **funded,
        ),
        RuleSpec(
            name="30 days on board",
            type=RuleType.DAYS_AFTER_START,
            days_after_start=30,
            points=100,
            message="{first_name} joined {days} days ago: welcome aboard, and {points} points!",
            **funded,
        ),
    ]


def seed_milestones() -> dict[str, int]:
    """The company budget "milestones", topped up once with 50,000 points, and the demo rules (a rule is
    created when no rule of its name exists, so seeding again adds nothing)."""
    from plaudit.services import milestones

    with suppress(Conflict):  # seeded before
        budgets.create_budget(
            _BOOTSTRAP,
            budgets.CreateBudget(id=MILESTONES_BUDGET, name="Milestone awards", kind="company"),
        )
    budgets.move_points(
        _BOOTSTRAP,
        MILESTONES_BUDGET,
        TxnKind.BUDGET_TOP_UP,
        budgets.MovePoints(points=MILESTONES_FUNDING, note="Demo funding for milestone awards"),
        idempotency_key="seed-milestones-funding",
    )
    existing: set[str] = set()
    cursor = None
    while True:
        rules, cursor = milestones.list_rules(_BOOTSTRAP, limit=100, cursor=cursor)
        existing |= {rule.name for rule in rules}
        if cursor is None:
            break
    real_clock = runtime.clock
    start_of_year = now().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    runtime.clock = lambda: start_of_year  # the demo rules have been in force all year: a run of any
    try:  # day this year has something to award (a rule applies from its creation on)
        for spec in demo_rules():
            if spec.name not in existing:
                milestones.create_rule(_BOOTSTRAP, spec)
    finally:
        runtime.clock = real_clock
    return {"budgets": 1, "milestone_rules": len(demo_rules())}


def demo_catalog(year: int) -> list[CatalogItemSpec]:
    """One item of every type, each fulfilled and restricted the way such an item usually is."""
    return [
        CatalogItemSpec(
            name="Amazon.com Gift Card",
            description="An Amazon.com eGift card, delivered as a claim code.",
            brand="Amazon",
            image_url="https://images.plaudit.example/catalog/amazon-gift-card.png",
            category="gift-cards",
            type=ItemType.GIFT_CARD,
            denominations=Denominations(fixed=[Decimal(10), Decimal(25), Decimal(50), Decimal(100)]),
            currency="USD",
            countries=["US"],
            fulfilment=FulfilmentMethod.PROVIDER,
            provider_sku="AMAZON-US-EGIFT",
        ),
        CatalogItemSpec(
            name="Team lunch voucher",
            description="Lunch for you and your team at the office cafeteria.",
            brand="Company cafeteria",
            category="food",
            type=ItemType.COMPANY_PERK,
            denominations=Denominations(fixed=[Decimal(60)]),
            currency="USD",
            fulfilment=FulfilmentMethod.INTERNAL,
            requires_approval=True,
            restrictions=Restrictions(expires_after_days=90, locations=["HQ cafeteria"]),
        ),
        CatalogItemSpec(
            name="Local cinema 2 tickets",
            description="Two standard tickets for any screening.",
            brand="Odeon",
            category="experiences",
            type=ItemType.EXPERIENCE,
            denominations=Denominations(fixed=[Decimal(24)]),
            currency="GBP",
            countries=["GB"],
            fulfilment=FulfilmentMethod.CODE_STOCK,
            restrictions=Restrictions(
                expires_after_days=180,
                blackouts=[
                    Blackout(start=date(year, 12, 24), end=date(year, 12, 26), reason="Christmas premieres")
                ],
            ),
        ),
        CatalogItemSpec(
            name="Weekend city break",
            description="Two nights for two in a European city of your choice, flights included.",
            brand="CityBreaks",
            category="travel",
            type=ItemType.TRAVEL,
            denominations=Denominations(min=Decimal(300), max=Decimal(1000)),
            currency="EUR",
            fulfilment=FulfilmentMethod.PROVIDER,
            provider_sku="CITYBREAK-EU-WEEKEND",
            requires_approval=True,
            restrictions=Restrictions(expires_after_days=365),
        ),
        CatalogItemSpec(
            name="20% off at the company store",
            description="20% off one purchase at the company store, up to the voucher's value.",
            brand="Company store",
            category="shopping",
            type=ItemType.DISCOUNT_VOUCHER,
            denominations=Denominations(fixed=[Decimal(20)]),
            currency="USD",
            fulfilment=FulfilmentMethod.INTERNAL,
            restrictions=Restrictions(
                expires_after_days=60,
                vendors=["Company store"],
                minimum_purchase=Decimal(50),
                excluded_categories=["gift-cards"],
            ),
        ),
        CatalogItemSpec(
            name="Donate to Red Cross",
            description="Your points become a donation to the Red Cross, in your name.",
            brand="Red Cross",
            category="giving",
            type=ItemType.DONATION,
            denominations=Denominations(min=Decimal(5), max=Decimal(500)),
            currency="USD",
            fulfilment=FulfilmentMethod.PROVIDER,
            provider_sku="DONATION-REDCROSS",
        ),
        CatalogItemSpec(
            name="Plaudit hoodie",
            description="The Plaudit hoodie, organic cotton, any size.",
            brand="Plaudit",
            category="merchandise",
            type=ItemType.MERCHANDISE,
            denominations=Denominations(fixed=[Decimal(45)]),
            currency="USD",
            inventory=25,
            fulfilment=FulfilmentMethod.CODE_STOCK,
            restrictions=Restrictions(per_person=PerPersonLimit(count=1, period="quarterly")),
        ),
    ]


def seed_catalog() -> dict[str, int]:
    """The demo catalogue (an item is added when no item of its name exists, active or not), code-stock
    items with their codes."""
    from plaudit.services import catalog
    from plaudit.services.code_stock import upload_codes

    existing: set[str] = set()
    for inactive in (False, True):
        cursor = None
        while True:
            items, cursor = catalog.browse(_BOOTSTRAP, inactive=inactive, limit=100, cursor=cursor)
            existing |= {item.name for item in items}
            if cursor is None:
                break
    demo = demo_catalog(now().year)
    for spec in demo:
        if spec.name not in existing:
            item = catalog.create_item(_BOOTSTRAP, spec)
            if spec.fulfilment == FulfilmentMethod.CODE_STOCK:
                upload_codes(_BOOTSTRAP, item.id, demo_codes(spec.name, spec.inventory or DEMO_STOCK_CODES))
    return {"catalog_items": len(demo)}


DEMO_STOCK_CODES = 20


def demo_codes(name: str, count: int) -> str:
    """A CSV of `count` random codes, as a vendor would send for a code-stock item (one per unit in stock)."""
    prefix = "".join(ch for ch in name.upper() if ch.isalpha())[:6]
    codes = [f"{prefix}-{runtime.entropy(5).hex().upper()}" for _ in range(count)]
    return "code\n" + "\n".join(codes) + "\n"


def demo_badges() -> list[BadgeSpec]:
    """One badge of each kind of criterion."""
    return [
        BadgeSpec.model_validate(spec)
        for spec in (
            {
                "name": "First thanks",
                "emoji": "wave",
                "description": "Gave their first kudos.",
                "criteria": {"kind": "first", "side": "given"},
            },
            {
                "name": "Team player",
                "emoji": "handshake",
                "description": "Received 10 kudos tagged #teamwork in a quarter.",
                "criteria": {
                    "kind": "count",
                    "metric": "kudos_received",
                    "value": "teamwork",
                    "window": "quarter",
                    "at_least": 10,
                    "per_window": True,
                },
            },
            {
                "name": "On a roll",
                "emoji": "fire",
                "description": "Gave kudos 4 weeks in a row.",
                "criteria": {"kind": "streak", "weeks": 4},
            },
            {
                "name": "Five years with us",
                "emoji": "birthday",
                "description": "Celebrated a 5-year work anniversary.",
                "criteria": {"kind": "milestone", "rule_type": "work_anniversary", "years": 5},
            },
            {
                "name": "Podium",
                "emoji": "trophy",
                "description": "Finished in the top 3 of a season.",
                "criteria": {"kind": "season_placement", "top": 3},
            },
            {
                "name": "Generous",
                "emoji": "gift",
                "description": "Gave 500 points in a year.",
                "public": False,
                "criteria": {"kind": "count", "metric": "points_given", "window": "year", "at_least": 500},
            },
        )
    ]


def seed_badges() -> dict[str, int]:
    """The demo badges (a badge is defined when no badge of its name exists, so seeding again adds none)."""
    from plaudit.services import badges

    existing: set[str] = set()
    cursor = None
    while True:
        defined, cursor = badges.list_badges(_BOOTSTRAP, limit=100, cursor=cursor)
        existing |= {badge.name for badge in defined}
        if cursor is None:
            break
    demo = demo_badges()
    for spec in demo:
        if spec.name not in existing:
            badges.create_badge(_BOOTSTRAP, spec)
    return {"badges": len(demo)}


def seed_local_demo() -> dict[str, int]:
    """What `plaudit dev` and `plaudit seed` load: the demo organisation, its milestones, catalogue and
    badges."""
    return seed_demo() | seed_milestones() | seed_catalog() | seed_badges()
