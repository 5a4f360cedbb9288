"""Corrections (issue 15 §4): HR takes back points paid in error by a compensating `correction` transaction
(postings are never edited).

An award (a milestone rule's, a season prize, a campaign payment) gives its points back to the budget that
paid them, so the budget's remaining goes back up; a kudos' points go to `org:forfeited` (they came from
the giver's allowance of a period that may be over). Each correction is bounded by what the source paid
the person minus what earlier corrections took back (409 `exceeds_paid`, or `already_reversed` once
nothing is left) and by what the person still holds (409 `points_spent`). Each is an item numbered in its
source's partition (plaudit.store.corrections): two at once cannot both take the next number, so together
they never take back more than was paid. The act is in the trail (`ledger.correct`, with the reason), the
person is told by the notifier (plaudit.slack.notices.corrections) and the insights take a corrected
award's points off what it paid (plaudit.store.insights).

A direct award of a catalogue item (POST /v1/awards: a redemption its budget paid for) is taken back whole,
while the person still holds it (plaudit.domain.corrections.item_to_take_back): not yet delivered, it is
cancelled by the redemption's own cancel path (its refund gives the budget its points); delivered as a
Plaudit voucher not yet used, the voucher is cancelled (the desks then answer `voucher_cancelled`) and a
compensating `correction` transaction gives the budget back what the delivery settled. Its correction is
the first (and only) one in the redemption's partition, so of two at once exactly one is made.

HR only: a budget's holders give from it, but taking points back from a person is HR's act. Hiding a kudos
with its points reversed (plaudit.services.moderation) is a correction made here too.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plaudit.domain.access import Caller, require_role
from plaudit.domain.corrections import Correction, CorrectionRequest, item_to_take_back, spent, to_reverse
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, NotFound, RuleViolation
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.ledger import (
    ORG_FORFEITED,
    ORG_REDEEMED,
    Balance,
    Posting,
    Transaction,
    TxnKind,
    budget_account,
    employee_account,
)
from plaudit.domain.recognition import AddOn, Recognition, WalletChange
from plaudit.domain.redemptions import Redemption
from plaudit.services import redemptions
from plaudit.services.replays import key_expired, replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import corrections as store
from plaudit.store import snapshots
from plaudit.store import vouchers as voucher_store
from plaudit.store.budgets import balance_write
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reactions import is_undone
from plaudit.store.recognitions import get_whole, recognition_from
from plaudit.store.redemptions import redemption_from
from plaudit.store.replays import first_response_write
from plaudit.store.transact import Write, WriteRefused

ACTION = "ledger.correct"


@dataclass(frozen=True)
class Source:
    """A payment of points as it stands: what it paid each person and the corrections made to it."""

    target: str  # award:<id> or recognition:<id>
    partition: str
    paid: dict[str, int]
    corrections: list[dict[str, Any]]
    to_account: str  # where taken-back points go
    facts: dict[str, Any]  # what the correction item keeps of its source (the insights, the notice)
    award: dict[str, Any] | None = None
    hidden: bool = False  # a kudos HR hid

    @property
    def taken_back(self) -> dict[str, int]:
        return store.taken_back(self.corrections)

    @property
    def next_number(self) -> int:
        return len(self.corrections) + 1


def correct(
    caller: Caller, body: CorrectionRequest, *, idempotency_key: str | None = None
) -> tuple[Correction, bool]:
    """Take back the points; returns the correction and whether it was made now (False: a replay of the
    same Idempotency-Key)."""
    who = actor_of(caller)
    request_hash = fingerprint(body.model_dump_json().encode())
    replay_id = derived_id("cor", "replay", who, idempotency_key) if idempotency_key else None
    if body.is_item_award:
        return _take_back_item(caller, body, who, request_hash, replay_id)
    for _ in attempts():
        source = award_source(body.award_id) if body.award_id else kudos_source(body.recognition_id or "")
        snap = snapshots.load(
            employees=[caller.employee_id],
            wallets=list(source.paid) if source else [],
            first_responses=[replay_id] if replay_id else [],
            settings=bool(replay_id),
        )
        require_role(snap.identify(caller), Role.HR_ADMIN)
        keep_days = snap.settings().retention.idempotency_days
        earlier = source.corrections if source else []
        if replay_id and (first := _replayed(snap, earlier, replay_id, request_hash)):
            return first, False
        if source is None:
            if body.award_id:
                raise NotFound("error.award_not_found", code="award_not_found")
            raise NotFound("error.recognition_not_found", code="recognition_not_found")
        reversing = to_reverse(
            source.paid, source.taken_back, employee_id=body.employee_id, points=body.points
        )
        spent({person: snap.wallet(person).points for person in reversing}, reversing)
        at = stored_now()
        correction, writes = plan(source, reversing, body.reason, who, at, replay_id=replay_id)
        if replay_id:
            writes.append(
                first_response_write(replay_id, request_hash, correction, at=at, keep_days=keep_days)
            )
        try:
            record(writes, act_of(who, source, correction))
        except WriteRefused:
            continue  # another correction, a wallet or the first response moved meanwhile: read again
        return correction, True
    raise Conflict("error.concurrent_update", code="concurrent_update")


def act_of(who: str, source: Source, correction: Correction) -> Act:
    return act_for(who, source.target, correction, min(correction.reversed))


def act_for(who: str, target: str, correction: Correction, person: str) -> Act:
    """The trail's entry. The reason is free text about `person` (whose points or item it took back: the
    first, when several), so it rides beside the chain and goes with their erasure
    (plaudit.services.trail.PERSONAL_FIELDS)."""
    after = {"reason": correction.reason, "reversed": correction.reversed, "txn_id": correction.txn_id}
    item = {"cancelled": correction.cancelled, "budget_points": correction.budget_points}
    return Act(
        who,
        ACTION,
        target,
        after=after | {"to": correction.to} | (item if correction.cancelled else {}),
        person=person,
    )


def _replayed(
    snap: snapshots.Snapshot, earlier: list[dict[str, Any]], replay_id: str, request_hash: str
) -> Correction | None:
    """The first answer to this key; a 409 once it expired and the correction made under it (found among
    the source's `earlier` ones by the key's id it keeps: its number is not derived from the key) exists."""
    keep_days = snap.settings().retention.idempotency_days
    done = next((c for c in earlier if c.get("replay_id") == replay_id), None)
    made = {"correction_id": done["id"]} if done else {}
    first = snap.first_response_item(replay_id)
    replay = replayed(first, request_hash, Correction, at=now(), keep_days=keep_days, made=made)
    if replay is None and done is not None:
        raise key_expired(keep_days, made)
    return replay


def _take_back_item(
    caller: Caller, body: CorrectionRequest, who: str, request_hash: str, replay_id: str | None
) -> tuple[Correction, bool]:
    """Take back a direct item award whole (see the module's docstring)."""
    rid = body.award_id or ""
    for _ in attempts():
        item, earlier = store.redemption_with_corrections(rid)
        snap = snapshots.load(
            employees=[caller.employee_id],
            first_responses=[replay_id] if replay_id else [],
            settings=bool(replay_id),
        )
        require_role(snap.identify(caller), Role.HR_ADMIN)
        if replay_id and (first := _replayed(snap, earlier, replay_id, request_hash)):
            return first, False
        award = redemption_from(item)
        if item is None or award is None or award.budget_id is None:
            raise NotFound("error.award_not_found", code="award_not_found")
        if body.employee_id not in (None, award.employee_id):
            raise RuleViolation(
                "error.correction_recipient", code="not_a_recipient", details={"paid": [award.employee_id]}
            )
        voucher = voucher_store.get_voucher(award.voucher_id) if award.voucher_id else None
        what = item_to_take_back(
            award.status,
            award.fulfilment,
            voucher,
            now().date(),
            taken_back_before=earlier[0].get("cancelled") if earlier else None,
        )
        taken = voucher if what == "voucher" else None
        correction, writes = plan_item(item, award, taken, body.reason, who, replay_id=replay_id)
        if replay_id:
            keep_days = snap.settings().retention.idempotency_days
            at = datetime.fromisoformat(correction.at)
            writes.append(
                first_response_write(replay_id, request_hash, correction, at=at, keep_days=keep_days)
            )
        act = act_for(who, correction.source, correction, award.employee_id)
        try:
            if what == "redemption":
                redemptions.cancel_taken_back(rid, who, body.reason, writes, act)
            else:
                record(writes, act)
        except WriteRefused:
            continue  # another correction, the voucher's use or the first response came first: read again
        except Conflict as moved:
            if moved.code != "not_cancellable":
                raise
            continue  # its delivery began meanwhile: read again
        return correction, True
    raise Conflict("error.concurrent_update", code="concurrent_update")


def plan_item(
    item: Mapping[str, Any],
    award: Redemption,
    voucher: Mapping[str, Any] | None,
    reason: str,
    who: str,
    *,
    replay_id: str | None = None,
) -> tuple[Correction, list[Write]]:
    """A direct item award's correction, the first in its redemption's partition. With `voucher` (the
    delivered, unused Plaudit voucher): the voucher cancelled and the compensating transaction from
    org:redeemed back to the budget, with its balance. Without: the redemption's cancel (the caller's) is
    the refund, and the correction names its transaction."""
    at = stored_now()
    partition = store.redemption_partition(award.id)
    correction_id = derived_id("cor", partition, "1")
    budget_id = award.budget_id or ""
    writes: list[Write] = []
    if voucher is not None:
        txn_id = derived_id("txn", TxnKind.CORRECTION.value, partition, "1")
        memo = f"correction of redemption:{award.id}"
        postings = (
            Posting(ORG_REDEEMED, -award.points, memo),
            Posting(budget_account(budget_id), award.points, memo),
        )
        ref = {"correction_id": correction_id, "redemption_id": award.id}
        writes += [
            *transaction_writes(Transaction(txn_id, TxnKind.CORRECTION, at, postings, ref)),
            balance_write(budget_id, award.points, at),
            *voucher_store.end_writes(voucher["id"], "cancelled", at, voucher.get("expires_on")),
        ]
        cancelled = f"voucher:{voucher['id']}"
    else:
        txn_id, cancelled = redemptions.refund_txn_id(award.id), f"redemption:{award.id}"
    correction = Correction(
        id=correction_id,
        source=f"redemption:{award.id}",
        reversed={},
        txn_id=txn_id,
        to=budget_account(budget_id),
        reason=reason,
        at=at.isoformat(),
        cancelled=cancelled,
        budget_points=award.points,
    )
    values = {
        "kind": "item",
        "redemption_id": award.id,
        "employee_id": award.employee_id,
        "item_name": award.item_name,
        "budget_id": budget_id,
        "source_at": item["created_at"],
        "stamps": item.get("stamps"),
        "period_zone": item.get("period_zone"),
        "id": correction_id,
        "source": correction.source,
        "points": {},
        "budget_points": award.points,
        "cancelled": cancelled,
        "to": correction.to,
        "txn_id": txn_id,
        "reason": reason,
        "by": who,
        "at": at.isoformat(),
        "hidden": False,
    }
    if replay_id:
        values["replay_id"] = replay_id  # an erasure blanks the reason in its first response too
    return correction, [store.correction_write(partition, 1, values), *writes]


def award_source(award_id: str) -> Source | None:
    """A paid award (nothing paid yet: it paid no one)."""
    award, corrections = store.award_with_corrections(award_id)
    if award is None:
        return None
    points = int(award.get("points") or 0)
    paid = {award["employee_id"]: points} if award.get("status") == "paid" and points else {}
    facts = {
        "kind": "award",
        "award_id": award_id,
        "budget_id": award.get("budget_id"),
        "rule_id": award.get("rule_id"),
        "rule_name": award.get("rule_name"),
        "source_at": award["created_at"],
        "stamps": award.get("stamps"),
        "period_zone": award.get("period_zone"),
    }
    return Source(
        f"award:{award_id}",
        store.award_partition(award_id),
        paid,
        corrections,
        f"budget:{award['budget_id']}" if paid else ORG_FORFEITED,
        facts,
        award,
    )


def kudos_source(recognition_id: str) -> Source | None:
    """A kudos and its add-ons (nothing paid once a reaction's points were taken back)."""
    head, add_ons, corrections = get_whole(recognition_id)
    kudos = recognition_from(head)
    if kudos is None or head is None:
        return None
    paid = kudos_paid(kudos, add_ons) if not is_undone(head) else {}
    facts = {
        "kind": "kudos",
        "recognition_id": recognition_id,
        "giver_id": kudos.giver_id,
        "source_at": kudos.created_at.isoformat(),
    }
    return Source(
        f"recognition:{recognition_id}",
        store.kudos_partition(recognition_id),
        paid,
        corrections,
        ORG_FORFEITED,
        facts,
        hidden=kudos.hidden_at is not None,
    )


def kudos_paid(kudos: Recognition, add_ons: list[AddOn]) -> dict[str, int]:
    """What the kudos and its add-ons paid each recipient."""
    paid = {person: points for person, points in kudos.shares.items() if points > 0}
    for add_on in add_ons:
        for person, points in add_on.shares.items():
            if points > 0:
                paid[person] = paid.get(person, 0) + points
    return paid


def plan(
    source: Source,
    reversing: Mapping[str, int],
    reason: str,
    who: str,
    at: datetime,
    *,
    txn_id: str | None = None,
    hidden: bool = False,
    replay_id: str | None = None,
) -> tuple[Correction, list[Write]]:
    """The correction's writes: its item (the next number; `replay_id`: where its first response is kept,
    whose reason an erasure blanks too), the compensating transaction with the wallets (never below zero)
    and, for an award, its budget's balance and the award's total taken back."""
    number = source.next_number
    correction_id = derived_id("cor", source.partition, str(number))
    txn_id = txn_id or derived_id("txn", TxnKind.CORRECTION.value, source.partition, str(number))
    total = sum(reversing.values())
    memo = f"correction of {source.target}"
    postings = [
        Posting(employee_account(person, Balance.POINTS), -points, memo)
        for person, points in sorted(reversing.items())
    ]
    postings.append(Posting(source.to_account, total, memo))
    ref = {"correction_id": correction_id} | {
        name: source.facts[name]
        for name in ("award_id", "recognition_id", "rule_id")
        if source.facts.get(name)
    }
    txn = Transaction(txn_id, TxnKind.CORRECTION, at, tuple(postings), ref)
    correction = Correction(
        id=correction_id,
        source=source.target,
        reversed=dict(sorted(reversing.items())),
        txn_id=txn_id,
        to=source.to_account,
        reason=reason,
        at=at.isoformat(),
    )
    values = source.facts | {
        "id": correction_id,
        "source": source.target,
        "points": correction.reversed,
        "total": total,
        "to": source.to_account,
        "txn_id": txn_id,
        "reason": reason,
        "by": who,
        "at": at.isoformat(),
        "hidden": hidden,
    }
    if replay_id:
        values["replay_id"] = replay_id
    writes = [
        store.correction_write(source.partition, number, values),
        *transaction_writes(txn),
        *(
            wallet_write(WalletChange(person, points_delta=-points), at)
            for person, points in reversing.items()
        ),
    ]
    if source.award is not None:
        budget_id = source.award["budget_id"]
        before = source.taken_back.get(source.award["employee_id"], 0)
        writes += [
            balance_write(budget_id, total, at),
            store.award_corrected_write(source.award["id"], before, before + total, at),
        ]
    return correction, writes
