"""Peer recognition rules: who may give what to whom, and the ledger movements a kudos makes."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from plaudit.domain.employees import Employee
from plaudit.domain.errors import Forbidden, Points, RuleViolation
from plaudit.domain.ledger import (
    Balance,
    Posting,
    Transaction,
    TxnKind,
    employee_account,
    parse_employee_account,
)
from plaudit.domain.model import Model
from plaudit.domain.periods import Period
from plaudit.domain.settings import OrgSettings
from plaudit.domain.wallets import Wallet, rollover

MAX_RECIPIENTS = 20  # keeps one kudos inside a single DynamoDB transaction (100 items)
MAX_MESSAGE = 1000
MAX_VALUES = 5


class SplitMode(StrEnum):
    EACH = "each"  # every recipient gets `points`
    SPLIT = "split"  # `points` is shared out between the recipients


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class ReactedMessage(Model):
    """The Slack message a reaction's kudos thanks its author for, and the emoji (without skin tone)."""

    channel: str
    message_ts: str
    emoji: str


class Kudos(Model):
    """A kudos as given: none of this changes afterwards."""

    id: str
    giver_id: str
    recipient_ids: list[str]
    shares: dict[str, int] = Field(description="Points each recipient received from the giver")
    message: str
    values: list[str]
    visibility: Visibility
    created_at: datetime
    points: int = Field(description="Points the giver gave in total")
    reaction: ReactedMessage | None = Field(
        default=None, description="Given by an emoji reaction in Slack: the message reacted to"
    )

    def visible_to(self, viewer_id: str | None, *, sees_everything: bool = False) -> bool:
        return (
            sees_everything
            or self.visibility is Visibility.PUBLIC
            or viewer_id == self.giver_id
            or viewer_id in self.recipient_ids
        )


class Recognition(Kudos):
    """A kudos with what others added on since."""

    add_on_points: int = 0
    add_on_count: int = 0
    message_redacted_at: datetime | None = Field(
        default=None, description="When the message was removed (a person's erasure): `message` is empty"
    )
    hidden_at: datetime | None = Field(
        default=None, description="When HR hid it (it broke the rules): only HR sees it from then on"
    )

    def visible_to(self, viewer_id: str | None, *, sees_everything: bool = False) -> bool:
        if self.hidden_at is not None and not sees_everything:
            return False
        return super().visible_to(viewer_id, sees_everything=sees_everything)


class AddOn(Model):
    recognition_id: str
    adder_id: str
    shares: dict[str, int]
    message: str | None = None
    created_at: datetime
    points: int


@dataclass(frozen=True)
class CapCount:
    """Points a giver sent one recipient in `period` (None: never)."""

    period: str | None = None
    given: int = 0

    def given_in(self, period_id: str) -> int:
        return self.given if self.period == period_id else 0


@dataclass(frozen=True)
class WalletChange:
    """How one wallet item changes; the store turns it into a conditional update."""

    employee_id: str
    points_delta: int = 0
    allowance_delta: int = 0
    period: str | None = None
    resets_from: Wallet | None = None  # the stored state a rollover replaces (checked on write)
    granted: int = 0  # with a rollover: the allowance the new period starts with


@dataclass(frozen=True)
class GivingPlan:
    shares: dict[str, int]
    total: int
    period: Period
    transactions: tuple[Transaction, ...]
    wallet_changes: tuple[WalletChange, ...]


@dataclass(frozen=True)
class GivingContext:
    """What the rules need to know, read in one go before deciding."""

    giver: Employee | None
    recipients: Mapping[str, Employee | None]
    settings: OrgSettings
    wallet: Wallet
    given_this_period: Mapping[str, int]  # points this giver already sent each recipient in the period
    period: Period


def shares_for(recipient_ids: list[str], points: int, mode: SplitMode) -> dict[str, int]:
    """Per-recipient points. A split hands any remainder out one point each, in the order given."""
    if mode is SplitMode.EACH:
        return dict.fromkeys(recipient_ids, points)
    base, remainder = divmod(points, len(recipient_ids))
    return {rid: base + (1 if index < remainder else 0) for index, rid in enumerate(recipient_ids)}


def check_giver(giver: Employee | None) -> Employee:
    if giver is None:
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    if not giver.active:
        raise Forbidden("error.giver_deactivated", code="giver_deactivated")
    if giver.is_bot:
        raise Forbidden("error.giver_is_bot", code="giver_is_bot")
    return giver


def check_recipients(giver: Employee, recipients: Mapping[str, Employee | None]) -> None:
    unknown = sorted(rid for rid, person in recipients.items() if person is None)
    if unknown:
        raise RuleViolation(
            "error.unknown_recipients", code="unknown_recipient", details={"ids": unknown}, ids=unknown
        )
    if giver.id in recipients:
        raise RuleViolation("error.self_recognition", code="self_recognition")
    for person in recipients.values():
        assert person is not None
        if person.is_bot:
            raise RuleViolation(
                "error.recipient_is_bot", code="recipient_is_bot", details={"id": person.id}, name=person.name
            )
        if not person.active:
            raise RuleViolation(
                "error.recipient_inactive",
                code="recipient_inactive",
                details={"id": person.id},
                name=person.name,
            )


