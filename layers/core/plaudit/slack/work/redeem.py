"""The work behind the redeem modal: the form (amounts, their points, the person's balance), the
redemption requested in the submission's ack, and the DM that says what was held and what happens next."""

from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.catalog import points_price
from plaudit.domain.errors import NotFound, PlauditError
from plaudit.domain.redemptions import HR_APPROVER
from plaudit.services import catalog, redemptions
from plaudit.slack.identity import caller_for
from plaudit.slack.views import texts
from plaudit.slack.views.people import person_mention
from plaudit.slack.views.rewards import (
    DENOMINATION,
    RedeemChoice,
    confirmation_text,
    notice_modal,
    read_denomination,
    redeem_modal,
)
from plaudit.store import snapshots

logger = Logger(child=True)

FAILED = "Could not redeem just now; please try again."


def show_form(modal_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (or with why there is none)."""
    item_id = body["actions"][0].get("value", "")
    try:
        view = form_view(body["user"]["id"], item_id, modal_id, client)
    except Exception:
        logger.exception("redeem form failed", extra={"item_id": item_id})
        view = notice_modal(modal_id, "Could not load this reward just now; please try again.")
    try:
        client.views_update(external_id=modal_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("redeem modal not updated", extra={"error": failed.response.get("error")})


def form_view(slack_user_id: str, item_id: str, external_id: str, client: WebClient) -> dict[str, Any]:
    caller = caller_for(slack_user_id, client)
    if caller is None or caller.employee_id is None:
        return notice_modal(external_id, texts.NOT_IN_DIRECTORY)
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


def redeem(slack_user_id: str, view: dict[str, Any], client: WebClient) -> dict[str, str]:
    """Request the redemption; {block_id: error} when refused."""
    denomination, errors = read_denomination(view)
    if errors:
        return errors
    try:
        body = redemptions.RedeemRequest(item_id=view.get("private_metadata", ""), denomination=denomination)
    except ValidationError as invalid:
        error = invalid.errors()[0]
        problem = texts.field_problem(
            error["type"], error.get("ctx") or {}, "Type an amount, e.g. 25 or 12.50."
        )
        return {DENOMINATION: problem}
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {DENOMINATION: texts.NOT_IN_DIRECTORY}
        redemptions.request(caller, body, idempotency_key=view["id"])
    except PlauditError as refused:
        return {DENOMINATION: refused.message}
    except Exception:
        logger.exception("redemption not requested", extra={"item_id": body.item_id})
        return {DENOMINATION: FAILED}
    return {}


def confirm(slack_user_id: str, view: dict, client: WebClient) -> bool:
    """When the ack created a redemption, DM what was held; whether it did (refused: the modal says why)."""
    caller = caller_for(slack_user_id, client)
    if caller is None or caller.employee_id is None:
        return False
    try:  # the ack's request used the view id as its idempotency key
        done = redemptions.get(caller, redemptions.redemption_id_for(caller, view["id"]))
    except NotFound:
        return False
    client.chat_postMessage(
        channel=slack_user_id,
        text=confirmation_text(done.item_name, done.points, done.status.value, _approver(done.approver_id)),
    )
    return True


def _approver(approver_id: str | None) -> str | None:
    if approver_id is None or approver_id == HR_APPROVER:
        return None
    return person_mention(snapshots.load(employees=[approver_id]).employee(approver_id))
