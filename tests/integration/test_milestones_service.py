"""The milestone service against moto: the scheduled run in each person's time zone (across the date
line, with catch-up), Feb 29, exactly-once awards whichever path triggers them, skips, pending awards paid
by a top-up, rule versions, filters, dry runs, reminders, and reads proportional to the day's candidates."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from api_checks import assert_audit_clean, table_items

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
from plaudit.domain.employees import Employee
from plaudit.domain.errors import Forbidden, NotFound, RuleViolation
from plaudit.domain.hris import NamedEvent
from plaudit.domain.ledger import TxnKind
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.services import catalog, milestones, redemptions
from plaudit.services.budgets import CreateBudget, MovePoints, create_budget, move_points
from plaudit.services.directory import EmployeeFields, put_employee
from plaudit.store import snapshots
from plaudit.store.codec import from_item
from plaudit.store.milestones import day_index_writes

HR = Caller(employee_id="E1001")
BOB = "E1004"  # Lagos (UTC+1), started 2022-11-23, born 11-23, reports to Maya (E1002)
ALICE = "E1003"  # New York, born 02-29
BUDGET = "milestones"
EARLY = datetime(2024, 1, 1, tzinfo=UTC)


def fund(points: int, budget_id: str = BUDGET) -> None:
    create_budget(HR, CreateBudget(id=budget_id, name="Milestones", kind="company"))
    if points:
        top_up(points, budget_id)


def top_up(points: int, budget_id: str = BUDGET) -> None:
    move_points(HR, budget_id, TxnKind.BUDGET_TOP_UP, MovePoints(points=points))


def rule(clock, at: datetime = EARLY, **fields: Any):
    """A rule created at `at` (early by default, so catch-ups of past days find it in force)."""
    values: dict[str, Any] = {
        "name": "Work anniversary",
        "type": "work_anniversary",
        "points": 100,
        "budget_id": BUDGET,
        "message": "{first_name}: {years} years!",
    }
    saved, clock.at = clock.at, at
    try:
        return milestones.create_rule(HR, RuleSpec(**(values | fields)))
    finally:
        clock.at = saved


def hire(employee_id: str, *, zone: str = "UTC", start: str = "2020-01-06", **fields: Any) -> None:
    values = {"email": f"{employee_id.lower()}@plaudit.example", "name": f"Person {employee_id}"}
    values |= {"time_zone": zone, "start_date": start, "department": "Engineering", "country": "US"}
    put_employee(SYSTEM, employee_id, EmployeeFields(**(values | fields)))


def items(aws, kind: str) -> list[dict[str, Any]]:
    return [item for raw in table_items(aws) if (item := from_item(raw)).get("type") == kind]


def awarded(report) -> set[str]:
    return {view.employee_id for view in report.awarded}


def balance(budget_id: str = BUDGET) -> int:
    return snapshots.load(budgets=[budget_id]).budget_item(budget_id)["balance"]


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def run_day(clock, day: date, *, dry_run: bool = False):
    """HR's on-demand run of `day`, once the day has begun (only a dry run may look ahead)."""
    clock.at = max(clock.at, datetime.combine(day, time(), UTC) - timedelta(hours=14))
    return milestones.run_day(HR, day, dry_run=dry_run)


def test_a_day_that_has_not_begun_anywhere_can_only_be_previewed(aws, org, clock):
    fund(10_000)
    rule(clock)
    clock.at = datetime(2026, 11, 22, 9, 59, tzinfo=UTC)  # 23:59 in Kiritimati (UTC+14)
    with pytest.raises(RuleViolation) as refused:
        milestones.run_day(HR, date(2026, 11, 23))
    assert refused.value.code == "future_day"
    assert milestones.run_day(HR, date(2026, 11, 23), dry_run=True).awarded
    clock.at = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # the 23rd has begun on the date line
    assert milestones.run_day(HR, date(2026, 11, 23)).awarded


def run_at(clock, at: datetime):
    clock.at = at
    return milestones.run_due(at)


