"""The App Home's "Your badges and streak" section: the person's badges and weekly giving streak from the
badges service, in their language."""

from slack_sdk.models.blocks import Block

from plaudit.services import badges
from plaudit.slack.views import badges as views
from plaudit.slack.work.home import Viewer


def badges_for_home(viewer: Viewer) -> list[Block]:
    mine = badges.person_badges(viewer.caller, viewer.employee_id)
    return views.badges_blocks(mine.items, mine.streak, viewer.m)
