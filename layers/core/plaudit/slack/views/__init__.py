"""Block Kit builders (slack_sdk models, so a breach of Slack's limits raises here) and the sentences
people read. No services and no pydantic: modals opened in an ack are built from here."""
