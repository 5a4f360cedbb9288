"""Organisation settings, configured by HR admins."""

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.settings import OrgSettings
from plaudit.store import snapshots
from plaudit.store.settings import put_settings


def get_settings(caller: Caller) -> OrgSettings:
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    return snap.settings()


def replace_settings(caller: Caller, settings: OrgSettings) -> OrgSettings:
    """Allowance changes apply from the next period: what people have left this period stays."""
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)
    put_settings(settings)
    return settings
