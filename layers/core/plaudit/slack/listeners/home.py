"""Listeners for the App Home tab and the announcement's "Add on" button: ack at once from the request
alone, publish the Home tab or add on in lazy listeners."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from plaudit.slack import actions


def register(app: App) -> None:
    app.action(actions.ADD_ON)(ack=ack_now, lazy=[add_on_clicked])
    app.event("app_home_opened", matchers=[home_tab])(ack=ack_now, lazy=[publish_home])
    app.event("app_home_opened")(ack_now)  # the Messages and About tabs: nothing to publish


def ack_now(ack: Ack) -> None:
    ack()


def home_tab(event: dict) -> bool:
    return event.get("tab") == "home"


def add_on_clicked(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import add_on

    add_on.run(body, client)


def publish_home(event: dict, client: WebClient) -> None:
    from plaudit.slack.work import home_tab

    home_tab.publish(event["user"], client)
