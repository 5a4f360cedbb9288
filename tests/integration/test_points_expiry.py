"""Points that age out (settings.points_expiry_months), through the hourly schedule's own handler: off by
default; once on, what is older than the cutoff expires through the ledger, oldest first, once a day, and
the person is told 30 days ahead, once; the ledger and the aggregates audit clean throughout."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from api_checks import assert_audit_clean, table_items
from test_api_redemptions import ALICE, BOB, FUNDS, grant, points_of

from plaudit.domain.access import SYSTEM
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets
from plaudit.services import settings as settings_service
from plaudit.store.codec import from_item

SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)
MERGE = {"Content-Type": "application/merge-patch+json"}


def scheduled(api, clock, at: datetime) -> dict:
    clock.at = at
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


def items_of(api, kind: str) -> list[dict]:
    return [from_item(item) for item in table_items(api.client) if item.get("type", {}).get("S") == kind]


def reminders(api) -> list[dict]:
    return items_of(api, "points_reminder")


def expiries(api) -> list[dict]:
    return [txn for txn in items_of(api, "txn") if txn["kind"] == TxnKind.POINTS_EXPIRY.value]


def test_points_older_than_the_setting_expire_oldest_first_once(api, org, clock):
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=FUNDS, name="Test funds", kind="company"))
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=100_000))
    clock.at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    grant(ALICE, 1000)
    clock.at = datetime(2026, 8, 1, 12, tzinfo=UTC)
    grant(ALICE, 300)
    grant(BOB, 50)

    off = scheduled(api, clock, datetime(2027, 2, 1, 3, tzinfo=UTC))
    assert "aged_people_checked" not in off  # off by default: nothing read, nothing expired
    assert points_of(ALICE) == 1300
    reply = api.call(
        "PATCH", "/v1/settings", as_employee="E1001", body={"points_expiry_months": 12}, headers=MERGE
    )
    assert reply.status == 200, reply.body

    # 20 days before Alice's January points turn a year old: told, nothing expires yet
    scheduled(api, clock, datetime(2026, 12, 21, 3, tzinfo=UTC))
    assert points_of(ALICE) == 1300
    (told,) = reminders(api)
    assert (told["employee_id"], told["points"], told["expires_by"]) == (ALICE, 1000, "2027-01-20")
    scheduled(api, clock, datetime(2026, 12, 21, 4, tzinfo=UTC))  # the next hour: today's run is done
    scheduled(api, clock, datetime(2026, 12, 22, 3, tzinfo=UTC))  # the next day: told of that month already
    assert len(reminders(api)) == 1

    # a year and a day after: the 1,000 old points go, the 300 of August stay
    scheduled(api, clock, datetime(2027, 1, 11, 3, tzinfo=UTC))
    assert points_of(ALICE) == 300
    assert points_of(BOB) == 50
    (expiry,) = expiries(api)
    postings = {p["account"]: p["amount"] for p in expiry["postings"]}
    assert postings == {f"emp:{ALICE}:points": -1000, "org:forfeited": 1000}
    scheduled(api, clock, datetime(2027, 1, 11, 9, tzinfo=UTC))
    scheduled(api, clock, datetime(2027, 1, 12, 3, tzinfo=UTC))  # another day: nothing older is left
    assert len(expiries(api)) == 1
    assert points_of(ALICE) == 300
    assert_audit_clean()


def test_the_setting_is_validated_and_in_the_trail(api, org, clock):
    for bad in (0, 121, "twelve", 1.5):
        reply = api.call(
            "PATCH", "/v1/settings", as_employee="E1001", body={"points_expiry_months": bad}, headers=MERGE
        )
        assert (reply.status, reply.json["error"]["code"]) == (422, "invalid_request"), bad
    assert settings_service.get_settings(SYSTEM).settings.points_expiry_months is None
    reply = api.call(
        "PATCH", "/v1/settings", as_employee="E1001", body={"points_expiry_months": 6}, headers=MERGE
    )
    assert reply.status == 200
    api.drain_streams()
    (entry,) = [i for i in items_of(api, "audit_entry") if i["action"] == "settings.patch"]
    assert "points_expiry_months" in json.dumps(entry["changes"])
