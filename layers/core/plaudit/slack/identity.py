"""Slack user -> employee id: by the directory's Slack user id, else by the email Slack holds for the user
(users.info). Found mappings are cached per container for a few minutes; misses are not cached. And the
language to speak to a Slack user (`slack_user_locale`, `language_for`, `person_language`)."""

import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.access import Caller
from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import Messages, messages, person_locale, supported
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
    """Empty the caches (tests, and after a directory change in the same container)."""
    _cache.clear()
    _locale_hints.clear()


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


_locale_hints: dict[str, tuple[str | None, float]] = {}


def slack_user_locale(
    slack_user_id: str, client: WebClient, *, directory_locale: str | None, default_locale: str | None
) -> str:
    """The language to speak to a Slack user: their directory `locale`, else the language of their Slack
    locale (users.info with include_locale, `fr-FR` -> fr) when Plaudit speaks it, else the organisation's
    `default_locale`, else English. Slack is asked only for people without a directory locale, and its
    answer (a miss too) is kept per container for CACHE_SECONDS."""
    if supported(directory_locale):
        return person_locale(directory_locale, default_locale)
    hit = _locale_hints.get(slack_user_id)
    if hit is None or hit[1] <= time.monotonic():
        hit = (supported(_slack_locale(slack_user_id, client)), time.monotonic() + CACHE_SECONDS)
        _locale_hints[slack_user_id] = hit
    return hit[0] or person_locale(None, default_locale)


def _slack_locale(slack_user_id: str, client: WebClient) -> str | None:
    try:
        return client.users_info(user=slack_user_id, include_locale=True)["user"].get("locale")
    except SlackApiError:
        return None


def language_for(slack_user_id: str, client: WebClient) -> Messages:
    """The language to speak to the Slack user in (see person_language); people outside the directory
    are spoken to in their Slack locale's, else the organisation's."""
    employee_id = employee_id_for(slack_user_id, client)
    snap = snapshots.load(employees=[employee_id] if employee_id else [], settings=True)
    employee = snap.employee(employee_id) if employee_id else None
    locale = slack_user_locale(
        slack_user_id,
        client,
        directory_locale=employee.locale if employee else None,
        default_locale=snap.settings().default_locale,
    )
    return messages(locale)


def person_language(employee: Employee | None, settings: OrgSettings, client: WebClient | None) -> Messages:
    """The language to speak to a person in: their directory `locale`, else their Slack locale's (when
    they are in Slack and `client` reaches it), else the organisation's `default_locale`."""
    if employee is None or employee.slack_user_id is None or client is None:
        return messages(person_locale(employee.locale if employee else None, settings.default_locale))
    return messages(
        slack_user_locale(
            employee.slack_user_id,
            client,
            directory_locale=employee.locale,
            default_locale=settings.default_locale,
        )
    )
