"""Block Kit for rewards in Slack: the Catalogue and My rewards sections of the App Home tab, and the redeem
modal (form, notice) with reading its submission back. Nothing here imports pydantic or the services, so
the submission's ack reads it cheaply."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
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

from plaudit.i18n import Messages
from plaudit.slack import actions
from plaudit.slack.views import modals
from plaudit.slack.views.messages import escaped

DENOMINATION = "denomination"
OPTION_TEXT_LIMIT = 75
NAME_LIMIT = 200
CODE_LIMIT = 64
USABLE = ("issued", "delivered")
STATUSES = {
    "issued": "voucher.status.issued",
    "delivered": "voucher.status.delivered",
    "redeemed": "voucher.status.redeemed",
    "expired": "voucher.status.expired",
}


@dataclass(frozen=True)
class CatalogLine:
    """One item of the Catalogue section; points are None when the org has no rate for its currency."""

    id: str
    name: str
    brand: str | None
    min_points: int | None
    max_points: int | None
    instant: bool = False  # used on the spot at a desk (Use now), not redeemed for a voucher


@dataclass(frozen=True)
class Terms:
    """What a voucher is worth and where and on what it may be used, as its line says it."""

    kind: str | None = None  # amount, percentage or cashback (None: not known)
    currency: str | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    cap: Decimal | None = None
    minimum_purchase: Decimal | None = None
    excluded_categories: Sequence[str] = ()
    places: Sequence[str] = ()  # its locations and vendors


@dataclass(frozen=True)
class RewardLine:
    """One of the viewer's vouchers: the Home tab is private to its owner, so it shows the code."""

    voucher_id: str
    item_name: str
    status: str
    code: str
    expires_on: date | None
    terms: Terms = Terms()


OFFER_WORDS = {  # kind: (uncapped, capped)
    "percentage": ("voucher.worth_percentage", "voucher.worth_percentage_cap"),
    "cashback": ("voucher.worth_cashback", "voucher.worth_cashback_cap"),
}


def offer_text(kind: str, percent: Decimal, cap: Decimal | None, currency: str, m: Messages) -> str:
    """An offer's terms said: "20% off, up to €50.00", "5% back"."""
    uncapped, capped = OFFER_WORDS[kind]
    if cap is None:
        return m.text(uncapped, percent=m.number(percent))
    return m.text(capped, percent=m.number(percent), cap=m.money(cap, currency))


def terms_facts(terms: Terms, m: Messages) -> list[str]:
    """The voucher's worth and restrictions, each a short phrase."""
    facts = []
    currency = terms.currency or ""
    if terms.kind == "amount" and terms.amount is not None:
        facts.append(m.text("voucher.worth_amount", amount=m.money(terms.amount, currency)))
    elif terms.kind in ("percentage", "cashback") and terms.percent is not None:
        facts.append(offer_text(terms.kind, terms.percent, terms.cap, currency, m))
    if terms.minimum_purchase is not None:
        facts.append(m.text("voucher.minimum_purchase", amount=m.money(terms.minimum_purchase, currency)))
    if terms.excluded_categories:
        facts.append(m.text("voucher.excluded", categories=", ".join(terms.excluded_categories)))
    if terms.places:
        facts.append(m.text("voucher.only_at", places=", ".join(terms.places)))
    return [escaped(fact, NAME_LIMIT) for fact in facts]


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
    offer: tuple[str, int] | None = None  # a percentage or cashback item: its terms said, and its points


def points_range(low: int | None, high: int | None, m: Messages) -> str:
    if low is None or high is None:
        return m.text("rewards.unpriced")
    return m.points(low) if low == high else m.text("rewards.range", low=m.number(low), high=m.points(high))


def catalog_section(lines: Sequence[CatalogLine], balance: int, m: Messages) -> list[Block]:
    """Each item with its price and a Redeem button (none when unpriced); empty: the section is left out."""
    if not lines:
        return []
    blocks: list[Block] = []
    for line in lines:
        brand = f" · {escaped(line.brand, NAME_LIMIT)}" if line.brand else ""
        price = points_range(line.min_points, line.max_points, m)
        text = f"*{escaped(line.name, NAME_LIMIT)}*{brand}\n{price}"
        button = (
            ButtonElement(text=m.text("rewards.use_now"), action_id=actions.USE_NOW, value=line.id)
            if line.instant and line.min_points is not None
            else ButtonElement(text=m.text("rewards.redeem"), action_id=actions.REDEEM, value=line.id)
            if line.min_points is not None
            else None
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=button))
    footer = m.text("rewards.catalog.footer", points=m.points(balance))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return blocks


def rewards_section(lines: Sequence[RewardLine], m: Messages) -> list[Block]:
    """The viewer's vouchers with their codes; a Mark used button on those still usable."""
    blocks: list[Block] = []
    for line in lines:
        facts = [f"*{escaped(line.item_name, NAME_LIMIT)}*", m.text(STATUSES[line.status])]
        if line.expires_on:
            facts.append(m.text("voucher.valid_until", date=m.date(line.expires_on)))
        facts += terms_facts(line.terms, m)
        code = m.text("voucher.code_line", code=escaped(line.code, CODE_LIMIT))
        button = (
            ButtonElement(
                text=m.text("rewards.mark_used"), action_id=actions.VOUCHER_USED, value=line.voucher_id
            )
            if line.status in USABLE
            else None
        )
        text = " · ".join(facts) + "\n" + code
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=button))
    return blocks


