"""The Bolt app: listeners ack within Slack's 3 seconds from what the request holds (no DynamoDB call),
and the work runs in lazy listeners (on Lambda: an async invocation of this same function). Creating the
app imports only the listeners: what each ack or lazy listener needs is imported when it runs."""

from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult

from plaudit.integrations.slack_api import web_client
from plaudit.slack.config import SlackConfig
from plaudit.slack.lazy import reraise_lazy
from plaudit.slack.listeners import approvals, home, kudos, milestone_admin, reactions, rewards


def create_app(config: SlackConfig) -> App:
    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        """One workspace, one bot token. Unlike `token=`, this makes no auth.test call (at cold start or on
        the first request), so nothing but the signature check stands before the ack."""
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=config.bot_token)

    app = App(
        name="plaudit",
        process_before_response=True,
        signing_secret=config.signing_secret,
        # verified before Bolt parses the body, by the function (plaudit.slack.signature): one check
        request_verification_enabled=False,
        client=web_client(),
        authorize=authorize,
    )
    app.middleware(skip_timed_out_event_retries)
    app.error(reraise_lazy)  # a failed lazy listener fails its invocation: retried, then parked
    for listeners in (kudos, reactions, home, milestone_admin, rewards, approvals):
        listeners.register(app)
    return app


def skip_timed_out_event_retries(request: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Slack retries an event it did not see acked in time; that first delivery reached us and started
    its work, so the retry is acked and dropped. Other retries go on to listeners keyed by event id."""
    retry_reason = request.headers.get("x-slack-retry-reason", [None])[0]
    if request.body.get("type") == "event_callback" and retry_reason == "http_timeout":
        return BoltResponse(status=200, body="")
    return next_()
