"""The retry policy of deliveries (federation/retry.py): which answers are retried, when, and
how long the whole schedule lasts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from fediverse_hit.federation.retry import (
    JITTER,
    MAX_ATTEMPTS,
    backoff_step,
    next_retry,
    parse_retry_after,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class FixedRandom(random.Random):
    """A Random whose `random()` always returns `value` (0 = no jitter, ~1 = most jitter)."""

    def __init__(self, value: float) -> None:
        super().__init__(0)
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("status", "retried"),
    [
        (None, True),  # network error or timeout
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (401, True),
        (408, True),
        (429, True),
        (301, True),
        (400, False),
        (403, False),
        (405, False),
        (413, False),
        (422, False),
        (404, False),
        (410, False),
    ],
)
def test_which_failures_are_retried(status: int | None, retried: bool) -> None:
    decision = next_retry(1, status, None, NOW, random.Random(1))
    assert decision.retries is retried
    assert (decision.give_up is None) is retried


@pytest.mark.parametrize("status", [404, 410])
def test_gone_inbox_is_permanent_failure(status: int) -> None:
    decision = next_retry(1, status, "60", NOW, random.Random(1))
    assert decision.retry_at is None
    assert decision.give_up is not None and "gone" in decision.give_up


def test_success_is_not_a_failure_to_retry() -> None:
    with pytest.raises(ValueError):
        next_retry(1, 202, None, NOW, random.Random(1))


def test_gives_up_after_the_last_attempt() -> None:
    assert next_retry(MAX_ATTEMPTS - 1, 503, None, NOW, random.Random(1)).retries
    decision = next_retry(MAX_ATTEMPTS, 503, None, NOW, random.Random(1))
    assert decision.retry_at is None and decision.give_up == f"gave up after {MAX_ATTEMPTS} attempts"


def schedule_span(rng: random.Random) -> timedelta:
    """The time from the first to the last attempt when every attempt fails with 503."""
    now = NOW
    for attempts in range(1, MAX_ATTEMPTS):
        decision = next_retry(attempts, 503, None, now, rng)
        assert decision.retry_at is not None
        now = decision.retry_at
    assert not next_retry(MAX_ATTEMPTS, 503, None, now, rng).retries
    return now - NOW


@pytest.mark.parametrize(
    "rng",
    [FixedRandom(0.0), FixedRandom(0.999999), random.Random(7), random.Random(2024)],
    ids=["least-jitter", "most-jitter", "seed-7", "seed-2024"],
)
def test_schedule_spans_two_to_three_days(rng: random.Random) -> None:
    span = schedule_span(rng)
    assert timedelta(days=2) <= span <= timedelta(days=3)


def test_steps_grow_exponentially_then_cap() -> None:
    steps = [backoff_step(attempts) for attempts in range(1, MAX_ATTEMPTS)]
    assert steps[0] == timedelta(minutes=1)
    assert steps[1] == 2 * steps[0] and steps[2] == 4 * steps[0]
    assert steps == sorted(steps)
    assert steps[-1] == timedelta(hours=8)


def test_jitter_stays_within_bounds() -> None:
    rng = random.Random(12345)
    delays = []
    for attempts in range(1, MAX_ATTEMPTS):
        for _ in range(50):
            decision = next_retry(attempts, None, None, NOW, rng)
            assert decision.retry_at is not None
            delay = decision.retry_at - NOW
            assert backoff_step(attempts) <= delay <= backoff_step(attempts) * (1 + JITTER)
            delays.append(delay / backoff_step(attempts))
    assert min(delays) < 1.02 and max(delays) > 1 + JITTER - 0.02  # the jitter is really spread


def test_same_seed_gives_same_schedule() -> None:
    assert schedule_span(random.Random(99)) == schedule_span(random.Random(99))


@pytest.mark.parametrize(
    ("attempts", "retry_after", "expected"),
    [
        (1, "3600", timedelta(hours=1)),  # longer than the backoff: honoured
        (1, "600", timedelta(minutes=10)),
        (1, "0", timedelta(minutes=1)),  # never earlier than the backoff
        (12, "5", timedelta(hours=8)),
        (1, "999999", timedelta(hours=24)),  # capped at a day
        (1, "Sat, 01 Mar 2025 15:00:00 GMT", timedelta(hours=3)),  # HTTP-date
        (1, "Fri, 28 Feb 2025 12:00:00 GMT", timedelta(minutes=1)),  # date in the past
        (1, "soon", timedelta(minutes=1)),  # unreadable: ignored
    ],
)
def test_retry_after_is_honoured_within_bounds(attempts: int, retry_after: str, expected: timedelta) -> None:
    decision = next_retry(attempts, 429, retry_after, NOW, FixedRandom(0.0))
    assert decision.retry_at == NOW + expected


def test_retry_after_applies_to_server_errors_too() -> None:
    decision = next_retry(1, 503, "120", NOW, FixedRandom(0.0))
    assert decision.retry_at == NOW + timedelta(minutes=2)


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("", NOW) is None
    assert parse_retry_after(" 30 ", NOW) == timedelta(seconds=30)
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:10 GMT", NOW) == timedelta(seconds=10)
    assert parse_retry_after("-5", NOW) is None
