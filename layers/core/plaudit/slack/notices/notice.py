"""A notice: one Slack post the notifier makes for a stream record; and who the notices go to."""

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.slack.views.messages import FALLBACK_TEXT_LIMIT, Message
from plaudit.slack.views.people import person_mention

Subject = tuple[
    str, str
]  # what a post is about, kept with its channel and ts: (kudos|award|voucher|redemption, id)


@dataclass(frozen=True)
class Notice:
    """One post: `purpose` names it among a record's posts (announcement, dm:<id>, celebration, hr,
    manager, owner, approver); `about` is what it is about, when the post is kept to update later."""

    purpose: str
    channel: str
    message: Message
    about: Subject | None = None


def compose(fallback: str, blocks: list[Block]) -> Message:
    """`fallback` is mrkdwn already escaped: the notification and screen-reader text."""
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict() for block in blocks]}


class People:
    """Who to tell: employees read from the table (once per id per batch) and the org's channels."""

    def __init__(self, settings: Callable[[], OrgSettings]) -> None:
        self._settings = settings
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

    def mention(self, employee_id: str) -> str:
        """mrkdwn: a mention when the person has a Slack id, else their escaped name."""
        return person_mention(self.employee(employee_id))

    def hr_channel(self) -> str | None:
        return self._settings().hr_channel

    def announcement_channel(self) -> str | None:
        return self._settings().announcement_channel
