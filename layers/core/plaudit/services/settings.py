"""Organisation settings, configured by HR admins: read, replaced whole (PUT) or changed by a JSON Merge
Patch (PATCH). Every write names the version it replaces, so two admins' changes never overwrite each
other unseen: without If-Match a write lost to a concurrent one is re-applied to what that one stored;
with If-Match a stale version is refused (412)."""

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from pydantic import ValidationError

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, PreconditionFailed, RuleViolation
from plaudit.domain.merge_patch import merge_patch
from plaudit.domain.model import every_field_required
from plaudit.domain.periods import period_at
from plaudit.domain.problems import problems_from
from plaudit.domain.settings import OrgSettings
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import snapshots
from plaudit.store.settings import settings_write
from plaudit.store.transact import WriteRefused

# A PUT gives every field (nested ones too): a field left out is refused by name, never reset to its default.
SettingsDocument = every_field_required(OrgSettings)


@cache
def _patched_model() -> type[OrgSettings]:
    """What a PATCH leaves must still be whole: it may remove (null) only the fields that may be empty.
    Built on the first PATCH, not at import (cold starts)."""
    return every_field_required(OrgSettings, except_nullable=True)


@dataclass(frozen=True)
class VersionedSettings:
    settings: OrgSettings
    version: int  # 0 until the first write; each write adds one


def get_settings(caller: Caller) -> VersionedSettings:
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    return VersionedSettings(snap.settings(), snap.settings_version())


def replace_settings(
    caller: Caller, settings: OrgSettings, *, if_match: Collection[int] | None = None
) -> VersionedSettings:
    """Replace the settings whole (`if_match`: the versions the caller accepts to replace)."""
    return _write(caller, "settings.replace", lambda _: settings, if_match)


def patch_settings(
    caller: Caller, patch: dict[str, Any], *, if_match: Collection[int] | None = None
) -> VersionedSettings:
    """Apply a JSON Merge Patch (RFC 7396): objects merge, null removes what may be empty, anything else
    replaces. The result is validated whole."""
    return _write(caller, "settings.patch", lambda current: _patched(current, patch), if_match)


def _write(
    caller: Caller,
    action: str,
    change: Callable[[OrgSettings], OrgSettings],
    if_match: Collection[int] | None,
) -> VersionedSettings:
    """Allowance amounts changed mid-period apply from the next period; everything else at once.

    Changing `allowance_period` or `time_zone` starts the period those define right away, so each
    person's next kudos rolls their allowance over into it.
    """
    for _ in attempts():
        snap = snapshots.load(employees=[caller.employee_id], settings=True)
        require_role(snap.identify(caller), Role.HR_ADMIN)
        version = snap.settings_version()
        if if_match is not None and version not in if_match:
            raise PreconditionFailed(
                "error.settings_changed", details={"version": version}, version=str(version)
            )
        previous = snap.settings()
        settings = change(previous)
        if snap.settings_stored():  # the very first settings apply at once
            settings = settings.replacing(
                previous, period_at(now(), previous.allowance_period, previous.time_zone).id
            )
        act = Act(
            actor_of(caller),
            action,
            "settings",
            before=previous.model_dump(mode="json") if snap.settings_stored() else None,
            after=settings.model_dump(mode="json"),
        )
        try:
            record([settings_write(settings, version)], act)
        except WriteRefused:  # another write got in first: start again from what it stored
            continue
        return VersionedSettings(settings, version + 1)
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _patched(current: OrgSettings, patch: dict[str, Any]) -> OrgSettings:
    document = merge_patch(current.model_dump(mode="json"), patch)
    try:
        _patched_model().model_validate(document)
    except ValidationError as error:
        problems = [  # in a patch, a required field is missing only where the patch removed it
            replace(problem, key="problem.cannot_be_removed") if problem.key == "problem.missing" else problem
            for problem in problems_from(error.errors())
        ]
        raise RuleViolation("error.invalid_settings", code="invalid_request", problems=problems) from None
    return OrgSettings.model_validate(document)
