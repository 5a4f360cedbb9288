"""A lazy listener that fails fails its Lambda invocation, so Lambda retries it and then parks it in the Slack
function's on-failure destination (SlackDeadLetterQueue, the `SlackDeadLetterQueueMessagesAlarm`).

Bolt would swallow the exception twice: its lazy runner logs and drops it, and its dispatch hands what escapes
a listener to the error handler, which logs it and answers 500 (a response nobody reads on the lazy path).
`FailingLazyRunner` lets the exception out, and `reraise_lazy` (the app's error handler) raises it again for
a lazy run only: an ack that fails still answers Slack at once (500), as before. The listeners tell the
person before they re-raise (plaudit.slack.work), so a failure is both told and kept."""

from collections.abc import Callable
from logging import Logger

from slack_bolt import BoltRequest
from slack_bolt.adapter.aws_lambda.lazy_listener_runner import LambdaLazyListenerRunner
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.util.utils import get_arg_names_of_callable


class FailingLazyRunner(LambdaLazyListenerRunner):
    """Bolt's Lambda runner (a lazy listener starts as an async invocation of this function), whose run lets
    the listener's exception out."""

    def run(self, function: Callable[..., None], request: BoltRequest) -> None:
        function(
            **build_required_kwargs(
                logger=self.logger,
                required_arg_names=get_arg_names_of_callable(function),
                request=request,
                response=None,
                this_func=function,
            )
        )


def reraise_lazy(error: Exception, request: BoltRequest, logger: Logger) -> None:
    """The app's error handler: a lazy run's exception fails the invocation; an ack's is logged (Bolt answers
    Slack 500, as its own handler does)."""
    if request.lazy_only:
        raise error
    logger.exception("Slack listener failed", exc_info=error)
