"""Posts what the domain table's stream calls for: kudos announcements (plaudit.slack.notices.kudos),
milestone notices (.milestones), reward notices (.rewards), tier moves (.tiers), managers' weekly digests
(.digests), badges and streak nudges (.badges), a public campaign's celebration (.campaigns), points taken
back by a correction (.corrections), and voucher deliveries (plaudit.integrations.delivery).

What Slack would DM to someone it cannot reach (an approval to act on, a milestone award) goes by email
instead (.emails), when email is configured, with or without Slack.

Slack's chat.postMessage has no idempotency key, so a record delivered again after a partial failure could
post twice: notices already sent for a stream record are remembered per container, and a batch stops at its
first failure so the records after it are not posted before it. Announcements are best effort: without
Slack configured nothing is posted and nothing fails. A voucher inserted (issued) is delivered by its
owner's channel even without Slack (email, or the API only) and only while it is still `issued`, so a
retried record does not send it again once marked delivered.

Each notice sent to a person (a Slack DM, an email, a voucher delivered to them) is kept in their
notification log (plaudit.store.notifications: what kind, about what, by which channel, when; never its
text): one write per notice, with the record of where its Slack post went in the same round trip when that
is kept, under an id derived from the stream record and the notice, so a record delivered again overwrites
its entries. Posts to a channel are not notices to a person and are not logged."""

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from plaudit.domain.employees import Employee
from plaudit.domain.errors import NotFound
from plaudit.domain.settings import OrgSettings
from plaudit.environment import environment
from plaudit.integrations import delivery, email
from plaudit.integrations.delivery.mail import MailChannel
from plaudit.integrations.delivery.slack_dm import SlackDm
from plaudit.integrations.secrets import SecretEmpty
from plaudit.integrations.slack_api import web_client
from plaudit.services.runtime import now
from plaudit.slack.config import load_config
from plaudit.slack.notices import (
    badges,
    campaigns,
    corrections,
    digests,
    emails,
    kudos,
    milestones,
    rewards,
    seasons,
    tiers,
)
from plaudit.slack.notices.notice import People, Told
from plaudit.store import notifications, slack_posts
from plaudit.store.codec import from_item
from plaudit.store.slack_posts import SlackPost

logger = Logger(child=True)
T = TypeVar("T")

VOUCHER = "voucher"
SLACK_DM, EMAIL = "slack_dm", "email"  # the channels a notice to a person is logged with
LOGGED = {"slack": SLACK_DM, "email": EMAIL}  # a voucher's delivery channels (the API only pushes nothing)
EMAILED = frozenset(
    {rewards.REDEMPTION, milestones.AWARD, corrections.CORRECTION}
)  # records whose DMs go by email without Slack
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "user_not_found",
        "is_archived",
        "cannot_dm_bot",
        "user_disabled",
        "msg_too_long",
        "invalid_blocks",
    }
)
REMEMBERED = 10_000
RATE_LIMIT_RETRIES = 2


class Deferred(Exception):
    """A record left for the retry because an earlier one of its batch failed."""


def bot_token() -> str | None:
    """The bot token, or None when Slack is not configured (no local credentials, and no secret or one still
    empty: reported as such, and the notices go by their other channels meanwhile)."""
    env = environment()
    if not ((env.slack_signing_secret and env.plaudit_slack_bot_token) or env.slack_secret_arn):
        return None
    try:
        return load_config().bot_token
    except SecretEmpty:
        return None


