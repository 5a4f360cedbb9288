"""The one optimistic-concurrency loop: how many attempts, and the jittered, growing wait between them."""

import pytest

from plaudit.services import retry
from plaudit.services.runtime import runtime


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(runtime, "sleep", slept.append)
    monkeypatch.setattr(runtime, "entropy", lambda size: bytes([0]) * size)  # the shortest jitter
    return slept


def test_every_attempt_lost_runs_the_limit_and_waits_between_them(waits):
    assert list(retry.attempts()) == [0, 1, 2, 3]
    assert waits == pytest.approx([0.02, 0.04, 0.08])
    assert list(retry.attempts(2)) == [0, 1]


def test_the_first_attempt_does_not_wait_and_a_finished_loop_waits_no_more(waits):
    for attempt in retry.attempts():
        if attempt == 1:
            break
    assert waits == pytest.approx([0.02])


def test_the_jitter_stretches_each_wait_up_to_double(monkeypatch):
    monkeypatch.setattr(runtime, "entropy", lambda size: bytes([255]) * size)
    assert [retry.backoff(n) for n in (1, 2, 3)] == pytest.approx([0.04, 0.08, 0.16])
    monkeypatch.setattr(runtime, "entropy", lambda size: bytes([51]) * size)
    assert retry.backoff(1) == pytest.approx(0.024)
