"""Instant perks: an `instant` catalogue item is redeemed and used in one step at a desk.

The owner asks for a pass (a token for the console's QR and a short code for Slack's App Home, both single
use and valid for a minute); desk staff check it (the item, its points, the owner's first name) and
confirm it. Confirming is the redemption: in one transaction the points leave the owner's wallet and settle
to org:redeemed (a hold and its settlement, like any redemption's), the stock and per-person count move, the
redemption is written `redeemed` with no voucher, and both of the pass's items become `used`. The same
desk confirming again (a replay: a lost answer, a double tap) gets the first answer; anyone else, a used,
expired or unknown pass, or a pass for an item limited to other vendors or locations, is refused with its
code. An item that needs an approval (flagged, or above the threshold) is refused for instant use
(instant_needs_approval): an approval takes hours, a pass lives a minute. Neither tokens nor codes are
logged or stored (only their SHA-256).
"""

from datetime import datetime
from decimal import Decimal

from pydantic import ConfigDict, Field, SecretStr

from plaudit.domain.access import Caller
from plaudit.domain.catalog import ITEM_ID, CatalogItem, is_instant
from plaudit.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.instant_passes import (
    ENTROPY_BYTES,
    LIFETIME,
    Pass,
    check_usable,
    make_secrets,
    secret_hash,
)
from plaudit.domain.model import Model
from plaudit.domain.recognition import WalletChange
from plaudit.domain.redemptions import RedemptionView
from plaudit.services import desks, metrics, redemptions
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, runtime, stored_now
from plaudit.store import instant_passes as store
from plaudit.store import keys
from plaudit.store.catalog import item_from
from plaudit.store.ledger import wallet_write
from plaudit.store.reads import get_many
from plaudit.store.redemptions import redemption_from
from plaudit.store.snapshots import Snapshot
from plaudit.store.transact import WriteRefused, write_all

NOT_VALID = "error.pass_not_valid"


