"""The user pool's CustomMessage trigger: invitations, reset and verification codes in the person's
language (plaudit.services.pool_messages). Cognito waits for it (5 seconds at most) before each email."""

from aws_lambda_powertools import Logger

from plaudit.services import pool_messages

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    logger.info("custom message", extra={"trigger": event.get("triggerSource")})
    return pool_messages.custom_message(event)
