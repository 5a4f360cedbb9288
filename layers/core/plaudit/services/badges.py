"""Badges: HR's definitions (REST CRUD, each change in the administrative trail), the badges people earn
from the stream (the projection calls `earn_from_batch` after counting a batch), who may see them, and
Friday's streak nudges.

Who sees a person's badges: public badges everyone in the organisation; private ones only the person and
HR admins (a manager sees their reports' public badges, like everyone). The streak is shown with them.

Nudges: on Friday afternoon in the organisation's zone (the scheduled run is hourly), people whose
giving streak of 3 weeks or more breaks unless they give this week get one Slack DM, once a week however
often the run repeats. `settings.nudges.streaks` false turns them off; a person who opted out of
leaderboards is not nudged either (they asked not to be drawn into the competition), nor is anyone
inactive.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import Field

from plaudit.domain.access import SYSTEM, Caller, require_role
from plaudit.domain.badges import (
    Badge,
    BadgeSpec,
    CountCriterion,
    Earned,
    MilestoneFact,
    Placement,
    Streak,
    count_earnings,
    counters_to_read,
    givers_weeks,
    milestone_earnings,
    nudge_time,
    previous_week,
    season_earnings,
    streak_earnings,
    week_of,
)
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, PreconditionFailed, RuleViolation
from plaudit.domain.insights import Deltas, local_day
from plaudit.domain.model import Model
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import badges as store
from plaudit.store import snapshots
from plaudit.store.transact import WriteRefused

# -- definitions --------------------------------------------------------------------------------------


def create_badge(caller: Caller, spec: BadgeSpec) -> Badge:
    _require_hr(caller, spec)
    at = stored_now()
    badge = Badge(**spec.model_dump(), id=new_id("badge"), created_at=at, updated_at=at)
    act = Act(actor_of(caller), "badge.create", f"badge:{badge.id}", after=badge.model_dump(mode="json"))
    record([store.badge_write(badge, previous_version=None)], act)
    return badge


def list_badges(
    caller: Caller, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[Badge], str | None]:
    _require_reader(caller)
    page = store.badges_page(limit=limit, cursor=cursor)
    return [badge for item in page.items if (badge := store.badge_from(item))], page.cursor


def get_badge(caller: Caller, badge_id: str) -> Badge:
    _require_reader(caller)
    return _badge(badge_id)


def replace_badge(
    caller: Caller, badge_id: str, spec: BadgeSpec, *, if_match: set[int] | None = None
) -> Badge:
    """The new words and criteria apply from now on; badges earned stay as they were earned."""
    _require_hr(caller, spec)
    for _ in attempts():
        old = _current(badge_id, if_match)
        badge = Badge(
            **spec.model_dump(),
            id=old.id,
            created_at=old.created_at,
            updated_at=max(stored_now(), old.updated_at),
            version=old.version + 1,
        )
        act = Act(
            actor_of(caller),
            "badge.replace",
            f"badge:{badge.id}",
            before=old.model_dump(mode="json"),
            after=badge.model_dump(mode="json"),
        )
        try:
            record([store.badge_write(badge, previous_version=old.version)], act)
        except WriteRefused as refused:
            if refused.refused("badge"):
                continue
            raise
        return badge
    raise Conflict("error.badge_busy", code="concurrent_update")


def delete_badge(caller: Caller, badge_id: str, *, if_match: set[int] | None = None) -> None:
    """Nobody earns it any more; the badges earned stay on people's profiles."""
    _require_hr(caller)
    for _ in attempts():
        old = _current(badge_id, if_match)
        act = Act(actor_of(caller), "badge.delete", f"badge:{old.id}", before=old.model_dump(mode="json"))
        try:
            record([store.badge_delete(old)], act)
        except WriteRefused as refused:
            if refused.refused("badge"):
                continue
            raise
        return
    raise Conflict("error.badge_busy", code="concurrent_update")


def _current(badge_id: str, if_match: set[int] | None) -> Badge:
    badge = _badge(badge_id)
    if if_match is not None and badge.version not in if_match:
        raise PreconditionFailed(
            "error.badge_changed", details={"version": badge.version}, version=str(badge.version)
        )
    return badge


def _badge(badge_id: str) -> Badge:
    badge = store.get_badge(badge_id)
    if badge is None:
        raise NotFound("error.badge_not_found", code="badge_not_found")
    return badge


def _require_hr(caller: Caller, spec: BadgeSpec | None = None) -> None:
    snap = snapshots.load(employees=[caller.employee_id], settings=spec is not None)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    criterion = spec.criteria if spec is not None else None
    if isinstance(criterion, CountCriterion) and criterion.value is not None:
        known = snap.settings().value_slugs()
        if criterion.value not in known:
            raise RuleViolation(
                "error.unknown_values",
                code="unknown_value",
                values=["#" + criterion.value],
                details={"unknown": [criterion.value], "allowed": sorted(known)},
            )


def _require_reader(caller: Caller) -> Caller:
    """Everyone in the organisation (and HR) reads definitions and public badges."""
    identified = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not identified.is_person and not identified.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    return identified


# -- a person's badges --------------------------------------------------------------------------------


class EarnedBadge(Model):
    badge_id: str
    name: str
    emoji: str
    description: str
    public: bool
    window: str = Field(description="once, a period id (2026-Q4) for badges earned in each window, y<years>")
    earned_at: datetime


class StreakView(Model):
    current: int
    longest: int
    last_week: str | None


