"""Rewards in App Home: the Catalogue section (affordable items first, each with a Redeem button, or Use
now for an instant perk), My
rewards (the viewer's vouchers with their codes and a Mark used button), and the Mark used click."""

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from plaudit.domain.catalog import is_instant
from plaudit.domain.errors import PlauditError
from plaudit.services import catalog, vouchers
from plaudit.slack.identity import caller_for, language_for
from plaudit.slack.views.rewards import CatalogLine, RewardLine, Terms, catalog_section, rewards_section
from plaudit.slack.work.home import Viewer
from plaudit.slack.work.replies import tell
from plaudit.store import snapshots

SHOWN_ITEMS = 10
CATALOG_PAGE = 50
SHOWN_VOUCHERS = 10


def catalog_for_home(viewer: Viewer) -> list[Block]:
    """Active items available in the viewer's country, those their points pay for first, up to 10."""
    snap = snapshots.load(employees=[viewer.employee_id], wallets=[viewer.employee_id])
    person = snap.employee(viewer.employee_id)
    balance = snap.wallet(viewer.employee_id).points
    items, _ = catalog.browse(
        viewer.caller, country=person.country if person else None, limit=CATALOG_PAGE, cursor=None
    )
    affordable_first = sorted(items, key=lambda item: item.min_points is None or item.min_points > balance)
    lines = [
        CatalogLine(item.id, item.name, item.brand, item.min_points, item.max_points, is_instant(item))
        for item in affordable_first[:SHOWN_ITEMS]
    ]
    return catalog_section(lines, balance, viewer.m)


def rewards_for_home(viewer: Viewer) -> list[Block]:
    """The viewer's newest vouchers, codes included (the Home tab is seen by its owner only)."""
    owned, _ = vouchers.mine(viewer.caller, limit=SHOWN_VOUCHERS)
    lines = [RewardLine(v.id, v.item_name, v.status, v.code, v.expires_on, _terms(v)) for v in owned]
    return rewards_section(lines, viewer.m)


def _terms(voucher: vouchers.OwnedVoucher) -> Terms:
    value, rules = voucher.value, voucher.restrictions
    return Terms(
        kind=value.kind if value else None,
        currency=value.currency if value else None,
        amount=value.amount if value else None,
        percent=value.percent if value else None,
        cap=value.cap if value else None,
        minimum_purchase=rules.minimum_purchase,
        excluded_categories=rules.excluded_categories,
        places=[*rules.locations, *rules.vendors],
    )


def mark_used(body: dict, client: WebClient) -> bool:
    """The owner marks a voucher used; whether it was (otherwise they were told why not)."""
    caller = caller_for(body["user"]["id"], client)
    if caller is None:
        tell(body, client, language_for(body["user"]["id"], client).text("slack.not_in_directory"))
        return False
    try:
        vouchers.mark_used(caller, body["actions"][0]["value"])
    except PlauditError as refused:
        tell(body, client, refused.message_in(language_for(body["user"]["id"], client).locale))
        return False
    return True