def test_rules_crud_with_history_soft_delete_and_checks(aws, org, clock):
    fund(0)
    created = rule(clock, at=clock.at)
    assert milestones.get_rule(HR, created.id) == created
    clock.advance(days=1)
    replaced = milestones.replace_rule(
        HR, created.id, RuleSpec(**(created.model_dump(include=set(RuleSpec.model_fields)) | {"points": 7}))
    )
    assert (replaced.version, replaced.points, replaced.history[0].points) == (2, 7, 100)
    assert replaced.history[0].effective_from == created.updated_at
    listed, cursor = milestones.list_rules(HR)
    assert [r.id for r in listed] == [created.id]
    assert cursor is None
    milestones.delete_rule(HR, created.id)
    with pytest.raises(NotFound):
        milestones.get_rule(HR, created.id)
    assert milestones.list_rules(HR)[0] == []
    assert items(aws, "milestone_rule")[0]["deleted_at"]  # kept, so its awards stay explainable
    with pytest.raises(RuleViolation) as unknown:
        milestones.create_rule(
            HR, RuleSpec(name="x", type="birthday", points=5, budget_id="nope", message="hi")
        )
    assert unknown.value.code == "unknown_budget"
    with pytest.raises(Forbidden):
        milestones.list_rules(Caller(employee_id=BOB))


def test_the_day_index_follows_the_profile(aws, org, clock):
    def entries(employee_id: str) -> list[tuple[str, str]]:
        return sorted(
            (i["PK"], i["SK"]) for i in items(aws, "milestone_day") if i["employee_id"] == employee_id
        )

    hire("E3001", zone="Asia/Tokyo", start="2021-07-01", birthday="12-24")
    assert entries("E3001") == [
        ("MDAY#anniversary#07-01", "1980#E3001"),
        ("MDAY#birthday#12-24", "1980#E3001"),
        ("START#2021-07-01", "1980#E3001"),
    ]
    hire("E3001", zone="Europe/London", start="2021-07-02", birthday="12-24")
    assert entries("E3001") == [
        ("MDAY#anniversary#07-02", "1500#E3001"),  # summer time on that month-day
        ("MDAY#birthday#12-24", "1440#E3001"),
        ("START#2021-07-02", "1500#E3001"),
    ]
    hire("E3001", zone="Europe/London", start="2021-07-02", birthday="12-24", status="deactivated")
    assert entries("E3001") == []
    assert entries("B0001") == []  # bots are never celebrated


def test_time_zones_across_the_date_line(aws, org, clock):
    fund(10_000)
    rule(clock)
    hire("E2001", zone="Pacific/Kiritimati", start="2020-11-23")  # UTC+14
    hire("E2002", zone="Pacific/Pago_Pago", start="2020-11-23")  # UTC-11
    # 2026-11-22 19:00 UTC is 09:00 on the 23rd in Kiritimati, 08:00 on the 22nd in Pago Pago
    first = run_at(clock, datetime(2026, 11, 22, 19, 0, 30, tzinfo=UTC))
    assert awarded(first) == {"E2001"}
    assert first.awarded[0].day == date(2026, 11, 23)
    assert first.awarded[0].occurrence == "6"
    # a day later (a catch-up window): Lagos (08:00 UTC on the 23rd) and Pago Pago (20:00 UTC)
    second = run_at(clock, datetime(2026, 11, 23, 20, 0, 30, tzinfo=UTC))
    assert awarded(second) == {BOB, "E2002"}
    assert {v.day for v in second.awarded} == {date(2026, 11, 23)}
    assert run_at(clock, datetime(2026, 11, 23, 21, 0, 30, tzinfo=UTC)).awarded == []
    assert len(items(aws, "milestone_award")) == 3
    assert_audit_clean()


