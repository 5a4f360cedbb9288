"""Managers' weekly digests: each Monday, from the celebration hour in the organisation's time zone, every
manager with a team gets the week that ended: what their team received and gave, the company values most
recognised across the organisation, and who on the team has gone unrecognised for 30 days. Each digest is
a record written once per manager and week (the notifier DMs it, in the manager's language); a rerun, or
the next hourly run, writes none again. The `manager_digest` setting turns them off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from plaudit.domain.insights import ALL_TIME, Span, period_id
from plaudit.services.people_reports import is_quiet
from plaudit.store import digests, snapshots
from plaudit.store import employees as directory
from plaudit.store import insights as counters

TOP_VALUES = 3
FIGURES = ("kudos_received", "points_received", "kudos_given", "points_given")


def due_week(at: datetime, time_zone: str, hour: int) -> str:
    """The ISO week whose digest is due at `at`: the one before the latest Monday's `hour` passed."""
    local = at.astimezone(ZoneInfo(time_zone))
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == 0 and local.hour < hour:
        monday -= timedelta(days=7)
    return period_id(Span.WEEK, monday - timedelta(days=1))


def write_due(at: datetime) -> int:
    """Write the digests due and not written yet. Returns how many were written now."""
    settings = snapshots.load(settings=True).settings()
    if not settings.manager_digest:
        return 0
    week = due_week(at, settings.time_zone, settings.celebration_hour)
    if digests.week_done(week):
        return 0
    managers = sorted(scope.removeprefix("team:") for scope in directory.headcount_groups("team"))
    slugs = [value.slug for value in settings.company_values]
    by_value = counters.read_counters((f"value:{slug}", week) for slug in slugs)
    ranked = sorted(
        (slug for slug in slugs if by_value[(f"value:{slug}", week)].get("kudos_received")),
        key=lambda slug: (-by_value[(f"value:{slug}", week)]["kudos_received"], slug),
    )
    written = 0
    for manager_id in managers:
        team = directory.team_members(manager_id)
        found = counters.read_figures(
            [(f"team:{manager_id}", week), *((f"person:{person}", ALL_TIME) for person in team)]
        )
        figures = found.counters[(f"team:{manager_id}", week)]
        quiet = sorted(person for person in team if is_quiet(found.last_received.get(f"person:{person}"), at))
        record = {name: int(figures.get(name, 0)) for name in FIGURES}
        record |= {"quiet_ids": quiet, "top_values": ranked[:TOP_VALUES]}
        written += digests.write_digest(week, manager_id, record, at)
    digests.mark_week_done(week, at)
    return written
