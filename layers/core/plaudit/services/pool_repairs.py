"""A user pool change that fails after the directory (or a desk) changed does not fail the request: the
change is saved, the failure is logged (no personal data: the target's id and the pool's error code) and
counted (`AccountChangesDeferred`), and the next `plaudit accounts sync` repairs the account, since it brings
every account in line with the directory and every desk account with its desk."""

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from plaudit.services.metrics import count

logger = Logger(child=True)
POOL_ERRORS = (ClientError, BotoCoreError)


def deferred(failed: Exception, target: str) -> None:
    """Say that `target`'s account change failed and is left for `plaudit accounts sync`."""
    code = failed.response.get("Error", {}).get("Code") if isinstance(failed, ClientError) else None
    logger.warning(
        "user pool change failed: left for plaudit accounts sync",
        extra={"target": target, "error": code or type(failed).__name__},
    )
    count("AccountChangesDeferred")
