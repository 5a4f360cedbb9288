"""The demo organisation: a dozen people in two departments (the directory, seeded here through the
services as an HRIS import would) and the organisation's definitions in examples/org.yaml (settings with
company values and allowances, a funded milestones budget, milestone rules, a catalogue with one item of
every type, a badge of every kind).

The local stack (`plaudit dev`, `plaudit seed`) applies examples/org.yaml the way a company applies its own:
`plaudit bootstrap` over the HTTP API, as the demo HR admin (`seed_local_demo`). Tests without a stack load
the same definitions through the services (`seed_demo`, `seed_milestones`, `seed_catalog`, `seed_badges`).
Seeding is idempotent: running it again adds nothing.
"""

from contextlib import suppress
from pathlib import Path

from plaudit.domain.access import Caller
from plaudit.domain.badges import BadgeSpec
from plaudit.domain.catalog import CatalogItemSpec, FulfilmentMethod
from plaudit.domain.desks import DeskSpec
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict
from plaudit.domain.ledger import TxnKind
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.domain.settings import OrgSettings
from plaudit.services import budgets
from plaudit.services.desks import put_desk
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.services.runtime import now, runtime, stored_now
from plaudit.services.settings import replace_settings
from plaudit.services.sign_in import link_account
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import desks as desks_store
from plaudit.store.keys import iso
from plaudit_dev.bootstrap import Api, apply, http_transport, load, plan
from plaudit_dev.jwt_local import dev_subject

DEMO_ORG_FILE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"

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

DEMO_ORG = load(DEMO_ORG_FILE)
DEMO_SETTINGS = OrgSettings.model_validate(DEMO_ORG.settings)
MILESTONES_BUDGET = DEMO_ORG.budgets[0].id
MILESTONES_FUNDING = sum(top_up.points for top_up in DEMO_ORG.budgets[0].top_ups)

# The demo voucher desk at the HQ cafeteria and its sign-in account (a desk account is no person: it has no
# directory record; the dev sign-in lists it beside the people): account id, desk id, desk.
DEMO_DESK_ACCOUNT = "DESK1"
DEMO_DESK_ID = "hq-cafeteria"
DEMO_DESK = DeskSpec(name="HQ cafeteria desk", vendor="Company cafeteria", locations=["HQ cafeteria"])

_BOOTSTRAP = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-seed")


def slack_id(name: str) -> str:
    return "U" + name.split()[0].upper()[:9].ljust(4, "0")


def email_of(name: str) -> str:
    return f"{name.split()[0].lower()}@plaudit.example"


def seed_demo() -> dict[str, int]:
    """The demo settings and directory, through the services (tests without a stack)."""
    replace_settings(_BOOTSTRAP, DEMO_SETTINGS)
    return seed_people() | {"company_values": len(DEMO_SETTINGS.company_values)}


def seed_people() -> dict[str, int]:
    """The demo directory: the people and a bot, as an HRIS import would write them."""
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
    for emp_id, *_ in PEOPLE:  # each has a user pool account (`plaudit token --employee` signs in as it)
        link_account(emp_id, dev_subject(emp_id), actor=actor_of(_BOOTSTRAP))
    bot_id, bot_name = BOT
    put_employee(
        _BOOTSTRAP,
        bot_id,
        EmployeeFields(email="bot@plaudit.example", name=bot_name, is_bot=True, slack_user_id="UBOT0001"),
    )
    return {"employees": len(PEOPLE), "bots": 1}


def seed_desk() -> None:
    """The demo desk, and its account tied to it as `POST /v1/desks/{id}/accounts` ties one (the local stack
    has no user pool to invite it to: its dev subject signs in with the voucher_desk group)."""
    put_desk(_BOOTSTRAP, DEMO_DESK_ID, DEMO_DESK)
    subject = dev_subject(DEMO_DESK_ACCOUNT)
    if desks_store.desk_of_account(subject) is None:
        act = Act(
            actor_of(_BOOTSTRAP), "desk.account_add", f"desk:{DEMO_DESK_ID}", after={"subject": subject}
        )
        record([desks_store.account_write(subject, DEMO_DESK_ID, iso(stored_now()))], act)


def demo_rules() -> list[RuleSpec]:
    """Work anniversaries by a points table, birthdays, and 30 days after start, all from the budget."""
    return DEMO_ORG.milestone_rules


def seed_milestones() -> dict[str, int]:
    """The company budget "milestones", topped up once with 50,000 points, and the demo rules (a rule is
    created when no rule of its name exists, so seeding again adds nothing)."""
    from plaudit.services import milestones

    with suppress(Conflict):  # seeded before
        budgets.create_budget(
            _BOOTSTRAP,
            budgets.CreateBudget.model_validate(DEMO_ORG.budgets[0].model_dump(exclude={"top_ups"})),
        )
    budgets.move_points(
        _BOOTSTRAP,
        MILESTONES_BUDGET,
        TxnKind.BUDGET_TOP_UP,
        budgets.MovePoints(points=MILESTONES_FUNDING, note=DEMO_ORG.budgets[0].top_ups[0].note),
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


def demo_catalog() -> list[CatalogItemSpec]:
    """One item of every type, each fulfilled and restricted the way such an item usually is."""
    return DEMO_ORG.catalog_items


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
    demo = demo_catalog()
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
    return DEMO_ORG.badges


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


def seed_local_demo(api_url: str) -> dict[str, int]:
    """What `plaudit dev` and `plaudit seed` load into the local stack listening at `api_url` (seed_org, as
    the demo HR admin)."""
    from plaudit_dev.jwt_local import access_claims, sign

    # the demo HR admin's access token: seed_org links their subject before its first request
    token = sign(access_claims(dev_subject(DEMO_HR_ADMIN), groups=[Role.HR_ADMIN.value], ttl=600))
    return seed_org(Api(http_transport(api_url, token)))


def seed_org(api: Api) -> dict[str, int]:
    """The demo directory, then examples/org.yaml through the API (plaudit bootstrap), then what only a
    demo needs: codes for the code-stock items it created, and the milestone rules in force since January 1
    (a run of any day this year has something to award; a rule applies from its creation on)."""
    people = seed_people()
    seed_desk()
    planned = plan(DEMO_ORG, api)
    apply([change for change in planned.changes if change.request is not None], api)
    created = {change.what for change in planned.changes if change.action == "create"}
    for spec in DEMO_ORG.catalog_items:
        if spec.fulfilment == FulfilmentMethod.CODE_STOCK and f"catalog item '{spec.name}'" in created:
            item = next(item for item in api.pages("/v1/catalog/items") if item["name"] == spec.name)
            csv = demo_codes(spec.name, spec.inventory or DEMO_STOCK_CODES)
            api.send("POST", f"/v1/catalog/items/{item['id']}/codes", csv, {"Content-Type": "text/csv"})
    _backdate_rules({spec.name for spec in DEMO_ORG.milestone_rules})
    return people | {"changes": len(planned.changes), "unchanged": planned.unchanged}


def _backdate_rules(names: set[str]) -> None:
    """The demo's time travel (a demo only): rules of these names, never edited, dated January 1."""
    from plaudit.store import milestones as store
    from plaudit.store.transact import write_all

    start_of_year = now().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    rules, _ = store.all_rules()
    writes = [
        store.rule_write(
            rule.model_copy(update={"created_at": start_of_year, "updated_at": start_of_year}),
            previous_version=rule.version,
        )
        for rule in rules
        if rule.name in names and rule.version == 1 and rule.created_at > start_of_year
    ]
    if writes:
        write_all(writes)