class PersonBadges(Model):
    employee_id: str
    items: list[EarnedBadge]
    streak: StreakView


def person_badges(caller: Caller, employee_id: str) -> PersonBadges:
    snap = snapshots.load(employees=[caller.employee_id, employee_id], settings=True)
    caller = snap.identify(caller)
    if not caller.is_person and not caller.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    person = snap.employee(employee_id)
    if person is None:
        raise NotFound("error.employee_not_found", code="employee_not_found")
    sees_private = caller.employee_id == employee_id or caller.has_role(Role.HR_ADMIN)
    items = [
        EarnedBadge.model_validate(item)
        for item in store.earned_by(employee_id)
        if sees_private or item.get("public")
    ]
    items.sort(key=lambda badge: badge.earned_at, reverse=True)
    return PersonBadges(employee_id=employee_id, items=items, streak=streak_view(employee_id, snap))


def streak_view(employee_id: str, snap: snapshots.Snapshot | None = None) -> StreakView:
    """The streak as it stands this week (organisation's zone)."""
    settings = (snap or snapshots.load(settings=True)).settings()
    streak = store.streak_of(employee_id)
    week = week_of(local_day(now(), settings.time_zone))
    return StreakView(current=streak.current_in(week), longest=streak.longest, last_week=streak.last_week)


# -- earned from the stream ---------------------------------------------------------------------------


@dataclass
class EarnReport:
    earned: list[Earned] = field(default_factory=list)  # newly (a redelivery earns nothing again)
    streaks: dict[str, Streak] = field(default_factory=dict)  # those that moved


def earn_from_batch(
    touched: Mapping[tuple[str, str], Deltas],
    milestones: Iterable[MilestoneFact],
    placements: Iterable[Placement] = (),
) -> EarnReport:
    """After a batch was counted: move the streaks of who gave in it, and award the badges its people
    reach, judged by the counters as they now stand. `touched`: the batch's counter deltas (what it
    counted, or counted before when it is seen again); milestones: the awards it paid or granted;
    placements: the ranks of the season standings it froze.

    Round trips: the definitions (one query), the givers' streaks with the counters the count badges need
    (one BatchGetItem per 100: only the counters of periods whose metric the batch moved), which of the
    badges reached are held already (one BatchGetItem per 100, only when some are reached), then writes
    only for what is new: the streaks that moved (one BatchWriteItem per 25) and one conditional put per
    badge earned."""
    report = EarnReport()
    facts, places = list(milestones), list(placements)
    weeks = givers_weeks(touched)
    if not (weeks or facts or places or any(scope.startswith("person:") for scope, _ in touched)):
        return report
    badges = store.all_badges()
    wanted = counters_to_read(badges, touched)
    if not (weeks or wanted or facts or places):
        return report
    before, counters = store.batch_state(weeks, wanted)
    after = {person: _folded(before[person], given) for person, given in weeks.items()}
    report.streaks = {person: streak for person, streak in after.items() if streak != before[person]}
    if report.streaks:
        store.write_streaks(report.streaks)
    candidates = _distinct(
        count_earnings(badges, counters)
        + streak_earnings(badges, after)
        + milestone_earnings(badges, facts)
        + season_earnings(badges, places)
    )
    if not candidates:
        return report
    held = store.held(candidates)
    at = stored_now()
    report.earned = [
        earned
        for earned in candidates
        if (earned.badge.id, earned.employee_id, earned.window) not in held and store.earn(earned, at)
    ]
    return report


def _folded(streak: Streak, weeks: Iterable[str]) -> Streak:
    for week in sorted(weeks):
        streak = streak.gave_in(week)
    return streak


def _distinct(candidates: Iterable[Earned]) -> list[Earned]:
    seen: dict[tuple[str, str, str], Earned] = {}
    for earned in candidates:
        seen.setdefault((earned.badge.id, earned.employee_id, earned.window), earned)
    return list(seen.values())


# -- Friday's nudges ----------------------------------------------------------------------------------


class NudgeReport(Model):
    week: str | None  # None: not the time for nudges (or they are turned off)
    nudged: list[str]
    already: int
    skipped: int


def nudge_streaks(caller: Caller = SYSTEM) -> NudgeReport:
    """The scheduled run: on Friday afternoon (organisation's zone), one DM per person whose streak of 3+
    weeks breaks unless they give this week. A rerun nudges nobody twice."""
    require_role(caller, Role.ADMIN, Role.HR_ADMIN)
    settings = snapshots.load(settings=True).settings()
    at = now()
    local = at.astimezone(ZoneInfo(settings.time_zone))
    if not settings.nudges.streaks or not nudge_time(local):
        return NudgeReport(week=None, nudged=[], already=0, skipped=0)
    week = week_of(local.date())
    report = NudgeReport(week=week, nudged=[], already=0, skipped=0)
    cursor = None
    while True:
        streaks, cursor = store.streaks_last_given_in(previous_week(week), cursor=cursor, limit=100)
        at_risk = {person: streak for person, streak in streaks.items() if streak.at_risk_in(week)}
        people = snapshots.load(employees=at_risk) if at_risk else None
        for person, streak in sorted(at_risk.items()):
            employee = people.employee(person) if people else None
            if employee is None or not employee.active or employee.leaderboard_opt_out or employee.is_bot:
                report.skipped += 1
            elif store.record_nudge(week, person, streak, stored_now()):
                report.nudged.append(person)
            else:
                report.already += 1
        if cursor is None:
            return report
