"""The Bolt app: listeners ack within Slack's 3 seconds from what the request holds (no DynamoDB call),
and the work runs in lazy listeners (on Lambda: an async invocation of this same function)."""

from collections.abc import Callable

from slack_bolt import Ack, App, BoltRequest, BoltResponse, Respond
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from plaudit.integrations.slack_api import web_client
from plaudit.slack import (
    approvals,
    home_and_add_on,
    kudos_form,
    milestone_admin,
    reactions,
    redeem,
    rewards_home,
    views,
)
from plaudit.slack.commands import KudosTextError, Verb, parse
from plaudit.slack.config import SlackConfig


def create_app(config: SlackConfig) -> App:
    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        """One workspace, one bot token. Unlike `token=`, this makes no auth.test call (at cold start or on
        the first request), so nothing but the signature check stands before the ack."""
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=config.bot_token)

    app = App(
        name="plaudit",
        process_before_response=True,
        signing_secret=config.signing_secret,
        client=web_client(),
        authorize=authorize,
    )
    app.middleware(skip_timed_out_event_retries)
    kudos_form.register(app)  # before the other /kudos listeners: it takes /kudos with no text
    app.command("/kudos", matchers=[needs_lazy_work])(ack=ack_empty, lazy=[run_kudos])
    app.command("/kudos")(answer_in_ack)
    reactions.register(app)
    home_and_add_on.register(app)
    milestone_admin.register(app)
    redeem.register(app)
    rewards_home.register(app)
    approvals.register(app)
    return app


def skip_timed_out_event_retries(request: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Slack retries an event it did not see acked in time; that first delivery reached us and started
    its work, so the retry is acked and dropped. Other retries go on to listeners keyed by event id."""
    retry_reason = request.headers.get("x-slack-retry-reason", [None])[0]
    if request.body.get("type") == "event_callback" and retry_reason == "http_timeout":
        return BoltResponse(status=200, body="")
    return next_()


def needs_lazy_work(command: dict) -> bool:
    """Kudos and balance need the services; help and mistakes are answered in the ack alone."""
    try:
        return parse(command.get("text", "")) is not Verb.HELP
    except KudosTextError:
        return False


def ack_empty(ack: Ack) -> None:
    ack()


def answer_in_ack(ack: Ack, command: dict) -> None:
    try:
        parse(command.get("text", ""))
    except KudosTextError as mistake:
        ack(**views.problem_message(str(mistake), with_example=True))
        return
    ack(**views.help_message())


def run_kudos(command: dict, client: WebClient, respond: Respond) -> None:
    from plaudit.slack import kudos  # the services, pydantic models and DynamoDB: after the ack only

    kudos.run(parse(command.get("text", "")), command, client, respond)
