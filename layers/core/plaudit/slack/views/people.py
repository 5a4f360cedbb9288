"""How people are named in mrkdwn: a mention when the directory has their Slack id, else their name."""

from collections.abc import Sequence

from plaudit.domain.employees import Employee, EmployeeStatus
from plaudit.i18n import Messages
from plaudit.slack.views.messages import escaped

NAME_LIMIT = 60
SHOWN = 10


def person_mention(person: Employee | None, m: Messages) -> str:
    if person is None:
        return m.text("common.someone")
    if person.status is EmployeeStatus.ERASED:
        return m.text("common.former_employee")
    return f"<@{person.slack_user_id}>" if person.slack_user_id else escaped(person.name, NAME_LIMIT)


def people_mentions(people: Sequence[Employee | None], m: Messages, shown: int = SHOWN) -> str:
    """The first `shown` people, then how many more."""
    named = m.text("common.list_separator").join(person_mention(person, m) for person in people[:shown])
    if len(people) > shown:
        return m.plural("common.and_more", len(people) - shown, names=named)
    return named
