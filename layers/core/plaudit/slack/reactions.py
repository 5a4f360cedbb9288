"""Listeners for emoji reactions: ack at once (Bolt acks events from the request alone) and give or take
back points in a lazy listener."""

from slack_bolt import Ack, App
from slack_sdk import WebClient


def register(app: App) -> None:
    app.event("reaction_added")(ack=ack_event, lazy=[on_reaction_added])
    app.event("reaction_removed")(ack=ack_event, lazy=[on_reaction_removed])


def ack_event(ack: Ack) -> None:
    ack()


def on_reaction_added(event: dict, client: WebClient) -> None:
    from plaudit.slack import reaction_work  # the services and DynamoDB: after the ack only

    reaction_work.run(reaction_work.added, event, client)


def on_reaction_removed(event: dict, client: WebClient) -> None:
    from plaudit.slack import reaction_work

    reaction_work.run(reaction_work.removed, event, client)