def test_feb_29_in_leap_and_common_years(aws, org, clock):
    fund(10_000)
    rule(clock, name="Birthday", type="birthday", points=10, message="Happy birthday {name}")
    rule(clock)
    hire("E2003", start="2024-02-29")
    common = run_day(clock, date(2025, 2, 28))
    assert {(v.employee_id, v.rule_name, v.occurrence) for v in common.awarded} == {
        (ALICE, "Birthday", "2025"),
        ("E2003", "Work anniversary", "1"),
    }
    assert run_day(clock, date(2025, 3, 1)).awarded == []
    assert ALICE not in awarded(run_day(clock, date(2028, 2, 28)))  # a leap year: wait for the 29th
    leap = run_day(clock, date(2028, 2, 29))
    assert {(v.employee_id, v.occurrence) for v in leap.awarded} == {(ALICE, "2028"), ("E2003", "4")}
    # the schedule on Feb 28 of a common year: Alice in New York is due at 14:00 UTC
    clock.at = datetime(2027, 2, 28, 13, 30, tzinfo=UTC)
    milestones.run_due(clock.at)
    report = run_at(clock, datetime(2027, 2, 28, 14, 0, 30, tzinfo=UTC))
    assert {(v.employee_id, v.occurrence) for v in report.awarded} == {(ALICE, "2027")}
    assert_audit_clean()


def test_catch_up_after_three_missed_days(aws, org, clock):
    fund(10_000)
    rule(clock)
    for n, day in enumerate(("2019-11-19", "2019-11-20", "2019-11-21", "2019-11-22")):
        hire(f"E210{n}", start=day)
    run_at(clock, datetime(2026, 11, 19, 10, tzinfo=UTC))  # E2100's day was already handled
    report = run_at(clock, datetime(2026, 11, 22, 10, tzinfo=UTC))  # three days later
    assert awarded(report) == {"E2101", "E2102", "E2103"}
    assert {date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)} <= set(report.days)
    assert run_at(clock, datetime(2026, 11, 22, 11, tzinfo=UTC)).awarded == []
    assert_audit_clean()


def test_a_run_further_behind_than_35_days_reports_the_window_it_skipped(aws, org, clock):
    fund(100)
    run_at(clock, datetime(2026, 9, 1, tzinfo=UTC))
    report = run_at(clock, datetime(2026, 11, 16, tzinfo=UTC))
    assert report.skipped_before == datetime(2026, 9, 1, tzinfo=UTC)
    assert report.window_start == datetime(2026, 10, 12, tzinfo=UTC)


def test_the_same_anniversary_from_the_schedule_and_from_hris_is_awarded_once(aws, org, clock):
    fund(10_000)
    anniversary = rule(clock)
    event = NamedEvent(
        employee_id=BOB, event_id="bamboo-1", name="work_anniversary", occurred_on=date(2026, 11, 23)
    )
    [view] = milestones.award_event(event)
    assert (view.rule_id, view.occurrence, view.status, view.points, view.source) == (
        anniversary.id,
        "4",
        "paid",
        100,
        "hris",
    )
    report = run_day(clock, date(2026, 11, 23))
    assert report.awarded == []
    assert report.already_awarded == 1
    assert milestones.award_event(event.model_copy(update={"event_id": "bamboo-2"})) == [view]
    assert len([t for t in items(aws, "txn") if t["kind"] == "milestone_award"]) == 1
    assert points_of(BOB) == 100
    assert_audit_clean()


def test_racing_paths_make_one_award(aws, org, clock, monkeypatch):
    """The schedule does not see the webhook's award yet: its put_new is refused, it counts it as done."""
    fund(10_000)
    rule(clock)
    milestones.award_event(
        NamedEvent(employee_id=BOB, event_id="e1", name="work_anniversary", occurred_on=date(2026, 11, 23))
    )
    real_get_many = milestones.get_many
    monkeypatch.setattr(
        milestones,
        "get_many",
        lambda keys: {k: v for k, v in real_get_many(keys).items() if not k[0].startswith("AWARD#")},
    )
    report = run_day(clock, date(2026, 11, 23))
    assert report.awarded == []
    assert report.already_awarded == 1
    assert len([t for t in items(aws, "txn") if t["kind"] == "milestone_award"]) == 1
    assert_audit_clean()


