"""How people are named in mrkdwn: a mention when the directory has their Slack id, else their name."""

from collections.abc import Sequence

from plaudit.domain.employees import Employee
from plaudit.slack.views.messages import escaped

NAME_LIMIT = 60
SHOWN = 10


def person_mention(person: Employee | None) -> str:
    if person is None:
        return "someone"
    return f"<@{person.slack_user_id}>" if person.slack_user_id else escaped(person.name, NAME_LIMIT)


def people_mentions(people: Sequence[Employee | None], shown: int = SHOWN) -> str:
    """The first `shown` people, then how many more."""
    named = ", ".join(person_mention(person) for person in people[:shown])
    return named + (f" and {len(people) - shown} more" if len(people) > shown else "")
