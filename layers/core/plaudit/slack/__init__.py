"""The Slack front end: a Bolt app whose listeners ack fast and call the services lazily."""