def test_hris_named_events_award_once_per_event_id(aws, org, clock):
    fund(10_000)
    rule(clock, name="Promotion", type="hris_event", event_name="promotion", points=300, message="{event}!")
    event = NamedEvent(employee_id=ALICE, event_id="p-1", name="promotion", occurred_on=date(2026, 11, 16))
    [first] = milestones.award_event(event)
    assert milestones.award_event(event) == [first]
    assert len(milestones.award_event(event.model_copy(update={"event_id": "p-2"}))) == 1
    assert milestones.award_event(event.model_copy(update={"name": "certification"})) == []
    assert points_of(ALICE) == 600
    with pytest.raises(RuleViolation):
        milestones.award_event(event.model_copy(update={"employee_id": "E9999"}))
    assert_audit_clean()


def test_terminated_and_not_yet_started_people_are_skipped(aws, org, clock):
    fund(10_000)
    rule(clock, name="Birthday", type="birthday", points=10, message="Happy birthday")
    hire("E2201", birthday="12-05", start="2020-01-01", status="deactivated")
    hire("E2202", birthday="12-05", start="2027-01-04")
    hire("E2203", birthday="12-05", start="2020-01-01")
    report = run_day(clock, date(2026, 12, 5))
    assert awarded(report) == {"E2203"}
    assert [(s.employee_id, s.reason) for s in report.skipped] == [("E2202", "not_started")]
    assert (
        milestones.award_event(
            NamedEvent(employee_id="E2201", event_id="b", name="birthday", occurred_on=date(2026, 12, 5))
        )
        == []
    )
    hire("E2203", birthday="12-05", start="2020-01-01", status="deactivated")  # left after the award
    assert awarded(run_day(clock, date(2027, 12, 5))) == {"E2202"}  # started by then


def test_an_opted_out_birthday_is_paid_but_not_announced(aws, org, clock):
    fund(10_000)
    rule(clock, name="Birthday", type="birthday", points=10, message="Happy birthday {first_name}")
    hire("E2301", birthday="12-05", public_birthday=False)
    hire("E2302", birthday="12-05")
    run_day(clock, date(2026, 12, 5))
    found = {a["employee_id"]: a for a in items(aws, "milestone_award")}
    assert (found["E2301"]["status"], found["E2301"]["announce"]) == ("paid", False)
    assert (found["E2302"]["status"], found["E2302"]["announce"]) == ("paid", True)
    assert found["E2302"]["channel"] == "CKUDOS01"
    assert found["E2302"]["message"] == "Happy birthday Person"
    assert points_of("E2301") == 10


def test_an_exhausted_budget_leaves_awards_pending_until_a_top_up(aws, org, clock):
    fund(150)
    rule(clock)
    hire("E2401", start="2020-12-01")
    hire("E2402", start="2021-12-01")
    report = run_day(clock, date(2026, 12, 1))
    assert [v.status for v in sorted(report.awarded + report.pending, key=lambda v: v.employee_id)] == [
        "paid",
        "pending",
    ]
    assert balance() == 50
    assert len(items(aws, "pending_award")) == 1
    assert_audit_clean()
    top_up(30)  # still short: stays pending
    assert len(items(aws, "pending_award")) == 1
    assert balance() == 80
    top_up(100)
    assert balance() == 80
    assert points_of(report.pending[0].employee_id) == 100
    paid = next(a for a in items(aws, "milestone_award") if a["id"] == report.pending[0].id)
    assert paid["status"] == "paid"
    assert paid["paid_at"]
    assert items(aws, "pending_award") == []
    assert milestones.pay_pending(BUDGET) == []
    assert_audit_clean()


def mug_item() -> str:
    spec = CatalogItemSpec(
        name="Welcome mug",
        category="merch",
        type=ItemType.MERCHANDISE,
        denominations=Denominations(fixed=[Decimal(15)]),
        currency="USD",
        fulfilment=FulfilmentMethod.INTERNAL,
    )
    return catalog.create_item(SYSTEM, spec).id