class Notifier:
    """Posts the notices of a batch's records in order, one container's state between batches."""

    def __init__(self, token: Callable[[], str | None] = bot_token) -> None:
        self._token = token
        self._clients: dict[str, WebClient] = {}
        self._sent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._org: OrgSettings | None = None
        self._told_unconfigured = False
        self._channels = (SlackDm(self._slack, PERMANENT_ERRORS), MailChannel(), delivery.ApiOnly())
        self.begin_batch()

    def begin_batch(self) -> None:
        self._failed = False
        self._client: WebClient | None = None
        self._org = None
        self._people = People(self._settings, self._slack)

    def handle(
        self,
        record_id: str,
        event_name: str,
        old_image: dict[str, Any] | None,
        new_image: dict[str, Any] | None,
    ) -> None:
        """Post what the record calls for. Raises (the record is retried) on a transient Slack failure, and
        for every later record of the batch; a permanent one (no such channel or user) is logged, dropped."""
        if self._failed:
            raise Deferred("an earlier record of this batch failed; this one waits for the retry")
        if event_name == "INSERT" and new_image and new_image.get("type", {}).get("S") == VOUCHER:
            self._deliver(record_id, from_item(new_image))  # by email or the API even without Slack
            return
        old = from_item(old_image) if old_image else None
        new = from_item(new_image) if new_image else None
        if email.sender() is not None and new_image and new_image.get("type", {}).get("S") in EMAILED:
            self._email(record_id, event_name, old, new)  # to those Slack cannot reach, even without Slack
        client = self._slack()
        if client is None:
            return
        notices = self._guarded(
            lambda: [
                *kudos.notices_for(event_name, new, self._people),
                *milestones.notices_for(event_name, old, new, self._people),
                *rewards.notices_for(event_name, old, new, self._people),
                *tiers.notices_for(event_name, old, new, self._people),
                *digests.notices_for(event_name, new, self._people),
                *badges.notices_for(event_name, new, self._people),
                *seasons.notices_for(event_name, new, self._people),
                *campaigns.notices_for(event_name, old, new, self._people),
                *corrections.notices_for(event_name, new, self._people),
            ]
        )
        updates = self._guarded(lambda: kudos.updates_for(event_name, old, new, self._people))
        self._update(record_id, updates, client)
        for notice in notices:
            key = (record_id, notice.purpose)
            if key in self._sent:
                if notice.to is not None:  # posted before a failure to keep its log entry
                    self._log(record_id, notice.purpose, notice.to, SLACK_DM)
                continue
            try:
                posted = client.chat_postMessage(channel=notice.channel, unfurl_links=False, **notice.message)
            except SlackApiError as failed:
                error = failed.response.get("error")
                if error not in PERMANENT_ERRORS:
                    self._failed = True
                    raise
                logger.warning("slack refused a notice", extra={"purpose": notice.purpose, "error": error})
                continue
            except Exception:
                self._failed = True
                raise
            self._remember(key)  # posted: a retry of the record must not post it again, even if keeping fails
            post = None
            if notice.about is not None:
                kind, subject_id = notice.about
                post = SlackPost(kind, subject_id, notice.purpose, posted["channel"], posted["ts"])
            if notice.to is not None:
                kept = [] if post is None else [slack_posts.item(post, now())]
                self._log(record_id, notice.purpose, notice.to, SLACK_DM, kept)
            elif post is not None:
                self._guarded(lambda: slack_posts.record(post, now()))  # noqa: B023 - called at once

    def _update(self, record_id: str, updates: list[tuple[SlackPost, Any]], client: WebClient) -> None:
        """chat.update the bot's earlier posts (a kudos' message removed), then forget where they went;
        a post Slack no longer has is passed over, any other failure fails the batch."""
        for post, message in updates:
            key = (record_id, f"update:{post.purpose}:{post.ts}")
            if key in self._sent:
                continue
            try:
                client.chat_update(channel=post.channel, ts=post.ts, **message)
            except SlackApiError as failed:
                error = failed.response.get("error")
                if error not in PERMANENT_ERRORS and error not in (
                    "message_not_found",
                    "cant_update_message",
                ):
                    self._failed = True
                    raise
                logger.warning("slack refused an update", extra={"purpose": post.purpose, "error": error})
            except Exception:
                self._failed = True
                raise
            self._remember(key)
            self._guarded(lambda: slack_posts.forget(post))  # noqa: B023 - called at once

    def _email(
        self, record_id: str, event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        """Email what Slack would DM to the people it cannot reach; an address SES refuses for good is
        logged and passed over, any other failure fails the batch (retried; what was sent is remembered)."""
        for purpose, told, message in self._guarded(
            lambda: emails.emails_for(event_name, old, new, self._people, self._slack_reaches)
        ):
            key = (record_id, f"email:{purpose}")
            if key not in self._sent:
                try:
                    email.send(message)
                except email.EmailRefused as refused:
                    logger.warning(
                        "SES refused a notice email", extra={"purpose": purpose, "error": str(refused)}
                    )
                    self._remember(key)
                    continue  # not sent: nothing to log
                except Exception:
                    self._failed = True
                    raise
                self._remember(key)
            self._log(record_id, f"email:{purpose}", told, EMAIL)

    def _log(
        self, record_id: str, purpose: str, told: Told, channel: str, kept: list[dict[str, Any]] | None = None
    ) -> None:
        """Keep a notice sent to a person in their log (with `kept`, the delivery's own items, in the same
        round trip), once per notice in this container; a failure fails the batch, and the retry logs it
        without sending it again."""
        logged = (record_id, f"logged:{purpose}")
        if logged in self._sent:
            return
        entry = notifications.Entry(told.employee_id, told.kind, told.subject_id, channel)

        def write() -> None:
            days = self._settings().retention.notification_days
            item = notifications.item(entry, f"{record_id}\x1f{purpose}", now(), days)
            notifications.write([*(kept or ()), item])

        self._guarded(write)
        self._remember(logged)

    def _slack_reaches(self, employee: Employee) -> bool:
        return employee.slack_user_id is not None and self._slack() is not None

    def _deliver(self, record_id: str, voucher: dict[str, Any]) -> None:
        """An issued voucher goes to its owner by their channel, then is marked delivered. A retry of the
        record in this container does not send it again when only the marking failed."""
        sent, marked = (record_id, "delivery"), (record_id, "delivered")
        if marked in self._sent:
            return
        if sent not in self._sent:
            delivered = self._guarded(lambda: self._send_voucher(voucher))
            if delivered is None:
                self._remember(marked)
                return
            self._remember(sent)  # a retry must not send the code again, even if logging fails
            channel, kept = delivered
            if channel in LOGGED:
                told = Told(voucher["employee_id"], VOUCHER, voucher["id"])
                self._log(record_id, "delivery", told, LOGGED[channel], kept)
        self._guarded(lambda: self._mark_delivered(voucher["id"]))
        self._remember(marked)

    def _send_voucher(self, voucher: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
        """The channel it went by, with the record of its Slack DM to keep (written with its log entry);
        None when there is nothing to send: the voucher is gone, delivered already or its owner gone."""
        from plaudit.services import vouchers  # DynamoDB and KMS: only for vouchers

        owner = self._people.employee(voucher["employee_id"])
        with delivery.wire_logs_muted():
            try:
                owned = vouchers.for_delivery(voucher["id"])
            except NotFound:
                logger.warning("voucher to deliver is gone", extra={"voucher_id": voucher["id"]})
                return None
            if owner is None or owned.status != "issued":
                logger.info("voucher not delivered", extra={"voucher_id": owned.id, "status": owned.status})
                return None
            language = self._people.language(owner.id)
            channel, posted = delivery.deliver(owner, owned, self._channels, language)
        logger.info("voucher delivered", extra={"voucher_id": owned.id, "channel": channel})
        kept = (
            []
            if posted is None
            else [slack_posts.item(SlackPost("voucher", owned.id, "delivery", *posted), now())]
        )
        return channel, kept

    @staticmethod
    def _mark_delivered(voucher_id: str) -> None:
        from plaudit.services import vouchers

        vouchers.mark_delivered(voucher_id)

    def _guarded(self, work: Callable[[], T]) -> T:
        """Run `work`; a failure fails the rest of the batch (it is retried in order)."""
        try:
            return work()
        except Exception:
            self._failed = True
            raise

    def _slack(self) -> WebClient | None:
        if self._client is None:
            try:
                token = self._token()
            except Exception:
                self._failed = True
                raise
            if token is None:
                if not self._told_unconfigured:
                    logger.info("Slack is not configured: kudos, milestone and reward notices are skipped")
                    self._told_unconfigured = True
                return None
            if token not in self._clients:
                client = web_client(token)
                client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
                self._clients[token] = client
            self._client = self._clients[token]
        return self._client

    def _settings(self) -> OrgSettings:
        """The org's settings, read once per batch and only for records that call for them."""
        if self._org is None:
            from plaudit.store import snapshots

            self._org = snapshots.load(settings=True).settings()
        return self._org

    def _remember(self, key: tuple[str, str]) -> None:
        self._sent[key] = None
        if len(self._sent) > REMEMBERED:
            self._sent.popitem(last=False)
