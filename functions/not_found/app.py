"""The `$default` route: a request no route matches gets Plaudit's 404 in the error shape, the same from
API Gateway and from the local stack (whose router honours `$default` as API Gateway does)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import create_app

logger = Logger()
app = create_app("unknown routes", public=True)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