def test_a_catalogue_only_rule_gives_the_item_from_its_budget_once(aws, org, clock):
    fund(10_000)
    mug = mug_item()
    rule(
        clock,
        points=0,
        catalog_item_id=mug,
        catalog_denomination=Decimal(15),
        name="Welcome",
        type="days_after_start",
        days_after_start=7,
        message="{days} days",
    )
    hire("E2501", start="2026-11-09")
    [view] = run_day(clock, date(2026, 11, 16)).awarded
    assert (view.status, view.catalog_item_id, view.budget_id, view.points) == ("granted", mug, None, 0)
    run_day(clock, date(2026, 11, 16))  # the same day again: the item is not given twice
    [given], _ = redemptions.list_for(SYSTEM, "E2501", limit=10, cursor=None)
    assert (given.item_id, given.funded_by, given.status) == (mug, f"budget:{BUDGET}", "approved")
    assert snapshots.load(budgets=[BUDGET]).budget_item(BUDGET)["balance"] == 10_000 - given.points
    assert_audit_clean()


def test_an_item_the_person_cannot_have_is_reported_not_given(aws, org, clock):
    fund(10_000)
    item = {"catalog_item_id": "item_missing", "catalog_denomination": Decimal(15)}
    with pytest.raises(RuleViolation) as refused:
        rule(clock, **item)
    assert refused.value.code == "unknown_catalog_item"
    mug = mug_item()
    with pytest.raises(RuleViolation) as refused:
        rule(clock, catalog_item_id=mug, catalog_denomination=Decimal(20))
    assert refused.value.code == "bad_denomination"
    welcome = {"name": "Welcome", "type": "days_after_start", "days_after_start": 7, "message": "{days} days"}
    rule(clock, points=50, catalog_item_id=mug, catalog_denomination=Decimal(15), **welcome)
    catalog.delete_item(SYSTEM, mug)  # taken out of the catalogue after the rule was written
    hire("E2502", start="2026-11-09")
    report = run_day(clock, date(2026, 11, 16))
    assert [view.points for view in report.awarded] == [50]  # the points are awarded all the same
    assert [skip.reason for skip in report.skipped] == ["item_not_given:item_inactive"]
    assert_audit_clean()


def test_a_rule_edited_mid_year_applies_from_its_edit_on(aws, org, clock):
    fund(10_000)
    original = rule(clock, at=datetime(2026, 1, 1, tzinfo=UTC))
    hire("E2601", start="2020-11-17")
    hire("E2602", start="2020-11-24")
    clock.at = datetime(2026, 11, 20, tzinfo=UTC)
    spec = original.model_dump(include=set(RuleSpec.model_fields)) | {"points": 500}
    milestones.replace_rule(HR, original.id, RuleSpec(**spec))
    before = run_day(clock, date(2026, 11, 17))  # caught up after the edit
    after = run_day(clock, date(2026, 11, 24))
    assert [(v.employee_id, v.points) for v in before.awarded + after.awarded] == [
        ("E2601", 100),
        ("E2602", 500),
    ]
    assert_audit_clean()


def test_filters_admit_only_their_departments_and_countries(aws, org, clock):
    fund(10_000)
    rule(clock, filter={"departments": ["People"]})
    hire("E2701", start="2020-11-23", department="People")
    report = run_day(clock, date(2026, 11, 23))
    assert awarded(report) == {"E2701"}
    assert {(s.employee_id, s.reason) for s in report.skipped} == {(BOB, "filtered")}


def test_a_dry_run_writes_nothing(aws, org, clock):
    fund(150)
    rule(clock, manager_reminder_days=3)
    hire("E2801", start="2020-11-23")
    before = table_items(aws)
    report = run_day(clock, date(2026, 11, 23), dry_run=True)
    assert report.dry_run
    assert (len(report.awarded), len(report.pending)) == (1, 1)  # the budget covers one of them
    assert awarded(report) | {v.employee_id for v in report.pending} == {BOB, "E2801"}
    assert run_day(clock, date(2026, 11, 20), dry_run=True).reminders == 1
    assert table_items(aws) == before


