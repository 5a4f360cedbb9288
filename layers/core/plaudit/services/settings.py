"""Organisation settings, configured by HR admins."""

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.periods import period_at
from plaudit.domain.settings import OrgSettings
from plaudit.services.runtime import now
from plaudit.store import snapshots
from plaudit.store.settings import put_settings


def get_settings(caller: Caller) -> OrgSettings:
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    return snap.settings()


def replace_settings(caller: Caller, settings: OrgSettings) -> OrgSettings:
    """Allowance amounts changed mid-period apply from the next period; everything else at once.

    Changing `allowance_period` or `time_zone` starts the period those define right away, so each
    person's next kudos rolls their allowance over into it.
    """
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    if snap.settings_stored():  # the very first settings apply at once
        previous = snap.settings()
        settings = settings.replacing(
            previous, period_at(now(), previous.allowance_period, previous.time_zone).id
        )
    put_settings(settings)
    return settings
