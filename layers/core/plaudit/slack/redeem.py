"""The redeem modal: the Redeem button opens a loading modal in the ack (no DynamoDB; the trigger lapses
after 3 seconds) and a lazy listener fills it in with the amounts, their points and the person's balance.
The submission is redeemed in its ack (the view id is the idempotency key, so a resubmission holds once),
and what the rules refuse (insufficient_points, blackout, out_of_stock…) shows under the amount; then,
lazily, the Home tab is refreshed and a DM says what was held and what happens next."""

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.slack.rewards_views import (
    DENOMINATION,
    REDEEM_ACTION,
    REDEEM_CALLBACK,
    RedeemChoice,
    confirmation_text,
    loading_modal,
    notice_modal,
    read_denomination,
    redeem_modal,
)

logger = Logger(child=True)

FAILED = "Could not redeem just now; please try again."
NOT_IN_DIRECTORY = "Plaudit does not know you yet: ask HR to add you to the directory."


def register(app: App) -> None:
    app.action(REDEEM_ACTION)(ack=open_loading, lazy=[show_form])
    app.view_submission(REDEEM_CALLBACK)(ack=submit, lazy=[after_submit])


# --------------------------------------------------------------------------- opening the modal


def open_loading(ack: Ack, body: dict, client: WebClient) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=loading_modal(_external_id(body)))
    ack()


def show_form(body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (or with why there is none)."""
    item_id = body["actions"][0].get("value", "")
    external_id = _external_id(body)
    try:
        view = form_view(body["user"]["id"], item_id, external_id, client)
    except Exception:
        logger.exception("redeem form failed", extra={"item_id": item_id})
        view = notice_modal(external_id, "Could not load this reward just now; please try again.")
    try:
        client.views_update(external_id=external_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("redeem modal not updated", extra={"error": failed.response.get("error")})


def form_view(slack_user_id: str, item_id: str, external_id: str, client: WebClient) -> dict[str, Any]:
    from plaudit.domain.catalog import points_price
    from plaudit.domain.errors import PlauditError
    from plaudit.services import catalog
    from plaudit.slack.rewards_home import caller_for
    from plaudit.store import snapshots

    caller = caller_for(slack_user_id, client)
    if caller is None or caller.employee_id is None:
        return notice_modal(external_id, NOT_IN_DIRECTORY)
    try:
        item = catalog.read_item(caller, item_id)
    except PlauditError as refused:
        return notice_modal(external_id, refused.message)
    if not item.active:
        return notice_modal(external_id, "This item is no longer in the catalogue.")
    snap = snapshots.load(wallets=[caller.employee_id], settings=True)
    settings = snap.settings()
    rate = settings.point_values.get(item.currency)
    if rate is None:
        return notice_modal(
            external_id, f"This item cannot be redeemed yet: {item.currency} has no point value."
        )
    denominations = item.denominations
    choice = RedeemChoice(
        item_id=item.id,
        item_name=item.name,
        currency=item.currency,
        balance=snap.wallet(caller.employee_id).points,
        fixed=[(value, points_price(item, value, settings)) for value in denominations.fixed or []],
        range=None if denominations.fixed else (denominations.lowest, denominations.highest),
        point_value=rate,
    )
    return redeem_modal(external_id, choice)


# --------------------------------------------------------------------------- submitting


def submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
    errors = redeem(body["user"]["id"], view, client)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def redeem(slack_user_id: str, view: dict[str, Any], client: WebClient) -> dict[str, str]:
    """Request the redemption; {block_id: error} when refused."""
    from pydantic import ValidationError

    from plaudit.domain.errors import PlauditError
    from plaudit.services import redemptions
    from plaudit.slack.rewards_home import caller_for

    denomination, errors = read_denomination(view)
    if errors:
        return errors
    try:
        body = redemptions.RedeemRequest(item_id=view.get("private_metadata", ""), denomination=denomination)
    except ValidationError as invalid:
        return {DENOMINATION: _sentence(str(invalid.errors()[0].get("msg", "")))}
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {DENOMINATION: NOT_IN_DIRECTORY}
        redemptions.request(caller, body, idempotency_key=view["id"])
    except PlauditError as refused:
        return {DENOMINATION: refused.message}
    except Exception:
        logger.exception("redemption not requested", extra={"item_id": body.item_id})
        return {DENOMINATION: FAILED}
    return {}


def after_submit(body: dict, view: dict, client: WebClient) -> None:
    """When the ack created a redemption: refresh the Home tab and DM what was held (nothing otherwise)."""
    from plaudit.domain.errors import NotFound
    from plaudit.services import redemptions
    from plaudit.slack import home
    from plaudit.slack.rewards_home import caller_for

    slack_user_id = body["user"]["id"]
    caller = caller_for(slack_user_id, client)
    if caller is None or caller.employee_id is None:
        return
    try:  # the ack's request used the view id as its idempotency key
        done = redemptions.get(caller, redemptions.redemption_id_for(caller, view["id"]))
    except NotFound:
        return  # refused in the ack: the modal says why
    client.chat_postMessage(
        channel=slack_user_id,
        text=confirmation_text(done.item_name, done.points, done.status.value, _approver(done.approver_id)),
    )
    home.publish(slack_user_id, client)


def _approver(approver_id: str | None) -> str | None:
    from plaudit.domain.redemptions import HR_APPROVER
    from plaudit.slack.people import person_mention
    from plaudit.store import snapshots

    if approver_id is None or approver_id == HR_APPROVER:
        return None
    return person_mention(snapshots.load(employees=[approver_id]).employee(approver_id))


def _sentence(message: str) -> str:
    text = message.removeprefix("Value error, ").strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _external_id(body: dict) -> str:
    """Names the modal so the lazy listener can update it without the views.open response."""
    return f"redeem-{body['trigger_id']}"
