"""Retention and erasure after termination, through the hourly schedule's own handler at an injected clock.

settings.retention.kudos_message_days: the run blanks the messages of kudos (and their add-ons) given before
the cutoff, keeping every record (the insights and the audit count them), and the bot's Slack posts of them
are updated; `plaudit audit`'s checks hold after it; a backlog bigger than a run's bound resumes from its
checkpoint. settings.erasure.after_termination_days: a leaver is erased by the system that many days after
the directory deactivated them, once; a redemption in flight puts it off to a later run; coming back first
cancels it. Both settings are changed through PATCH /v1/settings, each change in the trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import test_api_redemptions
import test_slack_kudos
from api_checks import assert_audit_clean
from test_erasure import ALICE, BOB, CARLOS, HR, NAME, give, mentions_of_alice
from test_slack_kudos import FakeSlack

from plaudit.services import retention
from plaudit.services.insights import audit_aggregates, audit_directory

slack = test_slack_kudos.slack  # the fake Slack fixture
shop, queued = test_api_redemptions.shop, test_api_redemptions.queued
redeem = test_api_redemptions.redeem
SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)
MERGE = {"Content-Type": "application/merge-patch+json"}


def scheduled(api, clock, at: datetime) -> dict:
    clock.at = at
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


def patch_settings(api, body: dict) -> None:
    reply = api.call("PATCH", "/v1/settings", as_employee=HR, body=body, headers=MERGE)
    assert reply.status == 200, reply.body


def message_of(api, recognition_id: str) -> dict:
    reply = api.call("GET", f"/v1/recognitions/{recognition_id}", as_employee=HR)
    assert reply.status == 200, reply.body
    return reply.json


def test_retention_blanks_old_kudos_messages_keeps_the_records_and_the_books_true(
    api, org, aws, clock, slack: FakeSlack
):
    clock.at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    old = give(api, BOB, [ALICE], 10, "Thanks for the January migration")
    add_on = api.call(
        "POST",
        f"/v1/recognitions/{old}/add-ons",
        body={"points": 2, "message": "Agreed!"},
        as_employee=CARLOS,
    )
    assert add_on.status == 201, add_on.body
    clock.at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    recent = give(api, ALICE, [CARLOS], 5, "Thanks for the March review")
    api.drain_streams()

    off = scheduled(api, clock, datetime(2026, 3, 5, 3, tzinfo=UTC))
    assert off["retention_pages_read"] == 0  # off by default
    assert message_of(api, old)["message"] == "Thanks for the January migration"

    patch_settings(api, {"retention": {"kudos_message_days": 30}})
    (change,) = api.call("GET", "/v1/audit-log?action=settings.patch", as_employee=HR).json["items"]
    assert change["changes"]["retention.kudos_message_days"] == {"before": None, "after": 30}

    run = scheduled(api, clock, datetime(2026, 3, 5, 4, tzinfo=UTC))
    assert run["retention_messages_blanked"] == 2  # the kudos and its add-on
    assert run["retention_behind"] == 0
    blanked = message_of(api, old)
    assert (blanked["message"], blanked["points"]) == ("", 10)
    assert blanked["message_redacted_at"]
    assert message_of(api, recent)["message"] == "Thanks for the March review"  # younger than 30 days
    updates = slack.called("chat.update")
    assert updates
    assert all(update["text"] == "This kudos message was removed." for update in updates)

    assert_audit_clean()
    assert audit_aggregates() == []
    assert audit_directory() == []

    again = scheduled(api, clock, datetime(2026, 3, 5, 5, tzinfo=UTC))
    assert (again["retention_messages_blanked"], again["retention_pages_read"]) == (0, 0)  # caught up

    later = scheduled(api, clock, datetime(2026, 4, 2, 3, tzinfo=UTC))  # the March kudos came due
    assert later["retention_messages_blanked"] == 1
    assert message_of(api, recent)["message"] == ""
    assert_audit_clean()


def test_a_backlog_bigger_than_a_run_resumes_from_its_checkpoint(api, org, aws, clock, monkeypatch):
    monkeypatch.setattr(retention, "PAGE", 1)
    monkeypatch.setattr(retention, "PAGES_PER_RUN", 2)
    given = []
    for day in (1, 2, 3):
        clock.at = datetime(2026, 1, day, 12, tzinfo=UTC)
        given.append(give(api, BOB, [ALICE], 1, f"Kudos of January {day}"))
    api.drain_streams()
    patch_settings(api, {"retention": {"kudos_message_days": 30}})

    first = scheduled(api, clock, datetime(2026, 6, 1, 3, tzinfo=UTC))
    assert first["retention_behind"] == 1
    left = [rid for rid in given if message_of(api, rid)["message"]]
    assert 0 < len(left) < 3
    runs = 0
    while left and runs < 5:
        runs += 1
        scheduled(api, clock, datetime(2026, 6, 1, 3 + runs, tzinfo=UTC))
        left = [rid for rid in given if message_of(api, rid)["message"]]
    assert left == []
    assert_audit_clean()


def test_a_leaver_is_erased_by_the_system_after_the_days_set_once(api, org, aws, clock):
    patch_settings(api, {"erasure": {"after_termination_days": 10}})
    clock.at = datetime(2026, 5, 1, 12, tzinfo=UTC)
    give(api, BOB, [ALICE], 10, f"Thanks {NAME.split()[0]}")
    for who in (ALICE, CARLOS):
        entry = api.call("GET", f"/v1/employees/{who}", as_employee=HR).json
        fields = {k: v for k, v in entry.items() if k not in ("id",)} | {"status": "deactivated"}
        assert api.call("PUT", f"/v1/employees/{who}", body=fields, as_employee=HR).status == 200
    clock.at = datetime(2026, 5, 3, 12, tzinfo=UTC)  # Carlos comes back: nobody erases him
    entry = api.call("GET", f"/v1/employees/{CARLOS}", as_employee=HR).json
    assert (
        api.call("PUT", f"/v1/employees/{CARLOS}", body=entry | {"status": "active"}, as_employee=HR).status
        == 200
    )
    api.drain_streams()

    early = scheduled(api, clock, datetime(2026, 5, 10, 3, tzinfo=UTC))
    assert early["erasures_erased"] == 0
    assert api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json["status"] == "deactivated"

    due = scheduled(api, clock, datetime(2026, 5, 11, 3, tzinfo=UTC))
    assert (due["erasures_erased"], due["erasures_cancelled"]) == (1, 0)
    assert api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json["status"] == "erased"
    assert api.call("GET", f"/v1/employees/{CARLOS}", as_employee=HR).json["status"] == "active"
    assert mentions_of_alice(aws) == []
    (act,) = api.call("GET", "/v1/audit-log?action=employee.erase", as_employee=HR).json["items"]
    assert act["actor"] == "plaudit-system"
    assert act["target"] == f"employee:{ALICE}"

    again = scheduled(api, clock, datetime(2026, 5, 12, 3, tzinfo=UTC))
    assert again["erasures_erased"] == 0  # once
    assert_audit_clean()
    assert audit_aggregates() == []
    assert audit_directory() == []


def test_a_redemption_in_flight_puts_the_erasure_off_to_a_later_run(api, shop, aws, clock):
    patch_settings(api, {"erasure": {"after_termination_days": 0}})
    held = redeem(api, shop["flagged"])
    assert held.status == 201, held.body
    entry = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    assert (
        api.call(
            "PUT", f"/v1/employees/{ALICE}", body=entry | {"status": "deactivated"}, as_employee=HR
        ).status
        == 200
    )

    waiting = scheduled(api, clock, clock.at.replace(hour=23))
    assert (waiting["erasures_erased"], waiting["erasures_waiting"]) == (0, 1)
    cancel = api.call("POST", f"/v1/redemptions/{held.json['id']}/cancel", as_employee=ALICE)
    assert cancel.status == 200, cancel.body
    done = scheduled(api, clock, clock.at.replace(hour=23, minute=30))
    assert done["erasures_erased"] == 1
    assert api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json["status"] == "erased"
    assert_audit_clean()
