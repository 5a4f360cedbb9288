"""The App Home tab: whose it is (Viewer), what a section is (a title and a builder that reads what it
shows and returns its blocks), publishing the sections it is given, and the person's own sections (points,
kudos received and given). Other features' sections (plaudit.slack.work.home_tab lists them in order)
build on Viewer; the Home imports none of them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from plaudit.domain.access import Caller
from plaudit.domain.recognition import Recognition
from plaudit.i18n import Messages
from plaudit.services import recognition, wallets
from plaudit.slack.identity import employee_id_for, language_for
from plaudit.slack.views import home as home_views
from plaudit.slack.views.home import KudosLine
from plaudit.slack.views.people import SHOWN, people_mentions
from plaudit.store import snapshots

logger = Logger(child=True)

RECENT = 5


@dataclass(frozen=True)
class Viewer:
    """Whose Home tab is being built."""

    employee_id: str
    slack_user_id: str
    m: Messages  # their language

    @property
    def caller(self) -> Caller:
        return Caller(employee_id=self.employee_id)


@dataclass(frozen=True)
class HomeSection:
    title: str  # a message key
    build: Callable[[Viewer], Sequence[Block]]


def publish(slack_user_id: str, client: WebClient, sections: Sequence[HomeSection]) -> None:
    """Publish the person's Home tab with `sections` in order (a friendly explanation for people not in
    the directory); a section with nothing for this viewer (an admin section for others) is left out."""
    employee_id = employee_id_for(slack_user_id, client)
    m = language_for(slack_user_id, client)
    if employee_id is None:
        view = home_views.not_in_directory_view(m)
    else:
        viewer = Viewer(employee_id=employee_id, slack_user_id=slack_user_id, m=m)
        built = [_built(section, viewer) for section in sections]
        view = home_views.home_view([(m.text(title), blocks) for title, blocks in built if blocks], m)
    client.views_publish(user_id=slack_user_id, view=view)


def wallet(viewer: Viewer) -> list[Block]:
    view = wallets.wallet_view(viewer.caller, viewer.employee_id)
    allowance, cash = view.allowance, view.points_value
    return home_views.wallet_section(
        allowance.remaining,
        allowance.total,
        allowance.resets_at,
        view.points,
        cash.amount,
        cash.currency,
        viewer.m,
    )


def received(viewer: Viewer) -> list[Block]:
    found, _ = recognition.list_feed(viewer.caller, recipient=viewer.employee_id, limit=RECENT)
    lines = _lines(
        found, lambda kudos: [kudos.giver_id], lambda kudos: kudos.shares.get(viewer.employee_id, 0), viewer.m
    )
    m = viewer.m
    return home_views.kudos_section(lines, "home.kudos.from", m.text("home.kudos.none_received"), m)


def given(viewer: Viewer) -> list[Block]:
    found, _ = recognition.list_feed(viewer.caller, giver=viewer.employee_id, limit=RECENT)
    lines = _lines(found, lambda kudos: kudos.recipient_ids, lambda kudos: kudos.points, viewer.m)
    return home_views.kudos_section(lines, "home.kudos.to", viewer.m.text("home.kudos.none_given"), viewer.m)


def _built(section: HomeSection, viewer: Viewer) -> tuple[str, Sequence[Block]]:
    """One section failing leaves the others standing."""
    try:
        return section.title, section.build(viewer)
    except Exception:
        logger.exception("home section failed", extra={"section": section.title})
        return section.title, home_views.unavailable_section(viewer.m)


def _lines(
    found: list[Recognition],
    others: Callable[[Recognition], list[str]],
    points: Callable[[Recognition], int],
    m: Messages,
) -> list[KudosLine]:
    """The kudos as lines naming the other people on them."""
    people = snapshots.load(employees={pid for kudos in found for pid in others(kudos)[:SHOWN]})
    return [
        KudosLine(
            who=people_mentions([people.employee(pid) for pid in others(kudos)], m),
            points=points(kudos),
            message=kudos.message,
            values=kudos.values,
            at=kudos.created_at,
        )
        for kudos in found
    ]
