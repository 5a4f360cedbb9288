"""Optimistic concurrency, the one way: read, decide, write on condition that nothing changed meanwhile,
and when another writer got there first, wait a little and do it all again from a fresh read.

    for _ in attempts():
        snap = read(...)
        writes = decide(snap)           # may raise the rule it breaks
        try:
            write_all(writes)
        except WriteRefused as refused:
            ...                         # raise what a refusal means, if it means a rule
            continue                    # lost a race: read again
        return result
    raise Conflict("error.concurrent_update", code="concurrent_update")

Each retry first sleeps a jittered, growing backoff (so writers that collided do not collide again in
step), through `runtime.sleep` and `runtime.entropy`, which tests replace.
"""

from collections.abc import Iterator

from plaudit.services.runtime import runtime

ATTEMPTS = 4
FIRST_BACKOFF_S = 0.02


def attempts(limit: int = ATTEMPTS) -> Iterator[int]:
    """The attempt numbers 0 .. limit - 1, sleeping `backoff(n)` before attempt n > 0. The loop returns
    when it is done; when it runs out, every attempt lost its race."""
    for attempt in range(limit):
        if attempt:
            runtime.sleep(backoff(attempt))
        yield attempt


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): 20 ms, doubling each retry, times a random
    factor between 1 and 2."""
    return FIRST_BACKOFF_S * 2 ** (attempt - 1) * (1 + runtime.entropy(1)[0] / 255)
