"""`plaudit catalog sync --provider P`: the provider's products become catalogue items, and items made by an
earlier sync follow the products' changes. Idempotent: an item is matched by (provider, product id,
currency), so a rerun changes only what the provider changed; a product in a currency the organisation
has no point value for is skipped (it could not be priced in points). The provider owns an item's name,
description, brand, image, values and countries; HR owns the rest (category, approval, restrictions,
tier, stock, active), which a sync never touches. Writes go through the catalogue service, so each
creation and update is in the administrative trail."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from plaudit.domain.access import Caller
from plaudit.domain.catalog import (
    CatalogItem,
    CatalogItemSpec,
    Denominations,
    FulfilmentMethod,
    RewardsProvider,
)
from plaudit.domain.item_types import ItemType
from plaudit.integrations.rewards.orders import Offer
from plaudit.services import catalog
from plaudit.store import catalog as store
from plaudit.store import snapshots

PAGE = 100
PROVIDER_FIELDS = ("name", "description", "brand", "image_url", "denominations", "countries")
GIFT_CATEGORY, DONATION_CATEGORY = "gift-cards", "giving"


@dataclass(frozen=True)
class Change:
    """What a sync does for one offer: create, update (with the fields that differ), or skip (why)."""

    action: str  # "create" | "update" | "unchanged" | "skip"
    sku: str
    currency: str
    name: str
    item_id: str | None = None
    spec: CatalogItemSpec | None = None
    fields: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(change.action == action for change in self.changes)


def plan(provider: RewardsProvider, offers: Iterable[Offer]) -> Plan:
    """The changes that bring the catalogue in line with `offers` (reads only)."""
    priced = set(snapshots.load(settings=True).settings().point_values)
    existing = {
        (item.provider_sku, item.currency): item for item in _all_items() if item.provider == provider
    }
    found = Plan()
    for offer in offers:
        if offer.currency not in priced:
            found.changes.append(
                Change(
                    "skip",
                    offer.sku,
                    offer.currency,
                    offer.name,
                    reason=f"no point value for {offer.currency}",
                )
            )
            continue
        try:
            wanted = _spec(provider, offer)
        except ValueError as error:  # values Plaudit cannot sell (e.g. more than 20 fixed values)
            found.changes.append(
                Change("skip", offer.sku, offer.currency, offer.name, reason=_first_line(error))
            )
            continue
        item = existing.get((offer.sku, offer.currency))
        if item is None:
            found.changes.append(Change("create", offer.sku, offer.currency, offer.name, spec=wanted))
            continue
        updated = CatalogItemSpec(
            **(
                item.model_dump(include=set(CatalogItemSpec.model_fields))
                | {name: getattr(wanted, name) for name in PROVIDER_FIELDS}
            )
        )
        differ = tuple(name for name in PROVIDER_FIELDS if getattr(item, name) != getattr(wanted, name))
        action = "update" if differ else "unchanged"
        found.changes.append(Change(action, offer.sku, offer.currency, offer.name, item.id, updated, differ))
    return found


def apply(
    caller: Caller, found: Plan, progress: Callable[[int, int], Any] = lambda done, total: None
) -> Plan:
    """Make the plan's creations and updates (each its own write, with its trail entry); returns the plan
    with the new items' ids."""
    writes = [change for change in found.changes if change.action in ("create", "update")]
    done = Plan([change for change in found.changes if change.action not in ("create", "update")])
    for number, change in enumerate(writes, 1):
        assert change.spec is not None
        if change.action == "create":
            made = catalog.create_item(caller, change.spec)
            done.changes.append(
                Change("create", change.sku, change.currency, change.name, made.id, change.spec)
            )
        else:
            assert change.item_id is not None
            catalog.replace_item(caller, change.item_id, change.spec)
            done.changes.append(change)
        progress(number, len(writes))
    return done


def _spec(provider: RewardsProvider, offer: Offer) -> CatalogItemSpec:
    if offer.fixed:
        denominations = Denominations(fixed=list(offer.fixed))
    else:
        denominations = Denominations(min=_cents(offer.min), max=_cents(offer.max))
    return CatalogItemSpec(
        name=offer.name,
        description=offer.description,
        brand=offer.brand,
        image_url=offer.image_url,
        category=DONATION_CATEGORY if offer.donation else GIFT_CATEGORY,
        type=ItemType.DONATION if offer.donation else ItemType.GIFT_CARD,
        denominations=denominations,
        currency=offer.currency,
        countries=list(offer.countries),
        fulfilment=FulfilmentMethod.PROVIDER,
        provider=provider,
        provider_sku=offer.sku,
    )


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _all_items() -> Iterator[CatalogItem]:
    for inactive in (False, True):
        cursor: str | None = None
        while True:
            page = store.catalog_page(inactive=inactive, limit=PAGE, cursor=cursor)
            yield from page.items
            cursor = page.cursor
            if cursor is None:
                break


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]
