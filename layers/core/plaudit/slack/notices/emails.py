"""What Slack would DM someone it cannot reach (no Slack user id, or Slack not configured), by email instead,
in their language: an approval to act on (a redemption waiting for them), a direct award from a budget (who
gave what, and why), a milestone award the rule tells its person about and a correction that took points
back. Vouchers go by their owner's
delivery channel (plaudit.integrations.delivery).
Decided from the same stream records and transitions as the Slack notices, so a record seen again sends
nothing new; nothing here carries a code."""

from collections.abc import Callable
from typing import Any

from plaudit.domain.employees import Employee
from plaudit.domain.redemptions import ROLE_QUEUES
from plaudit.integrations.delivery.mail import notice_email
from plaudit.integrations.email import Email
from plaudit.slack.notices import corrections, milestones, rewards
from plaudit.slack.notices.notice import People, Told

Reaches = Callable[[Employee], bool]  # whether a Slack DM reaches this person
Mail = tuple[str, Told, Email]  # its purpose among the record's notices, to whom and about what, the email


def emails_for(
    event_name: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    people: People,
    slack_reaches: Reaches,
) -> list[Mail]:
    """Each message the record calls for; reads people only for records that do."""
    kind = (new or {}).get("type")
    if new is None:
        return []
    if kind == rewards.REDEMPTION:
        return _approval(event_name, old, new, people, slack_reaches) + _direct_award(
            event_name, new, people, slack_reaches
        )
    if kind == milestones.AWARD:
        return _award(event_name, old, new, people, slack_reaches)
    if kind == corrections.CORRECTION:
        return _correction(event_name, new, people, slack_reaches)
    return []


def _correction(event_name: str, new: dict[str, Any], people: People, slack_reaches: Reaches) -> list[Mail]:
    emails = []
    for person_id in corrections.told(event_name, new):
        person = people.employee(person_id)
        if person is None or not person.active or slack_reaches(person):
            continue
        m = people.language(person_id)
        body = [corrections.correction_text(new, person_id, people, m)]
        message = notice_email(person, corrections.subject(new, person_id, m), body, m)
        emails.append((f"dm:{person_id}", Told(person_id, corrections.CORRECTION, new["id"]), message))
    return emails


def _approval(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], people: People, slack_reaches: Reaches
) -> list[Mail]:
    handed_on = (old or {}).get("approver_id") != new.get("approver_id")
    asks = event_name == "INSERT" or handed_on
    approver_id = new.get("approver_id")
    if (
        not asks
        or new.get("status") != "pending_approval"
        or approver_id is None
        or approver_id in ROLE_QUEUES
    ):
        return []
    approver = people.employee(approver_id)
    if approver is None or not approver.active or slack_reaches(approver):
        return []
    m = people.language(approver_id)
    who = people.name(new["employee_id"])
    item = new.get("item_name") or new.get("item_id") or m.text("rewards.an_item")
    facts = {"who": who, "item": item, "points": m.points(int(new.get("points") or 0))}
    body = [m.text("email.approval.body", **facts), m.text("email.approval.how", request=new["id"])]
    return [
        (
            f"approver:{approver_id}",
            Told(approver_id, "approval", new["id"]),
            notice_email(approver, m.text("email.approval.subject", **facts), body, m),
        )
    ]


def _direct_award(event_name: str, new: dict[str, Any], people: People, slack_reaches: Reaches) -> list[Mail]:
    giver = rewards.award_giver(new) if event_name == "INSERT" else None
    if giver is None:
        return []
    person = people.employee(new["employee_id"])
    if person is None or not person.active or slack_reaches(person):
        return []
    m = people.language(person.id)
    item = new.get("item_name") or new.get("item_id") or m.text("rewards.an_item")
    if people.employee(giver) is not None:
        subject = m.text("email.gift.subject", who=people.name(giver), item=item)
    else:  # an integration (an HRIS) gave it
        subject = m.text("email.gift.subject_company", item=item)
    words = rewards.award_words(new)
    body = [subject, *([words] if words else []), m.text("email.gift.on_its_way")]
    return [
        (f"owner:{person.id}", Told(person.id, "gift", new["id"]), notice_email(person, subject, body, m))
    ]


def _award(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], people: People, slack_reaches: Reaches
) -> list[Mail]:
    was_pending = event_name == "MODIFY" and (old or {}).get("status") == milestones.PENDING
    celebrated = new.get("status") in milestones.CELEBRATED and (event_name == "INSERT" or was_pending)
    if not celebrated or not new.get("dm"):
        return []
    person = people.employee(new["employee_id"])
    if person is None or not person.active or slack_reaches(person):
        return []
    m = people.language(person.id)
    rule = new.get("rule_name") or m.text("milestones.celebration.fallback")
    body = [new.get("message") or rule]
    if new.get("points") and new.get("status") == "paid":
        body.append(m.text("email.award.points", points=m.points(int(new["points"]))))
    if new.get("catalog_item_id"):
        body.append(m.text("milestones.dm.gift"))
    if new.get("given_by"):
        body.append(m.text("campaigns.dm.from", who=people.name(new["given_by"])))
    message = notice_email(person, m.text("email.award.subject", rule=rule), body, m)
    return [(f"dm:{person.id}", Told(person.id, "award", new["id"]), message)]
