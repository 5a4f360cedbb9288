"""Insights: proving and rebuilding the counters and leaderboards from the records, and reading boards."""

from collections.abc import Callable
from dataclasses import dataclass

from plaudit.domain.insights import BoardRow, Counter, Deltas, Member
from plaudit.services.projections import contribution, updates_of
from plaudit.services.runtime import now
from plaudit.store import insights as store
from plaudit.store import snapshots


@dataclass(frozen=True)
class Recount:
    """Every counter and board row as the records say they should be, and who makes each membership."""

    counters: dict[Counter, Deltas]
    boards: dict[BoardRow, Deltas]
    members: dict[Member, str]
    sources: list[str]


def recount() -> Recount:
    """Recompute every counter and board row from the records (a scan: for the audit and the rebuild).
    Sources count in the order they happened, so each membership is owned by the first that made it."""
    time_zone = snapshots.load(settings=True).settings().time_zone
    sources = sorted(store.scan_sources(), key=lambda source: (source.act.at, source.undo, source.id))
    total, owners = contribution(sources, time_zone)
    counters: dict[Counter, Deltas] = {}
    boards: dict[BoardRow, Deltas] = {}
    for update in updates_of(total, owners):
        deltas = {name: value for name, value in update.deltas.items()}
        if update.kind == "board_row":
            a = update.attrs
            boards[(a["side"], a["scope"], a["period"], a["employee_id"])] = {
                name.removeprefix("board_"): value for name, value in deltas.items()
            }
        else:
            counters[(update.attrs["scope"], update.attrs["period"])] = deltas
    return Recount(counters, boards, owners, [source.id for source in sources])


def audit_aggregates() -> list[str]:
    """Every counter and board row against what the records say, the first mismatch first ([]: all agree).
    A figure of zero and a figure never written are the same."""
    expected = recount()
    counters, boards = store.scan_aggregates()
    breaches = _compare("counter", expected.counters, counters)
    breaches += _compare("board row", expected.boards, boards)
    return breaches


def _compare(what: str, expected: dict, stored: dict) -> list[str]:
    breaches = []
    for key in sorted(expected.keys() | stored.keys()):
        want = {name: value for name, value in expected.get(key, {}).items() if value}
        have = {name: value for name, value in stored.get(key, {}).items() if value}
        if want != have:
            names = sorted(want.keys() | have.keys())
            diff = ", ".join(
                f"{n} {have.get(n, 0)} (records say {want.get(n, 0)})"
                for n in names
                if want.get(n, 0) != have.get(n, 0)
            )
            breaches.append(f"{what} {' / '.join(key)}: {diff}")
    return breaches


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every counter, board row and membership from the records and write them whole
    (idempotent: a second run writes the same). progress(done, total) after each write of up to 25
    items. Returns the items written."""
    counted = recount()
    requests = store.rebuild_requests(
        counted.counters, counted.boards, counted.members, counted.sources, now()
    )
    for start in range(0, len(requests), 25):
        store.write_requests(requests[start : start + 25])
        if progress is not None:
            progress(min(start + 25, len(requests)), len(requests))
    return len(requests)
