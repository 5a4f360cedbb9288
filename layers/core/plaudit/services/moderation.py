"""Moderation: HR hides a kudos that broke the rules (issue 15 §4).

One transaction marks the kudos hidden (once: hiding it again is a 409), records the act in the trail with
the reason, and, when HR reverses its points, takes back from each recipient what the kudos and its add-ons
paid them by a compensating `correction` transaction to `org:forfeited` (postings are never edited). A
recipient who no longer holds what they were paid refuses the reversal (409 `points_spent`, naming them):
HR may hide it keeping the points. The reversal is a correction (plaudit.services.corrections: the same
bounds, item and transaction as any other), so what earlier corrections took back is not taken twice. The
stream then takes the kudos out of every feed (App Home reads them) and has the bot's Slack posts of it say
it was removed; the API shows it to HR only. The kudos still counts in the insights of its period: it was
given.
"""

from enum import StrEnum

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.corrections import spent
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import TxnKind
from plaudit.domain.model import Model
from plaudit.services.corrections import kudos_source, plan
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import snapshots
from plaudit.store.recognitions import hide_write
from plaudit.store.transact import WriteRefused


class HiddenPoints(StrEnum):
    KEEP = "keep"  # the recipients keep what it paid them
    REVERSE = "reverse"  # what it paid them goes back, by a compensating transaction


class HideKudos(Model):
    reason: str = Field(min_length=1, max_length=500, description="Which rule it broke (in the trail)")
    points: HiddenPoints = Field(description="keep: the recipients keep its points; reverse: they go back")


class HiddenKudos(Model):
    recognition_id: str
    hidden_at: str
    reversed: dict[str, int] = Field(description="Points taken back from each recipient (empty: kept)")
    txn_id: str | None = Field(description="The compensating transaction (None: the points were kept)")


def hide(caller: Caller, recognition_id: str, request: HideKudos) -> HiddenKudos:
    for _ in attempts():
        source = kudos_source(recognition_id)
        snap = snapshots.load(employees=[caller.employee_id], wallets=list(source.paid) if source else [])
        require_role(snap.identify(caller), Role.HR_ADMIN)
        if source is None:
            raise NotFound("error.recognition_not_found", code="recognition_not_found")
        if source.hidden:
            raise Conflict("error.kudos_hidden", code="kudos_hidden")
        at = now()
        writes = [hide_write(recognition_id, at)]
        reversed_points: dict[str, int] = {}
        txn_id = None
        if request.points is HiddenPoints.REVERSE:
            taken = source.taken_back
            left = {person: paid - taken.get(person, 0) for person, paid in source.paid.items()}
            reversed_points = {person: points for person, points in sorted(left.items()) if points > 0}
            holds = {person: snap.wallet(person).points for person in reversed_points}
            spent(holds, reversed_points, key="error.points_spent")
            if reversed_points:
                hide_txn = derived_id("txn", TxnKind.CORRECTION.value, "hide", recognition_id)
                who = actor_of(caller)
                correction, more = plan(
                    source, reversed_points, request.reason, who, at, txn_id=hide_txn, hidden=True
                )
                writes += more
                txn_id = correction.txn_id
        act = Act(
            actor_of(caller),
            "recognition.hide",
            f"recognition:{recognition_id}",
            after={"reason": request.reason, "points": request.points.value, "reversed": reversed_points},
        )
        try:
            record(writes, act)
        except WriteRefused as refused:
            if refused.refused("hide"):
                raise Conflict("error.kudos_hidden", code="kudos_hidden") from refused
            continue  # a wallet moved or a correction was made meanwhile: read again
        return HiddenKudos(
            recognition_id=recognition_id,
            hidden_at=at.isoformat(),
            reversed=reversed_points,
            txn_id=txn_id,
        )
    raise Conflict("error.concurrent_update", code="concurrent_update")
