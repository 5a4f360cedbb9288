"""Listeners for emoji reactions: ack at once (Bolt acks events from the request alone) and give or take
back points in a lazy listener."""

from slack_bolt import Ack, App
from slack_sdk import WebClient


def register(app: App) -> None:
    app.event("reaction_added")(ack=ack_now, lazy=[on_reaction_added])
    app.event("reaction_removed")(ack=ack_now, lazy=[on_reaction_removed])


def ack_now(ack: Ack) -> None:
    ack()


def on_reaction_added(event: dict, client: WebClient) -> None:
    from plaudit.slack.work import reactions

    reactions.run(reactions.added, event, client)


def on_reaction_removed(event: dict, client: WebClient) -> None:
    from plaudit.slack.work import reactions

    reactions.run(reactions.removed, event, client)