class PassRequest(Model):
    """POST /v1/instant-passes body: the instant perk to use (at its one value)."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(pattern=ITEM_ID)


class IssuedPass(Model):
    """POST /v1/instant-passes: a pass for one use of an instant perk, valid until `expires_at`."""

    token: str = Field(description="For the QR the console shows (single use)")
    code: str = Field(description="The same pass as a short code to type (Slack's App Home shows it)")
    expires_at: datetime
    item_id: str
    item_name: str
    denomination: Decimal | None = None
    currency: str
    points: int


class CheckPass(Model):
    """POST /v1/instant-passes/check and /confirm body."""

    code: SecretStr = Field(min_length=1, max_length=64, description="The pass's token (its QR) or its code")
    location: str | None = Field(default=None, max_length=200)
    vendor: str | None = Field(default=None, max_length=200)


class PassCheck(Model):
    """What desk staff learn about a pass before they confirm it."""

    item_id: str
    item_name: str
    denomination: Decimal | None = None
    currency: str
    points: int
    owner_first_name: str | None = Field(default=None, description="None: the owner left the directory")
    expires_at: datetime


class PassUse(Model):
    """A confirmed pass: the redemption it made (redeemed, no voucher)."""

    item_name: str
    owner_first_name: str | None = None
    redemption: RedemptionView


def issue(caller: Caller, body: PassRequest) -> IssuedPass:
    """A new pass for the caller to use the item once, priced and checked as a redemption would be now (its
    restrictions, approval, balance); confirming checks it all again."""
    found = get_many(
        [
            *([keys.employee(caller.employee_id)] if caller.employee_id else []),
            keys.wallet(caller.employee_id or ""),
            keys.SETTINGS,
            keys.catalog_item(body.item_id),
        ]
    )
    snap = Snapshot(found)
    person = snap.identify(caller)
    if not person.is_person or not person.profile.active:
        raise Forbidden("error.redeem_needs_directory", code="not_in_directory")
    item = item_from(found.get(keys.catalog_item(body.item_id)))
    if item is None:
        raise NotFound("error.item_not_found", code="item_not_found")
    if not is_instant(item):
        raise RuleViolation("error.not_instant_item", code="not_instant_item")
    value = _only_value(item)
    at, pass_id = stored_now(), new_id("ips")
    rid = derived_id("red", "instant", pass_id)
    planned, _ = redemptions.plan(person.profile, item, value, snap.settings(), at, rid, used_at_desk="check")
    have = snap.wallet(person.employee_id).points
    if have < planned.points:
        raise redemptions.insufficient(planned.points, have)
    issued = Pass(
        pass_id=pass_id,
        employee_id=person.employee_id,
        item_id=item.id,
        item_name=item.name,
        denomination=value,
        currency=item.currency,
        points=planned.points,
        expires_at=at + LIFETIME,
        status="issued",
        redemption_id=rid,
    )
    for _ in attempts():  # a new draw only if a hash is taken (never in practice)
        token, code = make_secrets(runtime.entropy(ENTROPY_BYTES))
        try:
            write_all(store.new_pass_writes(issued, secret_hash(token), secret_hash(code)))  # type: ignore[arg-type]
        except WriteRefused as refused:
            if refused.refused("pass"):
                continue
            raise
        metrics.count("InstantPassesIssued")
        return IssuedPass(
            token=token,
            code=code,
            **issued.model_dump(exclude={"pass_id", "status", "redemption_id", "employee_id"}),
        )
    raise Conflict("error.concurrent_update", code="concurrent_update")


def check(caller: Caller, body: CheckPass) -> PassCheck:
    """What the pass is for and whose it is, if it can be used here now (nothing changes)."""
    place = desks.checking_place(caller, body.location, body.vendor)
    found, _ = _found(body.code.get_secret_value())
    snap = _read(found)
    check_usable(found, stored_now(), place, *_limits(_item(snap, found)))
    return PassCheck(
        **found.model_dump(
            include={"item_id", "item_name", "denomination", "currency", "points", "expires_at"}
        ),
        owner_first_name=_first_name(snap, found.employee_id),
    )


def confirm(caller: Caller, body: CheckPass) -> PassUse:
    """Use the pass: the redemption, once (the same checker again gets the first answer)."""
    place = desks.checking_place(caller, body.location, body.vendor)
    for _ in attempts():
        found, other_hash = _found(body.code.get_secret_value())
        snap = _read(found)
        if found.status == "used" and found.used_by == place.by:
            return _use_of(snap, found)
        at = stored_now()
        item = _item(snap, found)
        check_usable(found, at, place, *_limits(item))
        owner = snap.employee(found.employee_id)
        if owner is None or not owner.active:
            raise Forbidden("error.pass_owner_left", code="pass_owner_left")
        redemption, writes = redemptions.plan(
            owner,
            item,
            found.denomination,
            snap.settings(),
            at,
            found.redemption_id,
            used_at_desk=place.by or "desk",
        )
        have = snap.wallet(owner.id).points
        if have < redemption.points:
            raise redemptions.insufficient(redemption.points, have)
        writes.append(wallet_write(WalletChange(owner.id, points_delta=-redemption.points), at))
        writes += store.use_writes((_hash_of(body), other_hash), place.by or "desk", at)
        try:
            write_all(writes)
        except WriteRefused as refused:
            if refused.refused("pass") or refused.refused("redemption"):
                continue  # confirmed meanwhile: read it again (ours: the first answer; else pass_used)
            redemptions.explain_refusal(refused, redemption)
            continue
        metrics.count("Redemptions")
        metrics.count("InstantPerksUsed")
        return PassUse(
            item_name=redemption.item_name,
            owner_first_name=_first_name(snap, owner.id),
            redemption=redemption.view(),
        )
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _only_value(item: CatalogItem) -> Decimal | None:
    """An instant perk's one value (the catalogue keeps it to one)."""
    fixed = item.denominations.fixed if item.denominations else None
    return fixed[0] if fixed else None


def _hash_of(body: CheckPass) -> str:
    return secret_hash(body.code.get_secret_value()) or ""


def _found(text: str) -> tuple[Pass, str]:
    hashed = secret_hash(text)
    stored = store.get_pass(hashed) if hashed else None
    if stored is None:
        raise NotFound(NOT_VALID, code="pass_not_valid")
    return stored


class _Read(Snapshot):
    """What checking or confirming a pass reads, in one round trip."""

    def __init__(self, found: dict[keys.Key, dict]):
        super().__init__(found)
        self.found = found


def _read(found: Pass) -> _Read:
    return _Read(
        get_many(
            [
                keys.employee(found.employee_id),
                keys.wallet(found.employee_id),
                keys.SETTINGS,
                keys.catalog_item(found.item_id),
                keys.redemption(found.redemption_id),
            ]
        )
    )


def _item(snap: _Read, found: Pass) -> CatalogItem:
    item = item_from(snap.found.get(keys.catalog_item(found.item_id)))
    if item is None:
        raise NotFound("error.item_not_found", code="item_not_found")
    return item


def _limits(item: CatalogItem) -> tuple[list[str], list[str]]:
    return list(item.restrictions.vendors), list(item.restrictions.locations)


def _use_of(snap: _Read, found: Pass) -> PassUse:
    redemption = redemption_from(snap.found.get(keys.redemption(found.redemption_id)))
    if redemption is None:  # used, yet its redemption is not there: never written apart
        raise Conflict("error.pass_used", code="pass_used")
    return PassUse(
        item_name=found.item_name,
        owner_first_name=_first_name(snap, found.employee_id),
        redemption=redemption.view(),
    )


def _first_name(snap: Snapshot, employee_id: str) -> str | None:
    owner = snap.employee(employee_id)
    return owner.name.split()[0] if owner is not None and owner.name.split() else None
