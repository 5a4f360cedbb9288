"""Block Kit builders (slack_sdk models, so a breach of Slack's limits raises here) and the sentences
people read. No services and no DynamoDB: the modals and answers an ack sends are built from here."""
