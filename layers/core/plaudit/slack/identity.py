"""Slack user -> employee id: by the directory's Slack user id, else by the email Slack holds for the user
(users.info). Found mappings are cached per container for a few minutes; misses are not cached."""

import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.access import Caller
from plaudit.services.directory import employee_for_slack_user
from plaudit.store import snapshots

CACHE_SECONDS = 300

_cache: dict[str, tuple[str, float]] = {}


def employee_id_for(slack_user_id: str, client: WebClient) -> str | None:
    """The employee id behind `slack_user_id`, or None (not in the directory, a Slack bot or a guest)."""
    hit = _cache.get(slack_user_id)
    if hit and hit[1] > time.monotonic():
        return hit[0]
    employee = employee_for_slack_user(slack_user_id, lambda: _email_from_slack(slack_user_id, client))
    if employee is None:
        return None
    _cache[slack_user_id] = (employee.id, time.monotonic() + CACHE_SECONDS)
    return employee.id


def forget_all() -> None:
    """Empty the cache (tests, and after a directory change in the same container)."""
    _cache.clear()


def is_bot(slack_user_id: str, client: WebClient) -> bool:
    """Whether Slack says the user is a bot (or an app); an unknown user is not."""
    try:
        return bool(client.users_info(user=slack_user_id)["user"].get("is_bot"))
    except SlackApiError:
        return False


def _email_from_slack(slack_user_id: str, client: WebClient) -> str | None:
    try:
        user = client.users_info(user=slack_user_id)["user"]
    except SlackApiError:
        return None
    if user.get("is_bot") or user.get("deleted"):
        return None
    return (user.get("profile") or {}).get("email")


def caller_for(slack_user_id: str, client: WebClient) -> Caller | None:
    """The person behind the Slack user, with their directory profile (so their roles), or None."""
    employee_id = employee_id_for(slack_user_id, client)
    if employee_id is None:
        return None
    return snapshots.load(employees=[employee_id]).identify(Caller(employee_id=employee_id))
