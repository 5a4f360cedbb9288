"""The stack's event source mappings together: stream consumers and queue consumers feed each other (a queue
consumer writes to the table, a stream consumer may enqueue), so they are drained in rounds until neither
delivers anything new."""

from __future__ import annotations

import logging

from plaudit_dev.queues import QueuePump
from plaudit_dev.streams import StreamPump

log = logging.getLogger(__name__)

MAX_ROUNDS = 10


class Deliveries:
    def __init__(self, streams: StreamPump, queues: QueuePump) -> None:
        self._streams = streams
        self._queues = queues

    def drain(self) -> None:
        """Deliver what streams and queues hold now, again while that makes more (failed queue messages
        wait for the next drain)."""
        for _ in range(MAX_ROUNDS):
            delivered = self._streams.drain()
            delivered += self._queues.drain().succeeded
            if not delivered:
                return
        log.warning(
            "streams and queues still had work after %d rounds: a consumer may feed itself", MAX_ROUNDS
        )
