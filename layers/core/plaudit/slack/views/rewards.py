"""Block Kit for rewards in Slack: the Catalogue and My rewards sections of the App Home tab, and the redeem
modal (loading, form, notice) with reading its submission back. Nothing here imports pydantic or the
services, so the listeners can build the loading modal inside the ack."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from plaudit.slack import actions
from plaudit.slack.views.messages import escaped

DENOMINATION = "denomination"
CATALOG_MORE = "More items: `GET /v1/catalog/items` (filter by category, type or what you can afford)."
OPTION_TEXT_LIMIT = 75
NAME_LIMIT = 200
CODE_LIMIT = 64
USABLE = ("issued", "delivered")


@dataclass(frozen=True)
class CatalogLine:
    """One item of the Catalogue section; points are None when the org has no rate for its currency."""

    id: str
    name: str
    brand: str | None
    min_points: int | None
    max_points: int | None


@dataclass(frozen=True)
class RewardLine:
    """One of the viewer's vouchers: the Home tab is private to its owner, so it shows the code."""

    voucher_id: str
    item_name: str
    status: str
    code: str
    expires_on: date | None


@dataclass(frozen=True)
class RedeemChoice:
    """What the redeem form offers: fixed denominations (value, points) or a min/max range."""

    item_id: str
    item_name: str
    currency: str
    balance: int
    fixed: Sequence[tuple[Decimal, int]] = ()
    range: tuple[Decimal, Decimal] | None = None
    point_value: Decimal | None = None


def points_range(low: int | None, high: int | None) -> str:
    if low is None or high is None:
        return "not priced yet"
    return f"{low:,} points" if low == high else f"{low:,} to {high:,} points"


def catalog_section(lines: Sequence[CatalogLine], balance: int) -> list[Block]:
    """Each item with its price and a Redeem button (none when unpriced); empty: the section is left out."""
    if not lines:
        return []
    blocks: list[Block] = []
    for line in lines:
        brand = f" · {escaped(line.brand, NAME_LIMIT)}" if line.brand else ""
        text = f"*{escaped(line.name, NAME_LIMIT)}*{brand}\n{points_range(line.min_points, line.max_points)}"
        button = (
            ButtonElement(text="Redeem", action_id=actions.REDEEM, value=line.id)
            if line.min_points is not None
            else None
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=button))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"You have {balance:,} points. {CATALOG_MORE}")])
    )
    return blocks


def rewards_section(lines: Sequence[RewardLine]) -> list[Block]:
    """The viewer's vouchers with their codes; a Mark used button on those still usable."""
    blocks: list[Block] = []
    for line in lines:
        expiry = f" · valid until {line.expires_on.isoformat()}" if line.expires_on else ""
        name = escaped(line.item_name, NAME_LIMIT)
        text = f"*{name}* · {line.status}{expiry}\nCode: `{escaped(line.code, CODE_LIMIT)}`"
        button = (
            ButtonElement(text="Mark used", action_id=actions.VOUCHER_USED, value=line.voucher_id)
            if line.status in USABLE
            else None
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=button))
    return blocks


def loading_modal(external_id: str) -> dict[str, Any]:
    """Opened in the ack (the trigger lapses in 3 seconds); the lazy listener replaces it with the form."""
    return notice_modal(external_id, "Loading the reward…")


def notice_modal(external_id: str, text: str) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=actions.REDEEM_MODAL,
        external_id=external_id,
        title="Redeem",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=escaped(text)))],
    )
    return view.to_dict()


def redeem_modal(external_id: str, choice: RedeemChoice) -> dict[str, Any]:
    """A select of the fixed denominations with their points, or a number input for a range (with the
    point value as a hint); `private_metadata` carries the item id."""
    if choice.fixed:
        element: Any = StaticSelectElement(
            action_id=DENOMINATION,
            placeholder="Choose an amount",
            options=[
                Option(
                    value=str(value),
                    text=f"{value:,} {choice.currency} · {points:,} points"[:OPTION_TEXT_LIMIT],
                )
                for value, points in choice.fixed
            ],
        )
        hint = None
    else:
        low, high = choice.range or (Decimal(0), Decimal(0))
        element = NumberInputElement(
            action_id=DENOMINATION, is_decimal_allowed=True, min_value=str(low), max_value=str(high)
        )
        currency = choice.currency
        hint = f"From {low:,} to {high:,} {currency}; 1 point is worth {choice.point_value} {currency}."
    view = View(
        type="modal",
        callback_id=actions.REDEEM_MODAL,
        external_id=external_id,
        private_metadata=choice.item_id,
        title="Redeem",
        submit="Redeem",
        close="Cancel",
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escaped(choice.item_name, NAME_LIMIT)}*\nYou have {choice.balance:,} points."
                )
            ),
            InputBlock(
                block_id=DENOMINATION, label=f"Amount ({choice.currency})", element=element, hint=hint
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text="The points are held at once and come back if it is declined.")
                ]
            ),
        ],
    )
    return view.to_dict()


def read_denomination(view: dict[str, Any]) -> tuple[Decimal | None, dict[str, str]]:
    """The chosen or typed amount, or {block_id: error}."""
    state = (view.get("state") or {}).get("values", {}).get(DENOMINATION, {}).get(DENOMINATION) or {}
    raw = (state.get("selected_option") or {}).get("value") or state.get("value")
    if not raw:
        return None, {DENOMINATION: "Choose an amount."}
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None, {DENOMINATION: "Type an amount, e.g. 25 or 12.50."}
    if not value.is_finite() or value <= 0:
        return None, {DENOMINATION: "Type an amount above zero."}
    return value, {}


def confirmation_text(item_name: str, points: int, status: str, approver: str | None) -> str:
    """The DM after a redemption: held and waiting for someone, or on its way."""
    held = f"Held {points:,} points for *{escaped(item_name, NAME_LIMIT)}*"
    if status == "pending_approval":
        return f"{held}, waiting for {approver or 'HR'}'s approval."
    return f"{held}: it is on its way."
