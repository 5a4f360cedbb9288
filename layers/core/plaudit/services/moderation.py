"""Moderation: HR hides a kudos that broke the rules (issue 15 §4).

One transaction marks the kudos hidden (once: hiding it again is a 409), records the act in the trail with
the reason, and, when HR reverses its points, takes back from each recipient what the kudos and its add-ons
paid them by a compensating `correction` transaction to `org:forfeited` (postings are never edited). A
recipient who no longer holds what they were paid refuses the reversal (409 `points_spent`, naming them):
HR may hide it keeping the points. The stream then takes the kudos out of every feed (App Home reads them)
and has the bot's Slack posts of it say it was removed; the API shows it to HR only. The kudos still counts
in the insights of its period: it was given.
"""

from enum import StrEnum

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_FORFEITED, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.model import Model
from plaudit.domain.recognition import Recognition, WalletChange
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import snapshots
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reactions import is_undone
from plaudit.store.recognitions import get_with_add_ons, hide_write, recognition_from
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
        head, add_ons = get_with_add_ons(recognition_id)
        kudos = recognition_from(head)
        paid = _paid(kudos, add_ons) if kudos and not is_undone(head or {}) else {}
        snap = snapshots.load(employees=[caller.employee_id], wallets=list(paid))
        require_role(snap.identify(caller), Role.HR_ADMIN)
        if kudos is None:
            raise NotFound("error.recognition_not_found", code="recognition_not_found")
        if kudos.hidden_at is not None:
            raise Conflict("error.kudos_hidden", code="kudos_hidden")
        at = now()
        writes = [hide_write(recognition_id, at)]
        reversed_points: dict[str, int] = {}
        txn_id = None
        if request.points is HiddenPoints.REVERSE:
            short = sorted(person for person, points in paid.items() if snap.wallet(person).points < points)
            if short:
                raise Conflict(
                    "error.points_spent",
                    code="points_spent",
                    details={"employee_ids": short},
                    employee_id=short[0],
                )
            reversed_points = {person: points for person, points in paid.items() if points > 0}
            if reversed_points:
                txn_id = derived_id("txn", TxnKind.CORRECTION.value, "hide", recognition_id)
                writes += _reversal(txn_id, recognition_id, reversed_points, at)
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
            continue  # a wallet moved meanwhile: read again
        return HiddenKudos(
            recognition_id=recognition_id,
            hidden_at=at.isoformat(),
            reversed=reversed_points,
            txn_id=txn_id,
        )
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _paid(kudos: Recognition, add_ons: list) -> dict[str, int]:
    """What the kudos and its add-ons paid each recipient (nothing if a reaction's was taken back)."""
    paid = dict(kudos.shares)
    for add_on in add_ons:
        for person, points in add_on.shares.items():
            paid[person] = paid.get(person, 0) + points
    return paid


def _reversal(txn_id: str, recognition_id: str, points: dict[str, int], at) -> list:
    postings = [
        Posting(employee_account(person, Balance.POINTS), -amount, "kudos hidden: points reversed")
        for person, amount in sorted(points.items())
    ]
    postings.append(Posting(ORG_FORFEITED, sum(points.values()), f"kudos {recognition_id} hidden"))
    txn = Transaction(txn_id, TxnKind.CORRECTION, at, tuple(postings), {"recognition_id": recognition_id})
    return [
        *transaction_writes(txn),
        *(wallet_write(WalletChange(person, points_delta=-amount), at) for person, amount in points.items()),
    ]
