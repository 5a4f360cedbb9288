"""Property: whatever people do — kudos, add-ons, replays, deactivations, time passing across
allowance periods — the ledger stays true.

A reference model kept alongside predicts every outcome from the domain rules (who may give, min/max,
per-recipient cap, allowance with lazy roll-over, idempotent replays) and is checked after every step
against what the services report and what is stored:

- `audit_ledger()` finds no breach, and no wallet goes negative;
- each person's points equal what the services reported as given to them;
- each giver's allowance (period, remaining, granted) is what the model expects, where a period's
  allowance is the one in force when it began (HR's changes apply from the next period);
- a roll-over transaction exists exactly for each (giver, period) in which they gave;
- a refused request (PlauditError) or a replay writes nothing: DynamoDB accepts no write call.

Deterministic (derandomized, no example database). PLAUDIT_PROPERTY_EXAMPLES=400 explores further locally.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from plaudit.domain.access import Caller
from plaudit.domain.employees import Employee, EmployeeStatus, Role
from plaudit.domain.errors import PlauditError
from plaudit.domain.ids import derived_id
from plaudit.domain.periods import Period, period_at
from plaudit.domain.recognition import SplitMode, Visibility
from plaudit.domain.settings import OrgSettings, PeriodKind
from plaudit.services.audit import audit_ledger
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.services.recognition import GiveAddOn, GiveKudos, add_on, give_kudos
from plaudit.services.settings import replace_settings
from plaudit.store import snapshots
from plaudit.store.codec import from_item
from plaudit_dev.seed import BOT, DEMO_SETTINGS, PEOPLE, seed_demo

DOMAIN_TABLE = "DomainTable"
ADMIN = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="property-test")
STAFF = [row[0] for row in PEOPLE]  # E1001..E1012
BOT_ID = BOT[0]
STRANGER = "E9999"  # not in the directory
EVERYONE = [*STAFF, BOT_ID, STRANGER]
VALUES = ["teamwork", "craft", "unknown-value"]

# (allowance period, org time zone): the date line both ways, and a zone with DST.
ORG_CLOCKS = [
    (PeriodKind.MONTHLY, "UTC"),
    (PeriodKind.WEEKLY, "Pacific/Kiritimati"),
    (PeriodKind.QUARTERLY, "Pacific/Pago_Pago"),
    (PeriodKind.MONTHLY, "America/Los_Angeles"),
]
STARTS = [
    datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 9, 0, tzinfo=UTC),  # the year (and ISO week 53) ends within hours
    datetime(2027, 3, 7, 20, 0, tzinfo=UTC),  # just before US summer time starts
]

# -- operations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Give:
    giver: str
    recipients: tuple[str, ...]
    points: int
    split: SplitMode
    visibility: Visibility
    values: tuple[str, ...]
    keyed: bool


@dataclass(frozen=True)
class Replay:
    """Send an earlier keyed kudos again with its key; `changed` alters the body (a key reused)."""

    which: int
    changed: bool


@dataclass(frozen=True)
class AddOnOp:
    adder: str
    which: int  # index into the recognitions given so far (modulo); none yet: an unknown id
    points: int
    keyed: bool


@dataclass(frozen=True)
class AddOnReplay:
    """Send an earlier add-on request again (same key, or none); `changed` alters the body."""

    which: int
    changed: bool


@dataclass(frozen=True)
class Jump:
    how: str  # "minutes", "days", "to_period_end" (with an offset in seconds), "periods"
    amount: int


@dataclass(frozen=True)
class Deactivate:
    employee_id: str


@dataclass(frozen=True)
class ChangeAllowances:
    """HR sets new allowances (manager and HR admin alike); they apply from the next period."""

    employee: int
    manager: int


points = st.one_of(st.integers(1, 40), st.integers(1, 40), st.integers(1, 250))
people = st.one_of(
    st.sampled_from(STAFF), st.sampled_from(STAFF), st.sampled_from(STAFF), st.sampled_from(EVERYONE)
)
recipient_lists = st.one_of(
    st.lists(st.sampled_from(STAFF), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(STAFF), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(EVERYONE), min_size=1, max_size=3, unique=True),
).map(tuple)
gives = st.builds(
    Give,
    giver=people,
    recipients=recipient_lists,
    points=points,
    split=st.sampled_from(list(SplitMode)),
    visibility=st.sampled_from([Visibility.PUBLIC, Visibility.PUBLIC, Visibility.PRIVATE]),
    values=st.one_of(
        st.just(()), st.just(("teamwork",)), st.lists(st.sampled_from(VALUES), max_size=2, unique=True)
    ).map(tuple),
    keyed=st.booleans(),
)
replays = st.one_of(
    st.builds(Replay, which=st.integers(0, 20), changed=st.booleans()),
    st.builds(AddOnReplay, which=st.integers(0, 20), changed=st.booleans()),
)
add_ons = st.builds(AddOnOp, adder=people, which=st.integers(0, 20), points=points, keyed=st.booleans())
jumps = st.one_of(
    st.builds(Jump, how=st.just("minutes"), amount=st.integers(1, 600)),
    st.builds(Jump, how=st.just("days"), amount=st.integers(1, 20)),
    st.builds(Jump, how=st.just("to_period_end"), amount=st.sampled_from([-1, 0, 1])),
    st.builds(Jump, how=st.just("periods"), amount=st.integers(1, 3)),
)
deactivations = st.builds(Deactivate, employee_id=st.sampled_from(STAFF))
allowance_changes = st.builds(
    ChangeAllowances, employee=st.sampled_from([0, 50, 100, 150]), manager=st.sampled_from([100, 200, 300])
)
# Mostly kudos and add-ons; time passes now and then; a few replays, deactivations and HR changes.
_weighted = [*[gives] * 6, *[add_ons] * 4, replays, *[jumps] * 3, deactivations, allowance_changes]
operations = st.sampled_from(range(len(_weighted))).flatmap(lambda index: _weighted[index])


# -- the reference model -------------------------------------------------------------------------------


@dataclass
class GivenKudos:
    id: str
    giver: str
    recipients: tuple[str, ...]
    visibility: Visibility
    # adder -> (idempotency key, points each, points in total)
    adders: dict[str, tuple[str | None, int, int]] = field(default_factory=dict)
    added_at: dict[str, datetime] = field(default_factory=dict)  # adder -> when their add-on was given


@dataclass
class Model:
    settings: OrgSettings
    people: dict[str, Employee]
    # (when HR set them, allowances by role), oldest first; the seed's apply from the beginning of time
    allowance_changes: list[tuple[datetime | None, dict[Role, int]]] = field(default_factory=list)
    points: dict[str, int] = field(default_factory=dict)
    # giver -> (period, remaining, granted at the period's start)
    allowance: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # (giver, recipient) -> (period, points given in it)
    caps: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    rollovers: set[tuple[str, str]] = field(default_factory=set)  # (giver, period)
    kudos: list[GivenKudos] = field(default_factory=list)
    keyed: list[tuple[str, GiveKudos, str]] = field(default_factory=list)  # (giver, command, key)
    done: dict[tuple[str, str], str] = field(default_factory=dict)  # (giver, key) -> request body (json)
    done_at: dict[tuple[str, str], datetime] = field(default_factory=dict)  # (giver, key) -> when given
    add_on_requests: list[tuple[str, GivenKudos | None, GiveAddOn, str | None]] = field(default_factory=list)
    reported: list[int] = field(default_factory=list)  # points each successful kudos / add-on reported

    def period(self, at: datetime) -> Period:
        return period_at(at, self.settings.allowance_period, self.settings.time_zone)

    def fresh_allowance(self, employee: Employee, period: Period) -> int:
        """The allowances in force when the period began; the largest of the person's roles'."""
        table = next(t for at, t in reversed(self.allowance_changes) if at is None or at < period.starts_at)
        return max(table.get(role, 0) for role in employee.roles)

    def amounts(self, giver: str, shares: dict[str, int], at: datetime) -> str | dict[str, int]:
        """Expected outcome of the amount rules: an error code or the shares."""
        s = self.settings
        if any(not s.min_points_per_kudos <= share <= s.max_points_per_kudos for share in shares.values()):
            return "points_out_of_range"
        period = self.period(at)
        for rid, share in shares.items():
            cap_period, given_already = self.caps.get((giver, rid), (None, 0))
            if (given_already if cap_period == period.id else 0) + share > s.recipient_cap_per_period:
                return "recipient_cap_exceeded"
        held_period, remaining, _ = self.allowance.get(giver, (None, 0, 0))
        fresh = self.fresh_allowance(self.people[giver], period)
        available = remaining if held_period == period.id else fresh
        if sum(shares.values()) > available:
            return "insufficient_allowance"
        return shares

    def giver_problem(self, giver: str) -> str | None:
        person = self.people.get(giver)
        if person is None:
            return "not_in_directory"
        if not person.active:
            return "giver_deactivated"
        return "giver_is_bot" if person.is_bot else None

    def expect_give(self, giver: str, command: GiveKudos, at: datetime) -> str | dict[str, int]:
        if problem := self.giver_problem(giver):
            return problem
        rids = command.recipient_ids
        if any(rid not in self.people for rid in rids):
            return "unknown_recipient"
        if giver in rids:
            return "self_recognition"
        for rid in rids:
            if self.people[rid].is_bot:
                return "recipient_is_bot"
            if not self.people[rid].active:
                return "recipient_inactive"
        if set(command.values) - self.settings.value_slugs():
            return "unknown_value"
        if command.split is SplitMode.EACH:
            shares = dict.fromkeys(rids, command.points)
        else:  # the remainder goes one point each to the first recipients
            base, extra = divmod(command.points, len(rids))
            shares = {rid: base + (i < extra) for i, rid in enumerate(rids)}
        return self.amounts(giver, shares, at)

    def expect_add_on(
        self, adder: str, target: GivenKudos | None, command: GiveAddOn, key: str | None, at: datetime
    ) -> str | dict[str, int]:
        if target is None:
            return "recognition_not_found"
        if target.visibility is Visibility.PRIVATE and adder not in (target.giver, *target.recipients):
            return "recognition_not_found"
        if adder in target.adders:
            stored_key, stored_points, _ = target.adders[adder]
            if key is None or key != stored_key:
                return "already_added_on"
            if answer_expired(target.added_at[adder], at):
                return "idempotency_key_expired"
            return "replay" if command.points == stored_points else "idempotency_key_reused"
        if problem := self.giver_problem(adder):
            return problem
        if adder == target.giver:
            return "add_on_by_giver"
        if adder in target.recipients:
            return "self_recognition"
        active = [rid for rid in target.recipients if self.people[rid].active]
        if not active:
            return "recipient_inactive"
        return self.amounts(adder, dict.fromkeys(active, command.points), at)

    def record(self, giver: str, shares: dict[str, int], at: datetime) -> None:
        """A successful kudos or add-on: move allowance, caps and points as the rules say."""
        period = self.period(at)
        held_period, remaining, granted = self.allowance.get(giver, (None, 0, 0))
        if held_period != period.id:
            self.rollovers.add((giver, period.id))
            remaining = granted = self.fresh_allowance(self.people[giver], period)
        self.allowance[giver] = (period.id, remaining - sum(shares.values()), granted)
        for rid, share in shares.items():
            cap_period, given_already = self.caps.get((giver, rid), (None, 0))
            self.caps[(giver, rid)] = (period.id, (given_already if cap_period == period.id else 0) + share)
            self.points[rid] = self.points.get(rid, 0) + share


# -- helpers -------------------------------------------------------------------------------------------

_seeded_items: list[dict[str, Any]] = []  # the demo organisation as stored, raw, captured once


def table_items(aws: Any, table: str) -> list[dict[str, Any]]:
    """Every item of the table, decoded and in key order."""
    items: list[dict[str, Any]] = []
    for page in aws.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items += [from_item(raw) for raw in page["Items"]]
    return sorted(items, key=lambda item: (item["PK"], item["SK"]))


# A refused request must write nothing. Every write goes through the one DynamoDB client the services
# use, so the test counts the write calls DynamoDB accepted (a cancelled transaction is not accepted).
WRITE_CALLS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def fresh_org(aws: Any, template: Any, clock: Any, kind: PeriodKind, zone: str, start: datetime) -> Model:
    """A new domain table holding just the demo organisation, under the drawn period rules.

    The first example seeds through the services (seed_demo); later ones put the same items back, which
    is the same state at a fraction of the cost under moto.
    """
    spec = template.tables[DOMAIN_TABLE]
    aws.delete_table(TableName=spec.name)
    # No stream: nothing here reads it, and moto deep-copies a table (stream records included) for
    # every item of every transaction, which would make this test many times slower.
    aws.create_table(**{k: v for k, v in spec.create_kwargs.items() if k != "StreamSpecification"})
    if not _seeded_items:
        seed_demo()
        for page in aws.get_paginator("scan").paginate(TableName=spec.name, ConsistentRead=True):
            _seeded_items.extend(page["Items"])
    else:
        for start_at in range(0, len(_seeded_items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in _seeded_items[start_at : start_at + 25]]
            pending: dict[str, Any] = {spec.name: batch}
            while pending:
                pending = aws.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    clock.at = start
    org_settings = DEMO_SETTINGS.model_copy(update={"allowance_period": kind, "time_zone": zone})
    replace_settings(ADMIN, org_settings)
    snap = snapshots.load(employees=[*STAFF, BOT_ID])
    people = {eid: person for eid in [*STAFF, BOT_ID] if (person := snap.employee(eid)) is not None}
    assert len(people) == len(STAFF) + 1
    return Model(
        settings=org_settings, people=people, allowance_changes=[(None, dict(org_settings.allowances))]
    )


def answer_expired(given_at: datetime, at: datetime) -> bool:
    """A keyed request's first answer is kept settings.retention.idempotency_days (30, the seed's): a retry
    from then on is refused whatever its body (whole seconds: the table's TTL)."""
    return at.timestamp() >= int((given_at + timedelta(days=30)).timestamp())


def outcome_of(call) -> tuple[str, Any]:
    try:
        return "ok", call()
    except PlauditError as error:
        return error.code, error


def check_ledger(model: Model) -> None:
    """After every change: the audit is clean, wallets are non-negative and hold what the model says."""
    report = audit_ledger()
    assert report.ok, report.breaches
    snap = snapshots.load(wallets=EVERYONE)
    for employee_id in EVERYONE:
        wallet = snap.wallet(employee_id)
        assert wallet.points >= 0, wallet
        assert wallet.allowance_remaining >= 0, wallet
        assert wallet.points == model.points.get(employee_id, 0), (wallet, model.points)
        held = model.allowance.get(employee_id, (None, 0, 0))
        stored = (wallet.allowance_period, wallet.allowance_remaining, wallet.allowance_granted)
        assert stored == held, (wallet, held)
    assert sum(model.points.values()) == sum(model.reported)


def check_records(model: Model, items: list[dict[str, Any]]) -> None:
    """At the end: a roll-over exactly per (giver, period) they gave in; exactly the kudos given."""
    rollovers = [
        (item["ref"]["employee_id"], item["ref"]["period"])
        for item in items
        if item.get("type") == "txn" and item["kind"] == "allowance_rollover"
    ]
    assert sorted(rollovers) == sorted(model.rollovers)  # each (giver, period) once
    kudos = {item["id"] for item in items if item.get("type") == "recognition"}
    assert kudos == {given.id for given in model.kudos}
    add_ons = {(item["recognition_id"], item["adder_id"]) for item in items if item.get("type") == "add_on"}
    assert add_ons == {(given.id, adder) for given in model.kudos for adder in given.adders}


# -- the property --------------------------------------------------------------------------------------


@settings(
    max_examples=int(os.environ.get("PLAUDIT_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@example(  # roll-over with a leftover, add-ons, replays across a period boundary, a recipient leaving
    org_clock=ORG_CLOCKS[0],
    start=STARTS[0],
    ops=[
        Give("E1003", ("E1004", "E1005"), 30, SplitMode.EACH, Visibility.PUBLIC, ("teamwork",), keyed=True),
        AddOnOp("E1006", which=0, points=10, keyed=True),
        Jump("to_period_end", 0),
        Replay(which=0, changed=False),
        Give("E1003", ("E1004",), 100, SplitMode.EACH, Visibility.PRIVATE, (), keyed=False),
        Give("E1003", ("E1005",), 1, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        AddOnReplay(which=0, changed=False),
        AddOnReplay(which=0, changed=True),
        Replay(which=0, changed=True),
        Deactivate("E1005"),
        AddOnOp("E1007", which=0, points=5, keyed=False),
        AddOnOp("E1008", which=1, points=5, keyed=False),
    ],
)
@example(  # allowances changed mid-period: the period keeps its own, the next one gets the new ones
    org_clock=ORG_CLOCKS[0],
    start=STARTS[0],
    ops=[
        ChangeAllowances(employee=150, manager=100),
        Give("E1003", ("E1004",), 100, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Give("E1003", ("E1005",), 1, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Give("E1002", ("E1003", "E1004"), 100, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Jump("periods", 1),
        Give("E1003", ("E1005", "E1006"), 75, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Give("E1002", ("E1007", "E1008"), 75, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Give("E1002", ("E1009",), 1, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
    ],
)
@example(  # retries on the last second of the answers' 30 days replay, from the next one are expired
    org_clock=ORG_CLOCKS[0],
    start=STARTS[0],
    ops=[
        Give("E1003", ("E1004",), 20, SplitMode.EACH, Visibility.PUBLIC, (), keyed=True),
        AddOnOp("E1006", which=0, points=10, keyed=True),
        Jump("days", 20),
        Jump("days", 9),
        Jump("minutes", 1439),
        Replay(which=0, changed=False),
        AddOnReplay(which=0, changed=False),
        Jump("minutes", 1),
        Replay(which=0, changed=False),
        AddOnReplay(which=0, changed=False),
        Replay(which=0, changed=True),
        AddOnOp("E1006", which=0, points=10, keyed=True),
    ],
)
@example(  # split remainders, the per-recipient cap, and its reset in the next (weekly, UTC+14) period
    org_clock=ORG_CLOCKS[1],
    start=STARTS[1],
    ops=[
        Give("E1002", ("E1003", "E1004", "E1005"), 100, SplitMode.SPLIT, Visibility.PUBLIC, (), keyed=False),
        Give("E1002", ("E1003",), 66, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Give("E1002", ("E1003",), 1, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
        Jump("periods", 1),
        Give("E1002", ("E1003",), 100, SplitMode.EACH, Visibility.PUBLIC, (), keyed=False),
    ],
)
@given(
    org_clock=st.sampled_from(ORG_CLOCKS),
    start=st.sampled_from(STARTS),
    ops=st.lists(operations, min_size=4, max_size=12),
)
def test_random_operations_keep_the_ledger_true(aws, clock, org, template, org_clock, start, ops):
    kind, zone = org_clock
    table = template.tables[DOMAIN_TABLE].name
    model = fresh_org(aws, template, clock, kind, zone, start)

    writes: list[str] = []  # every write call that DynamoDB accepted, as the services' client saw it

    def count_write(**call: Any) -> None:  # botocore's after-call event: model, http_response, ...
        if call["model"].name in WRITE_CALLS and call["http_response"].status_code == 200:
            writes.append(call["model"].name)

    aws.meta.events.register("after-call.dynamodb", count_write)
    try:
        check_ledger(model)
        for step, op in enumerate(ops):
            writes.clear()
            if isinstance(op, Jump):
                jump(model, clock, op)
                may_write = False
            elif isinstance(op, Deactivate):
                may_write = model.people[op.employee_id].active  # an unchanged profile is not written
                deactivate(model, op.employee_id)
            elif isinstance(op, ChangeAllowances):
                change_allowances(model, clock, op)
                may_write = True
            elif isinstance(op, Give | Replay):
                may_write = run_give(model, clock, op, step)
            else:
                may_write = run_add_on(model, clock, op, step)
            if not may_write:  # refused, a replay, or time passing: DynamoDB accepted no write at all
                assert writes == [], f"step {step}: {op} wrote: {writes}"
            else:
                assert writes, f"step {step}: {op} succeeded without writing"
            check_ledger(model)
    finally:
        aws.meta.events.unregister("after-call.dynamodb", count_write)
    check_records(model, table_items(aws, table))


def run_give(model: Model, clock: Any, op: Give | Replay, step: int) -> bool:
    """Give (or re-send) a kudos and check the outcome against the model. Returns whether it may write."""
    if isinstance(op, Give):
        giver = op.giver
        command = GiveKudos(
            recipient_ids=list(op.recipients),
            points=op.points,
            split=op.split,
            message=f"thanks #{step}",
            values=list(op.values),
            visibility=op.visibility,
        )
        key = f"key-{step}" if op.keyed else None
        if key is not None:
            model.keyed.append((giver, command, key))
    elif model.keyed:
        giver, command, key = model.keyed[op.which % len(model.keyed)]
        if op.changed:
            command = command.model_copy(update={"message": command.message + " (edited)"})
    else:
        return False
    body = command.model_dump_json()
    if key is not None and (giver, key) in model.done:
        expected = "replay" if model.done[(giver, key)] == body else "idempotency_key_reused"
        if answer_expired(model.done_at[(giver, key)], clock.at):
            expected = "idempotency_key_expired"
    else:
        expected = model.expect_give(giver, command, clock.at)
    code, result = outcome_of(lambda: give_kudos(Caller(employee_id=giver), command, idempotency_key=key))
    event(f"kudos: {'ok' if isinstance(expected, dict) else expected}")
    if expected == "replay":
        assert code == "ok", (op, result)
        kudos, created = result
        assert not created
        assert kudos.id == derived_id("rec", giver, key)
        return False
    if not isinstance(expected, dict):
        assert code == expected, (op, expected, result)
        return False
    assert code == "ok", (op, expected, result)
    kudos, created = result
    assert created
    assert kudos.shares == expected
    assert kudos.points == sum(expected.values())
    if key is not None:
        assert kudos.id == derived_id("rec", giver, key)
        model.done[(giver, key)] = body
        model.done_at[(giver, key)] = clock.at
    model.record(giver, kudos.shares, clock.at)
    model.reported.append(kudos.points)
    model.kudos.append(GivenKudos(kudos.id, giver, tuple(kudos.recipient_ids), kudos.visibility))
    return True


def run_add_on(model: Model, clock: Any, op: AddOnOp | AddOnReplay, step: int) -> bool:
    """Add on (or re-send an earlier add-on) and check the outcome against the model.

    Returns whether it may write."""
    if isinstance(op, AddOnOp):
        target = model.kudos[op.which % len(model.kudos)] if model.kudos else None
        adder, command = op.adder, GiveAddOn(points=op.points, message="me too")
        key = f"addon-{step}" if op.keyed else None
        model.add_on_requests.append((adder, target, command, key))
    elif model.add_on_requests:
        adder, target, command, key = model.add_on_requests[op.which % len(model.add_on_requests)]
        if op.changed:
            command = command.model_copy(update={"points": command.points + 1})
    else:
        return False
    expected = model.expect_add_on(adder, target, command, key, clock.at)
    recognition_id = target.id if target else "rec_00000000000000000000000000"
    code, result = outcome_of(
        lambda: add_on(Caller(employee_id=adder), recognition_id, command, idempotency_key=key)
    )
    event(f"add-on: {'ok' if isinstance(expected, dict) else expected}")
    if expected == "replay":
        assert code == "ok", (op, result)
        extra, created = result
        assert not created
        assert target is not None
        assert (extra.adder_id, extra.recognition_id, extra.points) == (
            adder,
            target.id,
            target.adders[adder][2],
        )
        return False
    if not isinstance(expected, dict):
        assert code == expected, (op, expected, result)
        return False
    assert code == "ok", (op, expected, result)
    extra, created = result
    assert created
    assert extra.shares == expected
    assert extra.points == sum(expected.values())
    assert target is not None
    model.record(adder, extra.shares, clock.at)
    model.reported.append(extra.points)
    target.adders[adder] = (key, command.points, extra.points)
    target.added_at[adder] = clock.at
    return True


def deactivate(model: Model, employee_id: str) -> None:
    person = model.people[employee_id]
    fields = EmployeeFields(**person.model_dump(exclude={"id"}) | {"status": EmployeeStatus.DEACTIVATED})
    put_employee(ADMIN, employee_id, fields)
    model.people[employee_id] = person.model_copy(update={"status": EmployeeStatus.DEACTIVATED})
    event("deactivate")


def change_allowances(model: Model, clock: Any, op: ChangeAllowances) -> None:
    table = {Role.EMPLOYEE: op.employee, Role.MANAGER: op.manager, Role.HR_ADMIN: op.manager}
    replace_settings(ADMIN, model.settings.model_copy(update={"allowances": table}))
    model.allowance_changes.append((clock.at, table))
    event("change allowances")


def jump(model: Model, clock: Any, op: Jump) -> None:
    before = model.period(clock.at).id
    if op.how == "minutes":
        clock.advance(minutes=op.amount)
    elif op.how == "days":
        clock.advance(days=op.amount)
    elif op.how == "to_period_end":
        clock.at = model.period(clock.at).ends_at + timedelta(seconds=op.amount)
    else:
        for _ in range(op.amount):
            clock.at = model.period(clock.at).ends_at
        clock.advance(hours=5)
    event("jump: new period" if model.period(clock.at).id != before else "jump: same period")
