"""A redemption approved with the Slack button is fulfilled like one approved through REST, over HTTP against
`plaudit dev`, where every function runs with only its template role (IAM enforced): both go through the
fulfilment queue to a voucher, the Slack-approved one's code shows in Bob's App Home under "My rewards",
no call was refused, and the audit is clean.

Bob's points are funded by an HRIS event of this module's own name, so the module runs before or after the
other e2e modules sharing the stack."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from polling import eventually

from plaudit_dev.fake_slack import TEAM_ID, signing_secret
from plaudit_dev.slack_client import SlackUser, event_callback, signature_headers

pytestmark = pytest.mark.e2e

MAYA, BOB = "E1002", "E1004"  # Maya manages Bob
MAYA_SLACK, BOB_SLACK = "UMAYA", "UBOB0"  # their Slack ids in the demo org
APPROVE_ACTION = "approval_approve"  # the action id of the Approve button in the approver's DM
LUNCH = "Team lunch voucher"  # 6,000 points, needs the manager's approval
LUNCH_POINTS = 6000
BONUS_EVENT = "slack-approval-e2e-bonus"

T = TypeVar("T")


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    return {who: stack.token("--employee", who) for who in (MAYA, BOB)} | {
        "hr": stack.token("--role", "hr_admin")
    }


def points(stack, tokens) -> int:
    reply = stack.request("GET", f"/v1/employees/{BOB}/wallet", token=tokens["hr"])
    assert reply.status == 200, reply.body
    return reply.json["points"]


def fund_bob(stack, tokens, amount: int) -> None:
    """HR rewards an HRIS event of this module's own with `amount` points; the HRIS reports it for Bob."""
    before = points(stack, tokens)
    rule = {
        "name": "Slack approval e2e bonus",
        "type": "hris_event",
        "event_name": BONUS_EVENT,
        "points": amount,
        "budget_id": "milestones",
        "message": "A {points}-point bonus, {first_name}!",
    }
    created = stack.request("POST", "/v1/milestone-rules", token=tokens["hr"], body=rule)
    assert created.status == 201, created.body
    event = {
        "type": "event",
        "employee_id": BOB,
        "event_id": "slack-approval-e2e-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "slack-approval-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    eventually(lambda: points(stack, tokens) == before + amount, "Bob's bonus in his wallet")


def redeem_lunch(stack, tokens, key: str) -> dict[str, Any]:
    catalogue = stack.request("GET", "/v1/catalog/items?limit=100", token=tokens[BOB])
    assert catalogue.status == 200, catalogue.body
    lunch = next(item for item in catalogue.json["items"] if item["name"] == LUNCH)
    made = stack.request(
        "POST",
        "/v1/redemptions",
        token=tokens[BOB],
        body={"item_id": lunch["id"], "denomination": "60"},
        headers={"Idempotency-Key": key},
    )
    assert made.status == 201, made.body
    assert (made.json["status"], made.json["approver_id"]) == ("pending_approval", MAYA)
    return made.json


def redemption(stack, tokens, rid: str) -> dict[str, Any]:
    reply = stack.request("GET", f"/v1/redemptions/{rid}", token=tokens[BOB])
    assert reply.status == 200, reply.body
    return reply.json


def post_to_slack(stack, body: str, content_type: str) -> None:
    """Send a signed request as Slack would, then wait for the bot's lazy work to finish."""
    headers = {"Content-Type": content_type, **signature_headers(body, signing_secret())}
    request = urllib.request.Request(  # noqa: S310 - loopback
        stack.api_url + "/slack/events", data=body.encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]


def click_approve_in_dm(stack, rid: str) -> None:
    """Maya's click on Approve in the DM the bot sent her: a block_actions payload."""
    dm = "D" + MAYA_SLACK[1:]
    payload = {
        "type": "block_actions",
        "user": {"id": MAYA_SLACK, "username": "maya", "name": "maya", "team_id": TEAM_ID},
        "api_app_id": "APLAUDIT",
        "token": "plaudit-local-verification-token",
        "trigger_id": f"{int(time.time())}.1.e2e",
        "team": {"id": TEAM_ID, "domain": "plaudit-local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "container": {"type": "message", "message_ts": "1700000000.000300", "channel_id": dm},
        "channel": {"id": dm, "name": "directmessage"},
        "message": {"type": "message", "ts": "1700000000.000300", "text": "Approval needed", "blocks": []},
        "response_url": f"{stack.api_url}/_local/slack/responses/e2e-approval",
        "actions": [
            {
                "action_id": APPROVE_ACTION,
                "block_id": "approval",
                "type": "button",
                "value": rid,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    post_to_slack(stack, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def my_rewards_texts(stack) -> list[str]:
    """The texts of the "My rewards" section of the Home tab the bot publishes when Bob opens it."""
    seen = stack.request("GET", "/_local/slack/calls").json["last"]
    callback = event_callback(
        "app_home_opened", SlackUser(BOB_SLACK, "bob", "Bob"), author=None, reaction="", ts=""
    )
    post_to_slack(stack, json.dumps(callback), "application/json")
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    published = [c for c in calls if c["method"] == "views.publish" and c["params"]["user_id"] == BOB_SLACK]
    assert published, calls
    view = published[-1]["params"]["view"]
    blocks = (json.loads(view) if isinstance(view, str) else view)["blocks"]
    start = next(
        i for i, b in enumerate(blocks) if b["type"] == "header" and "My rewards" in b["text"]["text"]
    )
    texts = []
    for block in blocks[start + 1 :]:
        if block["type"] in ("divider", "header"):
            break
        if isinstance(block.get("text"), dict):
            texts.append(block["text"]["text"])
    return texts


def test_a_slack_approved_redemption_is_fulfilled_like_a_rest_approved_one(stack, tokens):
    fund_bob(stack, tokens, 2 * LUNCH_POINTS)
    by_rest = redeem_lunch(stack, tokens, "slack-approval-e2e-rest")
    by_slack = redeem_lunch(stack, tokens, "slack-approval-e2e-slack")

    approved = stack.request("POST", f"/v1/redemptions/{by_rest['id']}/approve", token=tokens[MAYA])
    assert approved.status == 200, approved.body
    click_approve_in_dm(stack, by_slack["id"])

    # both are fulfilled now, by the fulfilment worker from its queue (not by the hourly sweep)
    done = {
        made["id"]: eventually(
            lambda rid=made["id"]: (seen := redemption(stack, tokens, rid))["status"] == "fulfilled" and seen,
            f"redemption {made['id']} fulfilled",
        )
        for made in (by_rest, by_slack)
    }
    for fulfilled in done.values():
        statuses = [entry["status"] for entry in fulfilled["history"]]
        assert (statuses[0], statuses[-1]) == ("pending_approval", "fulfilled")
        assert "approved" in statuses
        assert fulfilled["voucher_id"]

    mine = stack.request("GET", "/v1/vouchers/mine", token=tokens[BOB])
    assert mine.status == 200, mine.body
    codes = {v["redemption_id"]: v["code"] for v in mine.json["items"]}
    assert codes[by_rest["id"]]
    assert codes[by_slack["id"]]

    shown = my_rewards_texts(stack)
    assert any(codes[by_slack["id"]] in text for text in shown), shown

    log = Path(stack.env["PLAUDIT_STATE_DIR"]) / "stack.log"
    denied = [line for line in log.read_text().splitlines() if "AccessDenied" in line]
    assert denied == []  # every call of every function was within its role
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
