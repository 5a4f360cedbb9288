"""A season's end told in Slack, from the domain table's stream: its frozen standings, inserted once when
the hourly run freezes them, are announced in the announcement channel in the organisation's language (its
winners, and at least the top 3, each with their figure). Prizes are DMed by the award path."""

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.domain.seasons import FrozenStandings
from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, compose
from plaudit.slack.views.messages import Message, escaped

STANDINGS = "season_standings"
NAME_LIMIT = 120


def notices_for(event_name: str, new: dict[str, Any] | None, people: People) -> list[Notice]:
    if event_name != "INSERT" or new is None or new.get("type") != STANDINGS:
        return []
    channel = people.announcement_channel()
    if channel is None:
        return []
    standings = FrozenStandings.model_validate(
        {k: v for k, v in new.items() if k in FrozenStandings.model_fields}
    )
    m = people.org_language()
    return [Notice("announcement", channel, winners_message(standings, people, m))]


def winners_message(standings: FrozenStandings, people: People, m: Messages) -> Message:
    """The season's name, then one line per place: rank, person, figure (a prize winner with a trophy)."""
    season = escaped(standings.name, NAME_LIMIT)
    rows = standings.announced()
    if not rows:
        text = m.text("seasons.ended_no_one", season=season)
        return compose(text, [SectionBlock(text=MarkdownTextObject(text=f":checkered_flag: {text}"))])
    lines = []
    for row in rows:
        figure = m.points(row.points) if standings.by == "points" else m.plural("kudos", row.kudos)
        mark = ":trophy:" if row.rank in standings.prize_ranks else ":medal:"
        person = people.mention(row.employee_id, m)
        lines.append(m.text("seasons.winner_line", mark=mark, rank=row.rank, person=person, figure=figure))
    title = m.text("seasons.winners_title", season=season)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":checkered_flag: *{title}*")),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
    ]
    if standings.prize_ranks:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("seasons.prizes_note"))]))
    return compose(title, blocks)