def notice_modal(external_id: str, text: str, m: Messages) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=actions.REDEEM_MODAL,
        external_id=external_id,
        title=m.text("rewards.redeem"),
        close=m.text("common.close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=escaped(text)))],
    )
    return view.to_dict()


def pass_modal(
    external_id: str, item_name: str, code: str, points: int, valid_until: datetime, m: Messages
) -> dict[str, Any]:
    """An instant perk's one-time code to show at the desk, with when it stops working (Slack cannot show
    a generated QR without a public URL: the console shows that)."""
    view = View(
        type="modal",
        callback_id=actions.USE_NOW_MODAL,
        external_id=external_id,
        title=m.text("rewards.pass.title"),
        close=m.text("common.close"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escaped(item_name, NAME_LIMIT)}* · {m.points(points)}\n"
                    + m.text("rewards.pass.code", code=escaped(code, CODE_LIMIT))
                )
            ),
            ContextBlock(
                elements=[MarkdownTextObject(text=m.text("rewards.pass.until", time=m.datetime(valid_until)))]
            ),
        ],
    )
    return view.to_dict()


def redeem_modal(external_id: str, choice: RedeemChoice, m: Messages) -> dict[str, Any]:
    """A select of the fixed denominations with their points, or a number input for a range (with the
    point value as a hint); an offer item has nothing to choose. `private_metadata` carries the language
    and the item id (and whether it is an offer item)."""
    if choice.offer is not None:
        return _offer_modal(external_id, choice, *choice.offer, m)
    if choice.fixed:
        element: Any = StaticSelectElement(
            action_id=DENOMINATION,
            placeholder=m.text("rewards.form.choose"),
            options=[
                Option(
                    value=str(value),
                    text=f"{m.money(value, choice.currency)} · {m.points(points)}"[:OPTION_TEXT_LIMIT],
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
        hint = m.text(
            "rewards.form.range_hint",
            low=m.money(low, currency),
            high=m.money(high, currency),
            value=f"{choice.point_value} {currency}",  # as set: money formats round to cents
        )
    view = View(
        type="modal",
        callback_id=actions.REDEEM_MODAL,
        external_id=external_id,
        private_metadata=modals.dumps(m, item=choice.item_id),
        title=m.text("rewards.redeem"),
        submit=m.text("rewards.redeem"),
        close=m.text("common.cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escaped(choice.item_name, NAME_LIMIT)}*\n"
                    + m.text("rewards.you_have", points=m.points(choice.balance))
                )
            ),
            InputBlock(
                block_id=DENOMINATION,
                label=m.text("rewards.form.amount", currency=choice.currency),
                element=element,
                hint=hint,
            ),
            ContextBlock(elements=[MarkdownTextObject(text=m.text("rewards.form.held_note"))]),
        ],
    )
    return view.to_dict()


def _offer_modal(
    external_id: str, choice: RedeemChoice, offer: str, points: int, m: Messages
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=actions.REDEEM_MODAL,
        external_id=external_id,
        private_metadata=modals.dumps(m, item=choice.item_id, offer=True),
        title=m.text("rewards.redeem"),
        submit=m.text("rewards.redeem"),
        close=m.text("common.cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escaped(choice.item_name, NAME_LIMIT)}*\n"
                    + m.text("rewards.you_have", points=m.points(choice.balance))
                )
            ),
            SectionBlock(
                text=MarkdownTextObject(
                    text=m.text("rewards.form.offer", offer=offer, points=m.points(points))
                )
            ),
            ContextBlock(elements=[MarkdownTextObject(text=m.text("rewards.form.held_note"))]),
        ],
    )
    return view.to_dict()


def offer_item(view: dict[str, Any]) -> bool:
    """Whether a submitted redeem modal is an offer item's (nothing chosen: no denomination)."""
    return bool(modals.fields(view).get("offer"))


def redeemed_item(view: dict[str, Any]) -> str:
    """The item a submitted redeem modal is for."""
    return str(modals.fields(view).get("item") or "")


def read_denomination(view: dict[str, Any]) -> tuple[Decimal | None, dict[str, str]]:
    """The chosen or typed amount, or {block_id: error} in the language the modal was shown in."""
    m = modals.language(view)
    state = (view.get("state") or {}).get("values", {}).get(DENOMINATION, {}).get(DENOMINATION) or {}
    raw = (state.get("selected_option") or {}).get("value") or state.get("value")
    if not raw:
        return None, {DENOMINATION: m.text("rewards.form.choose_error")}
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None, {DENOMINATION: m.text("rewards.form.type_amount")}
    if not value.is_finite() or value <= 0:
        return None, {DENOMINATION: m.text("rewards.form.above_zero")}
    return value, {}


QUEUE_WAITING = {
    None: "rewards.confirm.waiting_hr",
    "hr": "rewards.confirm.waiting_hr",
    "finance": "rewards.confirm.waiting_finance",
}


def confirmation_text(item_name: str, points: int, status: str, approver: str | None, m: Messages) -> str:
    """The DM after a redemption: held and waiting for someone (a person's mention, or the `hr` or `finance`
    queue), or on its way."""
    item, held = escaped(item_name, NAME_LIMIT), m.points(points)
    if status != "pending_approval":
        return m.text("rewards.confirm.on_its_way", points=held, item=item)
    queue = QUEUE_WAITING.get(approver)
    if queue is not None:
        return m.text(queue, points=held, item=item)
    return m.text("rewards.confirm.waiting", points=held, item=item, approver=approver)