def check_values(values: Iterable[str], settings: OrgSettings) -> None:
    unknown = sorted(set(values) - settings.value_slugs())
    if unknown:
        raise RuleViolation(
            "error.unknown_values",
            code="unknown_value",
            values=["#" + v for v in unknown],
            details={"unknown": unknown, "allowed": sorted(settings.value_slugs())},
        )


def check_amounts(shares: Mapping[str, int], ctx: GivingContext) -> None:
    settings = ctx.settings
    low, high = settings.min_points_per_kudos, settings.max_points_per_kudos
    if any(not low <= share <= high for share in shares.values()):
        raise RuleViolation(
            "error.points_out_of_range",
            code="points_out_of_range",
            low=low,
            high=Points(high),
            details={"min": low, "max": high, "shares": dict(shares)},
        )
    cap = settings.recipient_cap_per_period
    for rid, share in shares.items():
        already = ctx.given_this_period.get(rid, 0)
        if already + share > cap:
            person = ctx.recipients.get(rid)
            raise RuleViolation(
                "error.recipient_cap_exceeded",
                code="recipient_cap_exceeded",
                cap=Points(cap),
                name=person.name if person else rid,
                already=Points(already),
                details={"recipient": rid, "cap": cap, "given": already, "period": ctx.period.id},
            )
    assert ctx.giver is not None
    total = sum(shares.values())
    available = ctx.wallet.allowance_in(ctx.period, ctx.settings.allowance_for(ctx.giver, ctx.period.id))
    if total > available:
        raise RuleViolation(
            "error.insufficient_allowance",
            code="insufficient_allowance",
            total=Points(total),
            available=Points(available),
            details={
                "needed": total,
                "remaining": available,
                "period": ctx.period.id,
                "resets_at": ctx.period.ends_at.isoformat().replace("+00:00", "Z"),
            },
        )


def plan_giving(
    ctx: GivingContext,
    shares: dict[str, int],
    *,
    txn_id: str,
    kind: TxnKind,
    at: datetime,
    ref: dict[str, str],
) -> GivingPlan:
    """Validate amounts and build the ledger movements for points flowing from a giver's allowance."""
    giver = check_giver(ctx.giver)
    check_amounts(shares, ctx)
    total = sum(shares.values())
    giver_allowance = employee_account(giver.id, Balance.ALLOWANCE)
    postings = [Posting(giver_allowance, -total, f"{kind} given")]
    postings += [
        Posting(employee_account(rid, Balance.POINTS), pts, f"{kind} received") for rid, pts in shares.items()
    ]
    transactions = []
    fresh = ctx.settings.allowance_for(giver, ctx.period.id)
    grant = rollover(ctx.wallet, ctx.period, fresh)
    if grant is not None:
        transactions.append(grant)
    transactions.append(Transaction(id=txn_id, kind=kind, at=at, postings=tuple(postings), ref=ref))
    return GivingPlan(
        shares=shares,
        total=total,
        period=ctx.period,
        transactions=tuple(transactions),
        wallet_changes=wallet_changes(transactions, ctx.wallet, ctx.period, granted=fresh),
    )


def wallet_changes(
    transactions: list[Transaction], giver_wallet: Wallet, period: Period, *, granted: int
) -> tuple[WalletChange, ...]:
    """Fold the transactions' postings into one change per wallet."""
    points: dict[str, int] = {}
    allowance: dict[str, int] = {}
    for txn in transactions:
        for posting in txn.postings:
            owner = parse_employee_account(posting.account)
            if owner is None:
                continue
            employee_id, balance = owner
            bucket = points if balance == Balance.POINTS else allowance
            bucket[employee_id] = bucket.get(employee_id, 0) + posting.amount
    rolled = any(txn.kind is TxnKind.ALLOWANCE_ROLLOVER for txn in transactions)
    changes = []
    for employee_id in dict.fromkeys([*allowance, *points]):
        is_giver = employee_id == giver_wallet.employee_id
        changes.append(
            WalletChange(
                employee_id=employee_id,
                points_delta=points.get(employee_id, 0),
                allowance_delta=allowance.get(employee_id, 0),
                period=period.id if employee_id in allowance else None,
                resets_from=giver_wallet if (is_giver and rolled) else None,
                granted=granted if (is_giver and rolled) else 0,
            )
        )
    return tuple(changes)


def plan_add_on(
    recognition: Recognition, adder: Employee | None, recipients: Mapping[str, Employee | None], points: int
) -> dict[str, int]:
    """Who an add-on pays: every recipient still active, `points` each."""
    adder = check_giver(adder)
    if adder.id == recognition.giver_id:
        raise RuleViolation("error.add_on_by_giver", code="add_on_by_giver")
    if adder.id in recognition.recipient_ids:
        raise RuleViolation("error.add_on_to_own_kudos", code="self_recognition")
    active = [rid for rid in recognition.recipient_ids if (person := recipients.get(rid)) and person.active]
    if not active:
        raise RuleViolation("error.nobody_active_on_kudos", code="recipient_inactive")
    return dict.fromkeys(active, points)
