"""A notice: one Slack post the notifier makes for a stream record; and who the notices go to."""

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import Messages, messages
from plaudit.slack.identity import person_language
from plaudit.slack.views.messages import FALLBACK_TEXT_LIMIT, Message
from plaudit.slack.views.people import person_mention

Subject = tuple[
    str, str
]  # what a post is about, kept with its channel and ts: (kudos|award|voucher|redemption, id)


@dataclass(frozen=True)
class Told:
    """The person a notice is sent to (a DM; not a channel's post): kept in their notification log
    (plaudit.store.notifications) with its `kind` and the id of what it is about, never its text."""

    employee_id: str
    kind: str
    subject_id: str


@dataclass(frozen=True)
class Notice:
    """One post: `purpose` names it among a record's posts (announcement, dm:<id>, celebration, hr,
    manager, owner, approver); `about` is what it is about, when the post is kept to update later; `to`
    whom it is sent, when it is a DM to a person."""

    purpose: str
    channel: str
    message: Message
    about: Subject | None = None
    to: Told | None = None


def compose(fallback: str, blocks: list[Block]) -> Message:
    """`fallback` is mrkdwn already escaped: the notification and screen-reader text."""
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict() for block in blocks]}


class People:
    """Who to tell, and in which language: employees read from the table (once per id per batch), the org's
    channels and its language."""

    def __init__(
        self, settings: Callable[[], OrgSettings], slack: Callable[[], WebClient | None] = lambda: None
    ) -> None:
        self._settings = settings
        self._slack = slack
        self._employees: dict[str, Employee | None] = {}

    def employee(self, employee_id: str) -> Employee | None:
        if employee_id not in self._employees:
            from plaudit.store import snapshots

            self._employees[employee_id] = snapshots.load(employees=[employee_id]).employee(employee_id)
        return self._employees[employee_id]

    def slack_id(self, employee_id: str | None) -> str | None:
        employee = self.employee(employee_id) if employee_id else None
        return employee.slack_user_id if employee is not None else None

    def name(self, employee_id: str) -> str:
        employee = self.employee(employee_id)
        return employee.name if employee is not None else employee_id

    def mention(self, employee_id: str, m: Messages) -> str:
        """mrkdwn: a mention when the person has a Slack id, else their escaped name."""
        return person_mention(self.employee(employee_id), m)

    def language(self, employee_id: str | None) -> Messages:
        """The person's language: their directory `locale`, else their Slack locale's (when they are in
        Slack and Slack is configured), else the organisation's."""
        employee = self.employee(employee_id) if employee_id else None
        return person_language(employee, self._settings(), self._slack())

    def org_language(self) -> Messages:
        """The organisation's language: channel posts are said in it."""
        return messages(self._settings().default_locale)

    def hr_channel(self) -> str | None:
        return self._settings().hr_channel

    def announcement_channel(self) -> str | None:
        return self._settings().announcement_channel

    def value_name(self, slug: str) -> str:
        """A company value's name (its slug when the settings no longer have it)."""
        return next((value.name for value in self._settings().company_values if value.slug == slug), slug)

    def tiers_announced(self) -> bool:
        return self._settings().tiers.announce_in_channel
