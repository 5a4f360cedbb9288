"""The App Home's "Your tier" section (nothing when the organisation has no tiers)."""

from slack_sdk.models.blocks import Block

from plaudit.services import tiers
from plaudit.slack.views.tiers import tier_section
from plaudit.slack.work.home import Viewer


def tier_for_home(viewer: Viewer) -> list[Block]:
    tier = tiers.my_tier(viewer.caller)
    return tier_section(tier, viewer.m) if tier is not None else []
