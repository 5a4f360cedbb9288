"""Plaudit speaks to each person in their language, over HTTP against `plaudit dev`: a French speaker's
`/kudos help`, a refused kudos and a milestone award's DM are French; the kudos they give is announced in
the organisation's language (English) and DMed in French to its French recipient; an Arabic speaker's DM
keeps the mentions and emoji intact.

The people are this module's own (E41xx, added by HR through the API), so the module runs before or after
the other e2e modules sharing the stack."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest

from plaudit.i18n import messages
from plaudit_dev.fake_slack import RESPONSES_PATH, TEAM_ID, signing_secret
from plaudit_dev.slack_client import signature_headers

pytestmark = pytest.mark.e2e

ELODIE, LUC, AMAL = "E4101", "E4102", "E4103"
PEOPLE = {
    ELODIE: ("Élodie Fournier", "UELODIE41", "fr"),
    LUC: ("Luc Moreau", "ULUC00041", "fr"),
    AMAL: ("Amal Haddad", "UAMAL0041", "ar"),
}
ANNOUNCEMENTS = "CKUDOS01"  # the demo org's announcement channel; the org speaks English
AWARD_EVENT = "slack-languages-e2e-award"
FR = messages("fr")


@pytest.fixture(scope="module")
def hr(stack) -> str:
    token = stack.token("--role", "hr_admin")
    for employee_id, (name, slack_id, locale) in PEOPLE.items():
        person = {
            "email": f"{employee_id.lower()}@plaudit.example",
            "name": name,
            "slack_user_id": slack_id,
            "department": "People",
            "country": "FR",
            "start_date": "2024-01-08",
            "locale": locale,
        }
        added = stack.request("PUT", f"/v1/employees/{employee_id}", token=token, body=person)
        assert added.status in (200, 201), added.body
    return token


def slash_command(stack, text: str, slack_id: str) -> list[dict[str, Any]]:
    """`/kudos TEXT` as the Slack user, signed as Slack signs it; what the bot sent once its lazy work is
    done (the ack says nothing: it cannot know the person's language)."""
    seen = stack.request("GET", "/_local/slack/calls").json["last"]
    body = urlencode(
        {
            "token": "plaudit-local-verification-token",
            "team_id": TEAM_ID,
            "channel_id": "CGENERAL",
            "user_id": slack_id,
            "command": "/kudos",
            "text": text,
            "api_app_id": "APLAUDIT",
            "response_url": f"{stack.api_url}{RESPONSES_PATH}languages-e2e-{time.monotonic_ns()}",
            "trigger_id": f"{int(time.time())}.41.{time.monotonic_ns()}",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signature_headers(body, signing_secret()),
    }
    request = urllib.request.Request(stack.api_url + "/slack/events", body.encode(), headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 200
        assert response.read() in (b"", b"{}")
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    return stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]


def said(call: dict[str, Any]) -> str:
    return json.dumps(call["params"], ensure_ascii=False)


def replies(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [call for call in calls if call["method"] == "response_url"]


def posts_to(calls: list[dict[str, Any]], channel: str) -> list[dict[str, Any]]:
    return [
        call
        for call in calls
        if call["method"] == "chat.postMessage" and call["params"]["channel"] == channel
    ]


def test_a_french_speakers_help_is_french(stack, hr):
    (help_,) = replies(slash_command(stack, "help", PEOPLE[ELODIE][1]))
    assert help_["params"]["text"] == FR.text("kudos.help.title")
    assert "*Envoyer des kudos :*" in said(help_)
    assert FR.text("kudos.example") in said(help_)


def test_a_french_speakers_refused_kudos_is_refused_in_french(stack, hr):
    slack_id = PEOPLE[ELODIE][1]
    (refusal,) = replies(slash_command(stack, f"<@{slack_id}> 5 pour moi", slack_id))  # to herself
    assert refusal["params"]["text"] == ":warning: Vous ne pouvez pas vous donner de kudos."
    assert refusal["params"]["text"] == ":warning: " + FR.text("error.self_recognition")
    (mistake,) = replies(slash_command(stack, f"<@{PEOPLE[LUC][1]}> merci", slack_id))  # no points
    assert FR.text("kudos.parse.no_points") in said(mistake)
    assert FR.text("kudos.example_line", example=FR.text("kudos.example")) in said(mistake)


def test_a_kudos_is_announced_in_the_orgs_language_and_dmed_in_the_recipients(stack, hr):
    giver, recipient = PEOPLE[ELODIE][1], PEOPLE[LUC][1]
    calls = slash_command(stack, f"<@{recipient}> 7 merci pour la revue #teamwork", giver)
    (receipt,) = replies(calls)
    assert receipt["params"]["text"] == FR.text(
        "kudos.confirm.given", shares=f"<@{recipient}> *{FR.points(7)}*"
    ) + " " + FR.text("kudos.confirm.announced", channel=f"<#{ANNOUNCEMENTS}>")
    # (a first kudos may also earn a badge, announced and DM'd beside it: only the kudos' own posts count)
    (announcement,) = [post for post in posts_to(calls, ANNOUNCEMENTS) if "gave kudos" in said(post)]
    assert f"<@{giver}> gave kudos to <@{recipient}> *7 points*" in said(announcement)
    (dm,) = [post for post in posts_to(calls, recipient) if ":gift:" in said(post)]
    assert f":gift: <@{giver}> vous a donné *7 points*" in said(dm)


def test_an_arabic_dm_keeps_mentions_and_emoji(stack, hr):
    giver, recipient = PEOPLE[ELODIE][1], PEOPLE[AMAL][1]
    sent = slash_command(stack, f"<@{recipient}> 3 merci #teamwork", giver)
    (dm,) = [post for post in posts_to(sent, recipient) if ":gift:" in said(post)]
    text = dm["params"]["text"]
    assert text == f"منحك <@{giver}> 3 نقاط"
    assert f":gift: منحك <@{giver}> *3 نقاط*" in said(dm)
    assert "`#teamwork`" in said(dm)


def test_a_french_speakers_milestone_award_dm_is_french(stack, hr):
    rule = {
        "name": "Languages e2e award",
        "type": "hris_event",
        "event_name": AWARD_EVENT,
        "points": 40,
        "budget_id": "milestones",
        "message": "Bravo {first_name} !",
        "announce": False,
        "dm": True,
    }
    created = stack.request("POST", "/v1/milestone-rules", token=hr, body=rule)
    assert created.status == 201, created.body
    seen = stack.request("GET", "/_local/slack/calls").json["last"]
    event = {
        "type": "event",
        "employee_id": ELODIE,
        "event_id": "languages-e2e-1",
        "name": AWARD_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "languages-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    slack_id = PEOPLE[ELODIE][1]
    deadline = time.monotonic() + 60
    while not (
        dms := posts_to(stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"], slack_id)
    ):
        assert time.monotonic() < deadline, "no award DM within 60 s"
        time.sleep(0.2)
    (dm,) = dms
    assert "Bravo Élodie !" in said(dm)
    assert FR.plural("milestones.dm.points", 40) in said(dm)  # "*40 points* sont dans votre portefeuille…"
