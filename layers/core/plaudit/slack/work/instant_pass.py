"""Use now, in App Home: a pass for an instant perk, shown as its one-time code with when it stops working
(in the person's time zone), or why there is none."""

from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.errors import PlauditError
from plaudit.services import instant_passes
from plaudit.slack.identity import caller_for, language_for
from plaudit.slack.views.rewards import notice_modal, pass_modal
from plaudit.store import snapshots

logger = Logger(child=True)


def show_pass(modal_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the code (nothing valuable is logged: not the code)."""
    user = body["user"]["id"]
    m = language_for(user, client)
    caller = caller_for(user, client)
    if caller is None or caller.employee_id is None:
        view = notice_modal(modal_id, m.text("slack.not_in_directory"), m)
    else:
        try:
            request = instant_passes.PassRequest(item_id=body["actions"][0].get("value", ""))
            issued = instant_passes.issue(caller, request)
        except ValidationError:
            view = notice_modal(modal_id, m.text("error.item_not_found"), m)
        except PlauditError as refused:
            view = notice_modal(modal_id, refused.message_in(m.locale), m)
        else:
            person = snapshots.load(employees=[caller.employee_id]).employee(caller.employee_id)
            zone = ZoneInfo(person.time_zone if person else "UTC")
            until = issued.expires_at.astimezone(zone)
            view = pass_modal(modal_id, issued.item_name, issued.code, issued.points, until, m)
    try:
        client.views_update(external_id=modal_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("pass modal not updated", extra={"error": failed.response.get("error")})
