"""Vouchers: issued for a fulfilled redemption, shown (with their code) only to their owner, checked and
redeemed once by staff or vendors, marked used by the owner, expired and reminded on schedule.

A code never leaves this module except in `mine` (the owner's own list) and is never logged. A code that
does not exist and one that fails its check character get the same answer, and a caller's failed attempts
are limited per window so codes cannot be guessed.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr

from plaudit.domain.access import Caller
from plaudit.domain.catalog import Offer, OfferKind
from plaudit.domain.errors import (
    Conflict,
    Forbidden,
    Money,
    NotFound,
    PlauditError,
    RuleViolation,
    Throttled,
)
from plaudit.domain.ids import derived_id
from plaudit.domain.model import Model
from plaudit.domain.voucher_codes import ENTROPY_BYTES, canonical, generate_code, is_plaudit_shaped, normalize
from plaudit.integrations import voucher_crypto
from plaudit.services import desks
from plaudit.services.runtime import now, runtime
from plaudit.store import keys, snapshots
from plaudit.store import vouchers as store
from plaudit.store.transact import Write, WriteRefused, write_all

if TYPE_CHECKING:  # only a type here: the vouchers function never loads the catalogue
    from plaudit.domain.catalog import Restrictions

FAILED_ATTEMPTS_LIMIT = 10
ATTEMPT_WINDOW = timedelta(minutes=10)
REMIND_BEFORE = timedelta(days=7)
EXPIRY_LOOKBACK_DAYS = 7  # a missed daily run still expires what it left behind
MAX_CODE_ATTEMPTS = 4
NOT_VALID = "error.voucher_not_valid"

VoucherStatus = Literal["issued", "delivered", "redeemed", "expired", "cancelled"]
StateHook = Callable[[str, str], None]


class VoucherValue(Model):
    """What a voucher is worth: a fixed amount, or a percentage off (or back on) one purchase up to a cap."""

    kind: Literal["amount", "percentage", "cashback"]
    amount: Decimal | None = Field(default=None, description="An amount voucher's value")
    percent: Decimal | None = Field(default=None, description="A percentage or cashback voucher's, 1 to 100")
    cap: Decimal | None = Field(default=None, description="The most a percentage or cashback voucher gives")
    currency: str | None = Field(default=None, description="ISO 4217, of amount, cap and purchases")


class BlackoutDays(Model):
    start: date
    end: date


class VoucherRestrictions(Model):
    """Where and on what a voucher may be used."""

    minimum_purchase: Decimal | None = Field(default=None, description="The smallest purchase it applies to")
    excluded_categories: list[str] = Field(default_factory=list, description="Purchases it cannot be used on")
    locations: list[str] = Field(default_factory=list, description="Only here (empty: anywhere)")
    vendors: list[str] = Field(default_factory=list, description="Only by these vendors (empty: any)")
    blackouts: list[BlackoutDays] = Field(default_factory=list, description="Days it cannot be used")


class VoucherView(Model):
    """A voucher without its code."""

    id: str
    redemption_id: str
    item_id: str
    item_name: str
    status: VoucherStatus
    expires_on: date | None = None
    issued_at: datetime
    redeemed_at: datetime | None = None
    value: VoucherValue | None = Field(default=None, description="None: issued before vouchers kept it")
    restrictions: VoucherRestrictions = Field(default_factory=VoucherRestrictions)


class OwnedVoucher(VoucherView):
    """A voucher as its owner sees it: with the code."""

    employee_id: str
    code: str


class Refusal(Model):
    code: str = Field(description="The rule that refuses it, e.g. below_minimum_purchase, voucher_expired")
    message: str = Field(description="Why, in the caller's language")


class VoucherCheck(Model):
    """What desk staff learn about a code: which voucher, what it is worth, its restrictions and expiry,
    whose it is (first name), and whether (and for how much) it can be used on this purchase."""

    voucher_id: str
    item_name: str
    status: VoucherStatus
    expires_on: date | None = None
    redeemed_at: datetime | None = None
    value: VoucherValue | None = Field(default=None, description="None: issued before vouchers kept it")
    restrictions: VoucherRestrictions = Field(default_factory=VoucherRestrictions)
    owner_first_name: str | None = Field(default=None, description="None: the owner left the directory")
    usable: bool = Field(description="Whether it can be redeemed here, now, for this purchase")
    refusal: Refusal | None = Field(default=None, description="Why not, when it cannot")
    discount: Decimal | None = Field(
        default=None,
        description="Money off this purchase (amount and percentage vouchers; a percentage voucher's only "
        "with purchase_amount)",
    )
    cashback: Decimal | None = Field(
        default=None, description="Money paid back on this purchase (cashback vouchers, with purchase_amount)"
    )


class CheckVoucher(Model):
    """POST /v1/vouchers/validate and /redeem body."""

    code: SecretStr = Field(min_length=1, max_length=64, description="The code as written on the voucher")
    location: str | None = Field(default=None, max_length=200)
    vendor: str | None = Field(default=None, max_length=200)
    purchase_amount: Decimal | None = Field(
        default=None,
        gt=0,
        le=1_000_000,
        decimal_places=2,
        description="The purchase it is used on, in the voucher's currency (needed for a minimum purchase "
        "and to work out a percentage)",
    )
    purchase_category: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="The purchase's category, as the catalogue names categories (any case); checked against "
        "the voucher's excluded categories",
    )

    def purchase(self) -> "Purchase":
        return Purchase(amount=self.purchase_amount, category=self.purchase_category)


class Purchase(Model):
    amount: Decimal | None = None
    category: str | None = None


def redemption_state(redemption_id: str, status: str) -> None:
    """Tell the redemption its voucher was redeemed or expired."""
    from plaudit.services import redemptions

    redemptions.mark_voucher_state(redemption_id, status)


# --- issue ---------------------------------------------------------------------------------------------


def voucher_id_for(redemption_id: str) -> str:
    return derived_id("vch", "voucher", redemption_id)


def issue(redemption: dict[str, Any], *, code: str | None = None, expires_on: date | None) -> str:
    """Store an encrypted voucher for the redemption's owner and return its id. A retry for the same
    redemption returns the same voucher. `code` is a provider's or stock code; without it Plaudit makes
    one (a new one if it ever collides)."""
    voucher_id = voucher_id_for(redemption["id"])
    if store.get_voucher(voucher_id) is not None:
        return voucher_id
    restrictions = _item_restrictions(redemption["item_id"])
    for _ in range(MAX_CODE_ATTEMPTS):  # a fresh code each time: a collision, not a race
        _, writes = issue_writes(redemption, code=code, expires_on=expires_on, restrictions=restrictions)
        try:
            write_all(writes)
            return voucher_id
        except WriteRefused as refused:
            if refused.refused("voucher"):
                return voucher_id  # a concurrent retry issued it
            if not refused.refused("code"):
                raise
            if code is not None:
                raise Conflict("error.voucher_code_taken", code="voucher_code_taken") from None
    raise Conflict("error.no_unused_voucher_code", code="voucher_code_taken")


def issue_writes(
    redemption: dict[str, Any],
    *,
    code: str | None,
    expires_on: date | None,
    restrictions: "Restrictions | None",
) -> tuple[str, list[Write]]:
    """The voucher id and the writes that issue it (each put_new: "voucher" refused when it exists, "code"
    when the code is taken), for a caller that commits them with other writes (the fulfilment worker:
    with the redemption's completion, in one transaction)."""
    voucher_id = voucher_id_for(redemption["id"])
    plain = code if code is not None else generate_code(runtime.entropy(ENTROPY_BYTES))
    issued_at = now()
    voucher = {
        "id": voucher_id,
        "redemption_id": redemption["id"],
        "employee_id": redemption["employee_id"],
        "item_id": redemption["item_id"],
        "item_name": redemption.get("item_name") or redemption["item_id"],
        "status": "issued",
        "code_ciphertext": voucher_crypto.encrypt(plain, voucher_id),
        "code_hash": voucher_crypto.code_hash(canonical(plain)),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "issued_at": keys.iso(issued_at),
        "updated_at": keys.iso(issued_at),
        **_restriction_snapshot(restrictions),
        **_value_snapshot(redemption),
        # insights: the redemption's stamp (where its person was) and the zone its periods are read in
        "stamps": redemption.get("stamps") or {},
        "period_zone": redemption.get("period_zone"),
    }
    return voucher_id, store.issue_writes(voucher)


def _item_restrictions(item_id: str) -> "Restrictions | None":
    from plaudit.services import catalog  # only where vouchers are issued: keeps other cold starts short

    try:
        return catalog.get_item(item_id).restrictions
    except NotFound:
        return None


def _restriction_snapshot(restrictions: "Restrictions | None") -> dict[str, Any]:
    """The item's redemption limits, kept on the voucher so checking a code reads only the voucher."""
    if restrictions is None:
        return {}
    return {
        "blackouts": [
            {"start": b.start.isoformat(), "end": b.end.isoformat()} for b in restrictions.blackouts
        ]
        or None,
        "locations": list(restrictions.locations) or None,
        "vendors": list(restrictions.vendors) or None,
        "minimum_purchase": restrictions.minimum_purchase,
        "excluded_categories": list(restrictions.excluded_categories) or None,
    }


def _value_snapshot(redemption: dict[str, Any]) -> dict[str, Any]:
    """What the voucher is worth, as the redemption bought it."""
    offer = redemption.get("offer")
    if offer:
        return {
            "offer": Offer.model_validate(offer).model_dump(mode="json"),
            "currency": redemption["currency"],
        }
    if redemption.get("denomination") is None:  # not known (a bare redemption record): no value shown
        return {}
    return {"amount": Decimal(str(redemption["denomination"])), "currency": redemption["currency"]}


def _value_of(item: dict[str, Any]) -> VoucherValue | None:
    if item.get("offer"):
        offer = Offer.model_validate(item["offer"])
        return VoucherValue(
            kind=offer.kind.value,
            percent=offer.percent,
            cap=offer.cap.amount if offer.cap else None,
            currency=item.get("currency"),
        )
    if item.get("amount") is None:
        return None
    return VoucherValue(kind="amount", amount=Decimal(str(item["amount"])), currency=item.get("currency"))


def _restrictions_of(item: dict[str, Any]) -> VoucherRestrictions:
    minimum = item.get("minimum_purchase")
    return VoucherRestrictions(
        minimum_purchase=Decimal(str(minimum)) if minimum is not None else None,
        excluded_categories=item.get("excluded_categories") or [],
        locations=item.get("locations") or [],
        vendors=item.get("vendors") or [],
        blackouts=[BlackoutDays(start=b["start"], end=b["end"]) for b in item.get("blackouts") or []],
    )


def _terms(item: dict[str, Any]) -> dict[str, Any]:
    """A stored voucher's value and restrictions, as views show them."""
    return {"value": _value_of(item), "restrictions": _restrictions_of(item)}


# --- the owner -----------------------------------------------------------------------------------------


def mine(
    caller: Caller, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[OwnedVoucher], str | None]:
    """The caller's own vouchers, newest first, each with its code."""
    if caller.employee_id is None:
        raise Forbidden("error.vouchers_need_directory", code="not_in_directory")
    page = store.vouchers_page(caller.employee_id, limit=limit, cursor=cursor)
    owned = [
        OwnedVoucher.model_validate(
            item | _terms(item) | {"code": voucher_crypto.decrypt(item["code_ciphertext"], item["id"])}
        )
        for item in page.items
    ]
    return owned, page.cursor


def mark_used(caller: Caller, voucher_id: str, *, on_state: StateHook | None = None) -> VoucherView:
    """The owner says they used the voucher: issued or delivered becomes redeemed, once."""
    item = store.get_voucher(voucher_id)
    if item is None or caller.employee_id is None or item["employee_id"] != caller.employee_id:
        raise NotFound("error.own_voucher_not_found", code="voucher_not_found")
    if item["status"] == "redeemed":
        _retell(item, on_state)
    if item["status"] not in store.LIVE:
        raise Conflict("error.voucher_not_live", code=f"voucher_{item['status']}", status=item["status"])
    return _redeem(item, by=caller.employee_id, on_state=on_state)


def for_delivery(voucher_id: str) -> OwnedVoucher:
    """A voucher with its code, for a delivery channel to send to its owner (`employee_id`) and to no one
    else: Slack DM, email. NotFound "voucher_not_found"."""
    item = store.get_voucher(voucher_id)
    if item is None:
        raise NotFound("error.voucher_not_found", code="voucher_not_found")
    return OwnedVoucher.model_validate(
        item | _terms(item) | {"code": voucher_crypto.decrypt(item["code_ciphertext"], voucher_id)}
    )


def mark_delivered(voucher_id: str) -> bool:
    """issued -> delivered once a channel sent it; False when it already ended (redeemed or expired)."""
    try:
        at = now()
        write_all([store.transition_write(voucher_id, "delivered", at, {"delivered_at": keys.iso(at)})])
    except WriteRefused as refused:
        if not refused.refused("voucher"):
            raise
        return False
    return True


# --- staff and vendors ---------------------------------------------------------------------------------


def validate(
    caller: Caller,
    code: str,
    *,
    location: str | None = None,
    vendor: str | None = None,
    purchase: Purchase | None = None,
    locale: str,
) -> VoucherCheck:
    """What the code's voucher is and whether it can be redeemed here, now, on `purchase` (nothing
    changes): a voucher that cannot answers `usable` false and the refusal in `locale`. A desk account
    checks at its desk: the vendor is the desk's and the location one of its own, whatever the request
    says."""
    place = desks.checking_place(caller, location, vendor)
    item = _found(caller, code)
    purchase = purchase or Purchase()
    try:
        _check_usable(item, now().date(), place.location, place.vendor, purchase)
    except (Conflict, RuleViolation) as refused:
        return _check_view(item, purchase, refusal=_refusal(refused, locale))
    return _check_view(item, purchase)


def redeem(
    caller: Caller,
    code: str,
    *,
    location: str | None = None,
    vendor: str | None = None,
    purchase: Purchase | None = None,
    on_state: StateHook | None = None,
) -> VoucherCheck:
    """Check the code as `validate` does, then mark the voucher redeemed, exactly once (refused: the rule's
    error)."""
    place = desks.checking_place(caller, location, vendor)
    item = _found(caller, code)
    purchase = purchase or Purchase()
    if item["status"] == "redeemed":
        _retell(item, on_state)
    _check_usable(item, now().date(), place.location, place.vendor, purchase)
    used_on = {"purchase_amount": purchase.amount, "purchase_category": purchase.category}
    redeemed = _redeem(
        item, by=place.by, location=place.location, vendor=place.vendor, on_state=on_state, used_on=used_on
    )
    return _check_view(item | redeemed.model_dump(include={"status", "redeemed_at"}), purchase)


def _refusal(refused: PlauditError, locale: str) -> Refusal:
    return Refusal(code=refused.code, message=refused.message_in(locale))


def _check_view(item: dict[str, Any], purchase: Purchase, *, refusal: Refusal | None = None) -> VoucherCheck:
    value = _value_of(item)
    discount = cashback = None
    if refusal is None and value is not None:
        if value.kind == "amount":
            amount = value.amount or Decimal(0)
            discount = min(amount, purchase.amount) if purchase.amount is not None else amount
        elif purchase.amount is not None:
            given = Offer.model_validate(item["offer"]).gives(purchase.amount)
            discount, cashback = (given, None) if value.kind == OfferKind.PERCENTAGE else (None, given)
    return VoucherCheck.model_validate(
        item
        | _terms(item)
        | {
            "voucher_id": item["id"],
            "owner_first_name": _first_name(item["employee_id"]),
            "usable": refusal is None,
            "refusal": refusal,
            "discount": discount,
            "cashback": cashback,
        }
    )


def _first_name(employee_id: str) -> str | None:
    owner = snapshots.load(employees=[employee_id]).employee(employee_id)
    return owner.name.split()[0] if owner is not None and owner.name.split() else None


def _retell(item: dict[str, Any], on_state: StateHook | None) -> None:
    """Tell the redemption again (a no-op when it knows): repairs a crash between the two writes."""
    (on_state or redemption_state)(item["redemption_id"], "redeemed")


def _found(caller: Caller, code: str) -> dict[str, Any]:
    """The voucher a code names, for a caller allowed to check codes (`_place`) and not over the limit."""
    at = now()
    window = datetime.fromtimestamp(
        at.timestamp() // ATTEMPT_WINDOW.total_seconds() * ATTEMPT_WINDOW.total_seconds(), tz=at.tzinfo
    )
    tries_key = keys.voucher_tries(caller.employee_id or caller.subject, window)
    chars = canonical(code)
    plausible = bool(chars) and (not is_plaudit_shaped(chars) or normalize(chars) is not None)
    hashes = voucher_crypto.code_hashes(chars) if plausible else []
    voucher_id, tries = store.code_and_tries(hashes[0] if hashes else None, tries_key)
    if tries >= FAILED_ATTEMPTS_LIMIT:
        raise _throttled()
    if voucher_id is None and len(hashes) > 1:  # issued before the hash key's rotation: one more read
        voucher_id = store.code_under(hashes[1:])
    item = store.get_voucher(voucher_id) if voucher_id else None
    if item is None:
        expires_at = int((window + ATTEMPT_WINDOW).timestamp()) + 60
        if not store.count_failure(tries_key, limit=FAILED_ATTEMPTS_LIMIT, expires_at=expires_at):
            raise _throttled()
        raise NotFound(NOT_VALID, code="voucher_not_valid")
    return item


def _throttled() -> Throttled:
    return Throttled("error.too_many_wrong_codes", code="throttled")


def _check_usable(
    item: dict[str, Any], today: date, location: str | None, vendor: str | None, purchase: Purchase
) -> None:
    status = item["status"]
    if status == "redeemed":
        raise Conflict("error.voucher_already_redeemed", code="voucher_already_redeemed")
    if status == "cancelled":  # its owner was erased, or HR took back its direct award (services.corrections)
        raise Conflict("error.voucher_cancelled", code="voucher_cancelled")
    expires_on = item.get("expires_on")
    if status == "expired" or (expires_on and date.fromisoformat(expires_on) < today):
        raise RuleViolation(
            "error.voucher_expired", code="voucher_expired", day=date.fromisoformat(expires_on)
        )
    for blackout in item.get("blackouts") or []:
        if blackout["start"] <= today.isoformat() <= blackout["end"]:
            raise RuleViolation(
                "error.voucher_blackout",
                code="blackout",
                start=date.fromisoformat(blackout["start"]),
                end=date.fromisoformat(blackout["end"]),
            )
    _check_limit(item.get("locations"), location, "location")
    _check_limit(item.get("vendors"), vendor, "vendor")
    _check_purchase(item, purchase)


def _check_purchase(item: dict[str, Any], purchase: Purchase) -> None:
    """The voucher's minimum purchase and excluded categories, on the purchase the desk names."""
    rules = _restrictions_of(item)
    currency = item.get("currency") or ""
    needs_amount = rules.minimum_purchase is not None or bool(item.get("offer"))
    if needs_amount and purchase.amount is None:
        raise RuleViolation("error.purchase_amount_needed", code="purchase_amount_needed")
    if rules.minimum_purchase is not None and purchase.amount < rules.minimum_purchase:  # type: ignore[operator]
        raise RuleViolation(
            "error.below_minimum_purchase",
            code="below_minimum_purchase",
            amount=Money(rules.minimum_purchase, currency),
            details={"minimum_purchase": str(rules.minimum_purchase), "currency": currency},
        )
    if rules.excluded_categories:
        if purchase.category is None:
            raise RuleViolation(
                "error.purchase_category_needed",
                code="purchase_category_needed",
                details={"excluded_categories": rules.excluded_categories},
            )
        if purchase.category.casefold() in {name.casefold() for name in rules.excluded_categories}:
            raise RuleViolation(
                "error.excluded_category",
                code="excluded_category",
                category=purchase.category,
                details={"category": purchase.category, "excluded_categories": rules.excluded_categories},
            )


def _check_limit(allowed: list[str] | None, given: str | None, what: str) -> None:
    if not allowed:
        return
    if given is None or given.casefold() not in {value.casefold() for value in allowed}:
        raise RuleViolation(
            "error.voucher_valid_only_at",
            code=f"voucher_wrong_{what}",
            allowed=allowed,
            details={f"{what}s": allowed},
        )


def _redeem(
    item: dict[str, Any],
    *,
    by: str | None,
    location: str | None = None,
    vendor: str | None = None,
    on_state: StateHook | None,
    used_on: dict[str, Any] | None = None,
) -> VoucherView:
    at = now()
    extra = {"redeemed_at": keys.iso(at), "redeemed_by": by, "location": location, "vendor": vendor}
    extra |= used_on or {}
    try:
        write_all(store.end_writes(item["id"], "redeemed", at, item.get("expires_on"), extra))
    except WriteRefused as refused:
        if refused.refused("voucher"):
            raise Conflict("error.voucher_already_redeemed", code="voucher_already_redeemed") from None
        raise
    (on_state or redemption_state)(item["redemption_id"], "redeemed")
    return VoucherView.model_validate(item | _terms(item) | {"status": "redeemed", "redeemed_at": at})


# --- schedule ------------------------------------------------------------------------------------------


def expire_due(at: datetime, *, on_state: StateHook | None = None) -> int:
    """Expire every live voucher whose last day has passed (looking back a week); returns how many.
    Redeeming takes a voucher out of the expiry index in the same transaction, so every entry is one to
    expire; the entry goes only once the redemption was told, so a run that stops halfway is repaired."""
    expired = 0
    for back in range(1, EXPIRY_LOOKBACK_DAYS + 1):
        for entry in store.expiring_on(at.date() - timedelta(days=back)):
            try:
                write_all([store.transition_write(entry["voucher_id"], "expired", at)])
                expired += 1
            except WriteRefused as refused:
                if not refused.refused("voucher"):
                    raise  # refused: an earlier run expired it and stopped before telling
            (on_state or redemption_state)(entry["redemption_id"], "expired")
            write_all(store.expiry_delete(entry["expires_on"], entry["voucher_id"]))
    return expired


def remind_due(at: datetime) -> int:
    """A voucher_reminder item (the notifier DMs the owner) for each live voucher expiring in 7 days, once
    per voucher; returns how many were written now."""
    written = 0
    for entry in store.expiring_on((at + REMIND_BEFORE).date()):
        try:
            write_all([store.reminder_write(entry, at)])
            written += 1
        except WriteRefused as refused:
            if not refused.refused("reminder"):
                raise
    return written


class MyVouchers(Model):
    """GET /v1/vouchers/mine: the only listing with codes, and only the caller's own."""

    items: list[OwnedVoucher]
    next_cursor: str | None = None
