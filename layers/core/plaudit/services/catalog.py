"""The catalogue: HR admins create, replace and deactivate items; everyone browses the active ones with
their points prices."""

from collections.abc import Callable
from datetime import UTC
from decimal import Decimal

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.catalog import (
    CatalogItem,
    CatalogItemSpec,
    FulfilmentMethod,
    ItemType,
    local_day,
    on_offer,
    points_price,
)
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound, RuleViolation
from plaudit.domain.settings import OrgSettings
from plaudit.domain.tiers import Standing, admits
from plaudit.environment import environment
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import catalog as store
from plaudit.store import snapshots
from plaudit.store.transact import WriteRefused


class CatalogItemView(CatalogItem):
    min_points: int | None = Field(
        description="Points for the lowest denomination (null: the organisation has no point value for the "
        "item's currency)"
    )
    max_points: int | None = Field(description="Points for the highest denomination")


def view_of(item: CatalogItem, settings: OrgSettings) -> CatalogItemView:
    priced = item.currency in settings.point_values
    return CatalogItemView(
        **item.model_dump(),
        min_points=points_price(item, _lowest(item), settings) if priced else None,
        max_points=points_price(item, _highest(item), settings) if priced else None,
    )


def _lowest(item: CatalogItem) -> Decimal | None:
    return item.denominations.lowest if item.denominations else None


def _highest(item: CatalogItem) -> Decimal | None:
    return item.denominations.highest if item.denominations else None


def get_item(item_id: str) -> CatalogItem:
    """The item, active or not (redemptions keep pointing at deactivated items)."""
    item = store.get_item(item_id)
    if item is None:
        raise NotFound("error.item_not_found", code="item_not_found")
    return item


def create_item(caller: Caller, spec: CatalogItemSpec) -> CatalogItemView:
    settings = _require_hr(caller)
    _check_item(spec, settings)
    at = now()
    item = CatalogItem(**spec.model_dump(), id=new_id("item"), created_at=at, updated_at=at)
    act = Act(
        actor_of(caller), "catalog_item.create", f"catalog_item:{item.id}", after=item.model_dump(mode="json")
    )
    record([store.item_write(item, previous_version=None)], act)
    return view_of(item, settings)


def read_item(caller: Caller, item_id: str) -> CatalogItemView:
    """An active item for anyone in the directory; a deactivated one only for HR admins."""
    caller, settings, _, _ = _identify(caller)
    item = get_item(item_id)
    if not item.active and not caller.has_role(Role.HR_ADMIN):
        raise NotFound("error.item_not_found", code="item_not_found")
    return view_of(item, settings)


def replace_item(caller: Caller, item_id: str, spec: CatalogItemSpec) -> CatalogItemView:
    """The whole item as given (stock included: `inventory` is what is left now)."""
    settings = _require_hr(caller)
    _check_item(spec, settings)
    return view_of(_replace(caller, "catalog_item.replace", item_id, lambda old: spec), settings)


def delete_item(caller: Caller, item_id: str) -> None:
    """Deactivate: the item leaves the catalogue, redemptions that point at it keep it."""
    _require_hr(caller)
    _replace(
        caller,
        "catalog_item.deactivate",
        item_id,
        lambda old: old.model_copy(update={"active": False}),
        unless_inactive=True,
    )


def browse(
    caller: Caller,
    *,
    category: str | None = None,
    type: ItemType | None = None,
    country: str | None = None,
    affordable: bool = False,
    inactive: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[CatalogItemView], str | None]:
    """One page of the catalogue in category and name order. The filters are applied by DynamoDB to the
    `limit` items the page reads, so a page may hold fewer than `limit` items and still have a cursor.
    `affordable`: only items whose lowest denomination the caller's points pay for and whose tier (if
    limited) the caller has reached (what I can redeem). `inactive`: the
    deactivated items instead (HR admins). Shoppers see only the items on offer (priced, not past their
    last day); HR admins, who keep the catalogue, see every active item."""
    caller, settings, points, standing = _identify(caller, with_wallet=affordable)
    if inactive:
        require_role(caller, Role.HR_ADMIN)
    affordable_with = None
    if affordable:
        if points is None:
            raise InvalidRequest("error.no_wallet", code="no_wallet")
        affordable_with = {currency: points * value for currency, value in settings.point_values.items()}
    page = store.catalog_page(
        inactive=inactive,
        category=category,
        item_type=type,
        country=country,
        affordable_with=affordable_with,
        affordable_points=points if affordable else None,
        limit=limit,
        cursor=cursor,
    )
    items = page.items
    if affordable:  # a tier-limited item is for people in that tier or above (no tiers: for no one)
        items = [
            item
            for item in items
            if item.min_tier is None
            or (standing is not None and admits(settings.tiers, item.min_tier, standing))
        ]
    if not caller.has_role(Role.HR_ADMIN):
        day = local_day(caller.profile, now()) if caller.profile else now().astimezone(UTC).date()
        items = [item for item in items if on_offer(item, settings, day)]
    return [view_of(item, settings) for item in items], page.cursor


def _replace(
    caller: Caller,
    action: str,
    item_id: str,
    change: Callable[[CatalogItem], CatalogItemSpec],
    *,
    unless_inactive: bool = False,
) -> CatalogItem:
    for _ in attempts():
        old = get_item(item_id)
        if unless_inactive and not old.active:
            return old
        spec = change(old)
        item = CatalogItem(
            **spec.model_dump(include=set(CatalogItemSpec.model_fields)),
            id=old.id,
            created_at=old.created_at,
            updated_at=max(now(), old.updated_at),
            version=old.version + 1,
        )
        act = Act(
            actor_of(caller),
            action,
            f"catalog_item:{item.id}",
            before=old.model_dump(mode="json"),
            after=item.model_dump(mode="json"),
        )
        try:
            record([store.item_write(item, previous_version=old.version)], act)
        except WriteRefused as refused:
            if refused.refused("item"):
                continue
            raise
        return item
    raise Conflict("error.item_busy", code="concurrent_update")


def _require_hr(caller: Caller) -> OrgSettings:
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    return snap.settings()


def _identify(
    caller: Caller, *, with_wallet: bool = False
) -> tuple[Caller, OrgSettings, Decimal | None, Standing | None]:
    """The caller with their profile, the settings and (with_wallet, for a person) their points and tier
    standing, in one read."""
    wallets = [caller.employee_id] if with_wallet and caller.employee_id else []
    at = now()
    snap = snapshots.load(employees=[caller.employee_id], wallets=wallets, settings=True, tiers=(wallets, at))
    caller = snap.identify(caller)
    if not caller.is_person and not caller.roles:
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    person = wallets and caller.is_person
    points = Decimal(snap.wallet(caller.employee_id).points) if person else None
    standing = snap.standing(caller.employee_id, at) if person else None
    return caller, snap.settings(), points, standing


def _check_item(spec: CatalogItemSpec, settings: OrgSettings) -> None:
    if spec.min_tier is not None:
        settings.tiers.check_known(spec.min_tier)
    if (
        spec.fulfilment == FulfilmentMethod.PROVIDER
        and spec.provider is None
        and environment().stage != "dev"
    ):
        raise RuleViolation("error.provider_required", code="provider_required")
