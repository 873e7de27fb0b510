"""When to try a failed delivery again, or whether to stop (DESIGN §6). Pure: no I/O, no clock.

Exponential backoff with jitter, like Fedify's `createExponentialBackoffPolicy` (federation/retry.ts:
factor 2, capped step, jitter); spread over about 2.4–2.8 days in 16 attempts, close to Mastodon's
`ActivityPub::DeliveryWorker` (Sidekiq, `retry: 16`, `count**4 + 15` plus jitter ≈ 2.5 days).
Which statuses are worth retrying follows Mastodon's `response_error_unsalvageable?`: every 4xx is
final except 401, 408 and 429; 404 and 410 mean the inbox is gone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_ATTEMPTS = 16
FIRST_DELAY = timedelta(minutes=1)
MAX_STEP = timedelta(hours=8)
JITTER = 0.2  # each step is stretched by a uniform factor in [1, 1 + JITTER]
MAX_RETRY_AFTER = timedelta(hours=24)

RETRYABLE_CLIENT_ERRORS = frozenset({401, 408, 429})
GONE = frozenset({404, 410})


@dataclass(frozen=True)
class RetryDecision:
    """Either `retry_at` (try again then) or `give_up` (a reason; never try again)."""

    retry_at: datetime | None = None
    give_up: str | None = None

    @property
    def retries(self) -> bool:
        return self.retry_at is not None


def backoff_step(attempts: int) -> timedelta:
    """The delay before the next try after `attempts` failed tries, before jitter."""
    if attempts < 1:
        raise ValueError("attempts counts tries already made, so it is at least 1")
    step = FIRST_DELAY * (1 << min(attempts - 1, 30))
    return min(step, MAX_STEP)


def is_success(status: int | None) -> bool:
    """Whether an inbox accepted the delivery (any 2xx)."""
    return status is not None and 200 <= status < 300


def is_retryable(status: int | None) -> bool:
    """Whether a failed try may succeed later: no response, 3xx, 5xx, or 401/408/429."""
    if status is None or status >= 500 or status < 400:
        return True
    return status in RETRYABLE_CLIENT_ERRORS


def next_retry(
    attempts: int,
    status: int | None,
    retry_after: str | None,
    now: datetime,
    rng: random.Random,
) -> RetryDecision:
    """Decide what follows a failed try.

    `attempts` counts the tries made so far, this one included; `status` is the response status
    (None for a network error or timeout); `retry_after` is the raw `Retry-After` header. A
    `Retry-After` (seconds or HTTP-date) postpones the retry, capped at 24 h, but never brings it
    earlier than the backoff would.
    """
    if is_success(status):
        raise ValueError(f"status {status} is a success, not a failure to retry")
    if status in GONE:
        return RetryDecision(give_up=f"inbox answered {status}: gone, not retried")
    if not is_retryable(status):
        return RetryDecision(give_up=f"inbox refused with {status}, not retried")
    if attempts >= MAX_ATTEMPTS:
        return RetryDecision(give_up=f"gave up after {attempts} attempts")
    delay = backoff_step(attempts) * (1 + JITTER * rng.random())
    requested = parse_retry_after(retry_after, now)
    if requested is not None:
        delay = max(delay, min(requested, MAX_RETRY_AFTER))
    return RetryDecision(retry_at=now + delay)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or HTTP-date) as a delay from `now`;
    None when absent or unreadable. Dates in the past give a zero delay."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=min(int(text), int(MAX_RETRY_AFTER.total_seconds()) * 2))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))
