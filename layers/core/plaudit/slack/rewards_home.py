"""Rewards in App Home: the Catalogue section (affordable items first, each with a Redeem button) and My
rewards (the viewer's vouchers with their codes and a Mark used button); the Mark used click; and what
the rewards listeners share: who the Slack user is, and telling them a sentence where they clicked."""

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from plaudit.slack.rewards_views import (
    VOUCHER_USED_ACTION,
    CatalogLine,
    RewardLine,
    catalog_section,
    rewards_section,
)

if TYPE_CHECKING:
    from plaudit.domain.access import Caller
    from plaudit.slack.home import Viewer

logger = Logger(child=True)

SHOWN_ITEMS = 10
CATALOG_PAGE = 50
SHOWN_VOUCHERS = 10
NOT_IN_DIRECTORY = "Plaudit does not know you yet: ask HR to add you to the directory."


def register(app: App) -> None:
    app.action(VOUCHER_USED_ACTION)(ack=ack_now, lazy=[voucher_used])


def ack_now(ack: Ack) -> None:
    ack()


# --------------------------------------------------------------------------- App Home sections


def catalog_for_home(viewer: "Viewer") -> list[Block]:
    """Active items available in the viewer's country, those their points pay for first, up to 10."""
    from plaudit.services import catalog
    from plaudit.store import snapshots

    snap = snapshots.load(employees=[viewer.employee_id], wallets=[viewer.employee_id])
    person = snap.employee(viewer.employee_id)
    balance = snap.wallet(viewer.employee_id).points
    items, _ = catalog.browse(
        viewer.caller, country=person.country if person else None, limit=CATALOG_PAGE, cursor=None
    )
    affordable_first = sorted(items, key=lambda item: item.min_points is None or item.min_points > balance)
    lines = [
        CatalogLine(item.id, item.name, item.brand, item.min_points, item.max_points)
        for item in affordable_first[:SHOWN_ITEMS]
    ]
    return catalog_section(lines, balance)


def rewards_for_home(viewer: "Viewer") -> list[Block]:
    """The viewer's newest vouchers, codes included (the Home tab is seen by its owner only)."""
    from plaudit.services import vouchers

    owned, _ = vouchers.mine(viewer.caller, limit=SHOWN_VOUCHERS)
    return rewards_section([RewardLine(v.id, v.item_name, v.status, v.code, v.expires_on) for v in owned])


# --------------------------------------------------------------------------- Mark used


def voucher_used(body: dict, client: WebClient) -> None:
    """The owner marks a voucher used; the Home tab then shows it redeemed."""
    from plaudit.domain.errors import PlauditError
    from plaudit.services import vouchers
    from plaudit.slack import home

    slack_user_id = body["user"]["id"]
    caller = caller_for(slack_user_id, client)
    if caller is None:
        tell(body, client, NOT_IN_DIRECTORY)
        return
    try:
        vouchers.mark_used(caller, body["actions"][0]["value"])
    except PlauditError as refused:
        tell(body, client, refused.message)
        return
    home.publish(slack_user_id, client)


# --------------------------------------------------------------------------- shared by the listeners


def caller_for(slack_user_id: str, client: WebClient) -> "Caller | None":
    """The person behind the Slack user, with their directory profile (so their roles), or None."""
    from plaudit.domain.access import Caller
    from plaudit.slack.identity import employee_id_for
    from plaudit.store import snapshots

    employee_id = employee_id_for(slack_user_id, client)
    if employee_id is None:
        return None
    return snapshots.load(employees=[employee_id]).identify(Caller(employee_id=employee_id))


def tell(body: dict, client: WebClient, text: str) -> None:
    """A sentence for the person who clicked: ephemeral under the message, else a DM (the Home tab has
    no place for one)."""
    user, container = body["user"]["id"], body.get("container") or {}
    try:
        if container.get("type") == "message":
            client.chat_postEphemeral(channel=container["channel_id"], user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as failed:
        logger.warning("could not tell the user", extra={"error": failed.response.get("error")})