def test_managers_are_reminded_ahead_once(aws, org, clock):
    fund(10_000)
    rule(clock, manager_reminder_days=3)
    report = run_day(clock, date(2026, 11, 20))
    assert report.reminders == 1
    assert report.awarded == []
    [reminder] = items(aws, "milestone_reminder")
    assert (reminder["employee_id"], reminder["manager_id"], reminder["day"]) == (BOB, "E1002", "2026-11-23")
    assert reminder["manager_slack_user_id"] == "UMAYA"
    assert run_day(clock, date(2026, 11, 20)).reminders == 0
    [award] = run_day(clock, date(2026, 11, 23)).awarded
    assert award.id == reminder["award_id"]


def test_items_read_follow_the_candidates_not_the_directory(aws, org, clock):
    fund(10_000)
    rule(clock)
    rule(clock, name="Birthday", type="birthday", points=10, message="Happy birthday")
    # 200 more people in the index (their day-index entries as save_employee writes them, in bulk)
    crowd = [
        Employee(
            id=f"E4{n:03d}",
            email=f"e4{n:03d}@plaudit.example",
            name="Crowd",
            start_date=date(2010 + n % 15, 1 + n % 12, 1 + n % 27),
            birthday=f"{1 + n % 12:02d}-{2 + n % 26:02d}",
        )
        for n in range(200)
    ]
    puts = [
        {"PutRequest": {"Item": w.operation["Put"]["Item"]}} for e in crowd for w in day_index_writes(e, None)
    ]
    for n in range(0, len(puts), 25):
        aws.batch_write_item(RequestItems={os.environ["TABLE_NAME"]: puts[n : n + 25]})
    for n, zone in enumerate(("UTC", "Asia/Tokyo", "America/Chicago")):
        hire(f"E5{n:03d}", zone=zone, start="2020-06-30")
    report = run_day(clock, date(2026, 6, 30))
    assert awarded(report) == {"E5000", "E5001", "E5002"}
    assert report.items_read <= 5 * 3, report.items_read
    clock.at = datetime(2026, 6, 30, 13, 30, tzinfo=UTC)
    milestones.run_due(clock.at)
    scheduled = run_at(clock, datetime(2026, 6, 30, 14, 30, tzinfo=UTC))  # Chicago, 09:00 CDT
    assert scheduled.already_awarded == 1
    assert scheduled.items_read <= 8, scheduled.items_read


def test_awards_are_listed_newest_first_for_hr_and_to_each_person_their_own(aws, org, clock):
    fund(150)
    rule(clock)
    hire("E2901", start="2020-11-23")
    run_day(clock, date(2026, 11, 23))
    every, _ = milestones.list_awards(HR, status=None, employee_id=None, limit=50, cursor=None)
    assert {view.employee_id for view in every} == {BOB, "E2901"}
    pending, _ = milestones.list_awards(HR, status="pending", employee_id=None, limit=50, cursor=None)
    assert [view.status for view in pending] == ["pending"]
    own, _ = milestones.list_awards(
        Caller(employee_id=BOB), status=None, employee_id=BOB, limit=50, cursor=None
    )
    assert [view.employee_id for view in own] == [BOB]
    with pytest.raises(Forbidden):
        milestones.list_awards(Caller(employee_id=BOB), status=None, employee_id=None, limit=50, cursor=None)
    first, cursor = milestones.list_awards(HR, status=None, employee_id=None, limit=1, cursor=None)
    rest, _ = milestones.list_awards(HR, status=None, employee_id=None, limit=5, cursor=cursor)
    assert [v.id for v in first + rest] == [v.id for v in every]


def test_the_day_index_can_be_rebuilt_for_profiles_saved_before_it_existed(aws, org, clock):
    fund(10_000)
    rule(clock)
    index = [(i["PK"], i["SK"]) for i in items(aws, "milestone_day")]
    for key in index:
        aws.delete_item(TableName=os.environ["TABLE_NAME"], Key={"PK": {"S": key[0]}, "SK": {"S": key[1]}})
    assert run_day(clock, date(2026, 11, 23)).awarded == []
    assert milestones.rebuild_day_index(HR) == 13
    assert sorted((i["PK"], i["SK"]) for i in items(aws, "milestone_day")) == sorted(index)
    assert awarded(run_day(clock, date(2026, 11, 23))) == {BOB}
