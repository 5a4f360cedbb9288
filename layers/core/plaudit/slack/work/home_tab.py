"""The Home tab as people see it: every feature's section, in order. This is where sections join the
Home (plaudit.slack.work.home imports none of them, so none of them imports it back)."""

from slack_sdk import WebClient

from plaudit.i18n import DEFAULT_LOCALE, messages
from plaudit.slack.work import approvals, home, leaderboard, milestone_admin, rewards_home
from plaudit.slack.work.home import HomeSection

SECTIONS = (
    HomeSection(":moneybag: Your points", home.wallet),
    HomeSection(":inbox_tray: Kudos you received", home.received),
    HomeSection(":outbox_tray: Kudos you gave", home.given),
    HomeSection(messages(DEFAULT_LOCALE).text("leaderboard.home_title"), leaderboard.top_givers_for_home),
    HomeSection(":trophy: Milestone rules", milestone_admin.rules_for_home),  # HR admins only
    HomeSection(":gift: Catalogue", rewards_home.catalog_for_home),
    HomeSection(":ticket: My rewards", rewards_home.rewards_for_home),
    HomeSection(":hourglass_flowing_sand: Waiting for your approval", approvals.approvals_for_home),
)


def publish(slack_user_id: str, client: WebClient) -> None:
    """Publish (or refresh, after a click changed what it shows) the person's Home tab."""
    home.publish(slack_user_id, client, SECTIONS)
