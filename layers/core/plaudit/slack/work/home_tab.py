"""The Home tab as people see it: every feature's section, in order. This is where sections join the
Home (plaudit.slack.work.home imports none of them, so none of them imports it back)."""

from slack_sdk import WebClient

from plaudit.slack.work import (
    approvals,
    badges,
    home,
    leaderboard,
    milestone_admin,
    rewards_home,
    tiers_home,
)
from plaudit.slack.work.home import HomeSection

SECTIONS = (
    HomeSection("home.section.points", home.wallet),
    HomeSection("tiers.home_title", tiers_home.tier_for_home),
    HomeSection("home.section.received", home.received),
    HomeSection("home.section.given", home.given),
    HomeSection("leaderboard.home_title", leaderboard.top_givers_for_home),
    HomeSection("home.section.badges", badges.badges_for_home),
    HomeSection("home.section.milestone_rules", milestone_admin.rules_for_home),  # HR admins only
    HomeSection("home.section.catalog", rewards_home.catalog_for_home),
    HomeSection("home.section.rewards", rewards_home.rewards_for_home),
    HomeSection("home.section.approvals", approvals.approvals_for_home),
)


def publish(slack_user_id: str, client: WebClient) -> None:
    """Publish (or refresh, after a click changed what it shows) the person's Home tab."""
    home.publish(slack_user_id, client, SECTIONS)
