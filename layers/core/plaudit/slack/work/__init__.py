"""The work behind the listeners, run in lazy listeners after the ack (or, for modals whose refusals
show in the modal, in the ack): the services, DynamoDB and the Slack Web API."""
