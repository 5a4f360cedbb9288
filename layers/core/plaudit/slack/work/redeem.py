"""The work behind the redeem modal: the form (amounts, their points, the person's balance), the
redemption requested in the submission's ack, and the DM that says what was held and what happens next."""

from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.catalog import points_price
from plaudit.domain.errors import NotFound, PlauditError
from plaudit.domain.problems import problems_from
from plaudit.domain.redemptions import ROLE_QUEUES
from plaudit.i18n import Messages
from plaudit.services import catalog, redemptions
from plaudit.slack.identity import caller_for, language_for
from plaudit.slack.views import modals
from plaudit.slack.views.people import person_mention
from plaudit.slack.views.rewards import (
    DENOMINATION,
    RedeemChoice,
    confirmation_text,
    notice_modal,
    offer_item,
    offer_text,
    read_denomination,
    redeem_modal,
    redeemed_item,
)
from plaudit.slack.views.texts import sentence
from plaudit.store import snapshots

logger = Logger(child=True)


def show_form(modal_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (or with why there is none)."""
    item_id = body["actions"][0].get("value", "")
    m = language_for(body["user"]["id"], client)
    broken: Exception | None = None
    try:
        view = form_view(body["user"]["id"], item_id, modal_id, client, m)
    except Exception as error:
        logger.exception("redeem form failed", extra={"item_id": item_id})
        view, broken = notice_modal(modal_id, m.text("rewards.form_failed"), m), error
    try:
        client.views_update(external_id=modal_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("redeem modal not updated", extra={"error": failed.response.get("error")})
    if broken is not None:
        raise broken  # told; the invocation fails and is kept (plaudit.slack.lazy)


def form_view(
    slack_user_id: str, item_id: str, external_id: str, client: WebClient, m: Messages
) -> dict[str, Any]:
    caller = caller_for(slack_user_id, client)
    if caller is None or caller.employee_id is None:
        return notice_modal(external_id, m.text("slack.not_in_directory"), m)
    try:
        item = catalog.read_item(caller, item_id)
    except PlauditError as refused:
        return notice_modal(external_id, refused.message_in(m.locale), m)
    if not item.active:
        return notice_modal(external_id, m.text("error.item_inactive"), m)
    snap = snapshots.load(wallets=[caller.employee_id], settings=True)
    settings = snap.settings()
    rate = settings.point_values.get(item.currency)
    if rate is None:
        return notice_modal(external_id, m.text("rewards.no_point_value", currency=item.currency), m)
    denominations = item.denominations
    balance = snap.wallet(caller.employee_id).points
    if denominations is None:  # an offer item: its own points price, nothing to choose
        offer = item.offer
        said = offer_text(
            offer.kind.value, offer.percent, offer.cap.amount if offer.cap else None, item.currency, m
        )  # type: ignore[union-attr]
        choice = RedeemChoice(
            item.id, item.name, item.currency, balance, offer=(said, points_price(item, None, settings))
        )
        return redeem_modal(external_id, choice, m)
    choice = RedeemChoice(
        item_id=item.id,
        item_name=item.name,
        currency=item.currency,
        balance=balance,
        fixed=[(value, points_price(item, value, settings)) for value in denominations.fixed or []],
        range=None if denominations.fixed else (denominations.lowest, denominations.highest),
        point_value=rate,
    )
    return redeem_modal(external_id, choice, m)


def redeem(slack_user_id: str, view: dict[str, Any], client: WebClient) -> dict[str, str]:
    """Request the redemption; {block_id: error} when refused, in the language the modal was shown in."""
    denomination, errors = (None, {}) if offer_item(view) else read_denomination(view)
    if errors:
        return errors
    m = modals.language(view)
    try:
        body = redemptions.RedeemRequest(item_id=redeemed_item(view), denomination=denomination)
    except ValidationError as invalid:
        return {DENOMINATION: sentence(problems_from(invalid.errors())[0].said(m)["problem"])}
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {DENOMINATION: m.text("slack.not_in_directory")}
        redemptions.request(caller, body, idempotency_key=view["id"])
    except PlauditError as refused:
        return {DENOMINATION: refused.message_in(m.locale)}
    except Exception:
        logger.exception("redemption not requested", extra={"item_id": body.item_id})
        return {DENOMINATION: m.text("rewards.failed")}
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
    m = modals.language(view)
    approver = _approver(done.approver_id, m)
    client.chat_postMessage(
        channel=slack_user_id,
        text=confirmation_text(done.item_name, done.points, done.status.value, approver, m),
    )
    return True


def _approver(approver_id: str | None, m: Messages) -> str | None:
    """The approver's mention, or the queue (hr, finance) a role decides."""
    if approver_id is None or approver_id in ROLE_QUEUES:
        return approver_id
    return person_mention(snapshots.load(employees=[approver_id]).employee(approver_id), m)
