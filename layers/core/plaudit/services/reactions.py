"""Emoji reactions that give points: a reaction is a private kudos from the reactor to the message's
author, given through the recognition service (so every kudos rule holds), and can be taken back for a
while after."""

from plaudit.domain.access import Caller
from plaudit.domain.errors import Conflict
from plaudit.domain.reactions import UndoOutcome, UndoPlan, counts, emoji_of, plan_undo, reaction_key
from plaudit.domain.recognition import Kudos, ReactedMessage, Visibility
from plaudit.services import recognition
from plaudit.services.recognition import GiveKudos
from plaudit.services.replays import KEY_EXPIRED
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.store import snapshots
from plaudit.store.reactions import is_undone, undo_writes
from plaudit.store.recognitions import recognition_from
from plaudit.store.transact import WriteRefused, write_all


def rewards(reaction: str) -> bool:
    """Whether this reaction gives points under the organisation's settings."""
    return counts(reaction, snapshots.load(settings=True).settings())


def react(
    caller: Caller, author_id: str, reaction: str, *, channel: str, message_ts: str
) -> tuple[Kudos, bool] | None:
    """Give the message's author the configured points for the reaction. None: this emoji gives nothing.
    Otherwise the kudos and whether it was given now (False: this person already paid for this message).
    Refusals (self, bots, inactive people, allowance, per-person cap) raise as for any kudos."""
    settings = snapshots.load(settings=True).settings()
    if not counts(reaction, settings):
        return None
    command = GiveKudos(
        recipient_ids=[author_id],
        points=settings.reaction_points(),
        message=f":{settings.reaction_emoji}: reaction to a message",
        visibility=Visibility.PRIVATE,
    )
    key = reaction_key(channel, message_ts)
    try:
        reacted_to = ReactedMessage(channel=channel, message_ts=message_ts, emoji=emoji_of(reaction))
        return recognition.give_kudos(caller, command, idempotency_key=key, reaction=reacted_to)
    except Conflict as conflict:
        if conflict.code not in ("idempotency_key_reused", KEY_EXPIRED) or caller.employee_id is None:
            raise
    # Paid before, under other settings (emoji or points changed since), or longer ago than first responses
    # are kept: still paid once.
    recognition_id = recognition.kudos_id_for(caller.employee_id, key)
    prior = recognition_from(snapshots.load(recognitions=[recognition_id]).recognition_item(recognition_id))
    if prior is None:
        raise Conflict("error.concurrent_update", code="concurrent_update")
    return prior, False


def unreact(
    caller: Caller, reaction: str, *, channel: str, message_ts: str
) -> tuple[UndoOutcome, Kudos | None]:
    """Take back what the caller's reaction gave, once, if still allowed (see domain.reactions.plan_undo).
    Returns what happened and the reaction's kudos (None when it gave nothing)."""
    if caller.employee_id is None:
        return UndoOutcome.NOTHING_GIVEN, None
    recognition_id = recognition.kudos_id_for(caller.employee_id, reaction_key(channel, message_ts))
    for _ in attempts():
        first = snapshots.load(settings=True, recognitions=[recognition_id])
        item = first.recognition_item(recognition_id)
        given = recognition_from(item)
        if item is None or given is None or not counts(reaction, first.settings()):
            return UndoOutcome.NOTHING_GIVEN, None
        (author_id,) = given.recipient_ids
        snap = snapshots.load(wallets=[author_id], settings=True)
        at = now()
        plan = plan_undo(
            given,
            undone=is_undone(item),
            author_wallet=snap.wallet(author_id),
            settings=snap.settings(),
            at=at,
        )
        if not isinstance(plan, UndoPlan):
            return plan, given
        try:
            write_all(undo_writes(given, plan, at))
        except WriteRefused:
            continue  # undone meanwhile, points spent, or contention: read again and decide again
        return UndoOutcome.UNDONE, given
    raise Conflict("error.concurrent_update", code="concurrent_update")
