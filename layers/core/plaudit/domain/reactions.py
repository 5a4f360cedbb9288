"""Emoji reactions that give points: which reactions count, and when removing one takes the points back.

A reaction is a private kudos from the reactor to the message's author, keyed by the message and the
reactor (`reaction_key`), so one person pays one author once per message, however often Slack tells us.
That record outlives an undo: reacting again after the points were taken back gives nothing more.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.periods import period_at
from plaudit.domain.recognition import Kudos, WalletChange
from plaudit.domain.settings import OrgSettings
from plaudit.domain.wallets import Wallet


def reaction_key(channel: str, message_ts: str) -> str:
    """The idempotency key of a reaction, per reactor (give_kudos scopes keys to the giver)."""
    return f"reaction:{channel}:{message_ts}"


def emoji_of(reaction: str) -> str:
    """The emoji of a reaction as Slack names it, without the skin tone (clap::skin-tone-2 -> clap)."""
    return reaction.split("::", 1)[0]


def counts(reaction: str, settings: OrgSettings) -> bool:
    """Whether `reaction` gives points."""
    return emoji_of(reaction) == settings.reaction_emoji


class UndoOutcome(StrEnum):
    UNDONE = "undone"
    NOTHING_GIVEN = "nothing_given"  # no reaction of this person paid for this message
    ALREADY_UNDONE = "already_undone"
    TOO_LATE = "too_late"
    NEW_PERIOD = "new_period"
    POINTS_SPENT = "points_spent"


@dataclass(frozen=True)
class UndoPlan:
    transaction: Transaction
    wallet_changes: tuple[WalletChange, ...]
    period_id: str


def plan_undo(
    reaction: Kudos, *, undone: bool, author_wallet: Wallet, settings: OrgSettings, at: datetime
) -> UndoPlan | UndoOutcome:
    """The reversing transaction (author's points back to the reactor's allowance), or why there is none.

    Points go back only inside the undo window, only in the allowance period they were given in (an
    allowance from an ended period has expired, so returning it would mint allowance), and only while the
    author still holds them (points already spent on a reward stay spent). In every other case the
    reaction stands as given.
    """
    if undone:
        return UndoOutcome.ALREADY_UNDONE
    if at - reaction.created_at > timedelta(minutes=settings.reaction_undo_minutes):
        return UndoOutcome.TOO_LATE
    period = period_at(at, settings.allowance_period, settings.time_zone)
    if period_at(reaction.created_at, settings.allowance_period, settings.time_zone).id != period.id:
        return UndoOutcome.NEW_PERIOD
    (author_id,) = reaction.recipient_ids
    points = reaction.points
    if author_wallet.points < points:
        return UndoOutcome.POINTS_SPENT
    transaction = Transaction(
        id=derived_id("txn", "reaction_undo", reaction.id),
        kind=TxnKind.REACTION_UNDO,
        at=at,
        postings=(
            Posting(employee_account(author_id, Balance.POINTS), -points, "reaction removed"),
            Posting(employee_account(reaction.giver_id, Balance.ALLOWANCE), points, "reaction removed"),
        ),
        ref={"recognition_id": reaction.id},
    )
    changes = (
        WalletChange(employee_id=author_id, points_delta=-points),
        WalletChange(employee_id=reaction.giver_id, allowance_delta=points, period=period.id),
    )
    return UndoPlan(transaction, changes, period.id)
