"""Named queries over rate-limit counters: one atomic statement per hit (DESIGN §9).

A hit is an upsert that adds one and returns the new count, so several web processes on one
PostgreSQL database count together and never lose a hit by writing back a copy they read.
"""

from __future__ import annotations

from fediverse_hit.store.job_claims import database, placeholders
from fediverse_hit.store.models import RateLimitCounter

_HIT = (
    'INSERT INTO rate_limit_counters (bucket, "key", window_start, hits, expires_at) VALUES (?, ?, ?, 1, ?) '
    'ON CONFLICT (bucket, "key", window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1 '
    "RETURNING hits"
)


async def add_hit(bucket: str, key: str, window_start: int, expires_at: int) -> int:
    """Count one hit of `key` in `bucket`'s window starting at `window_start`; the window's new total."""
    db = database()
    rows = await db.execute_query_dict(placeholders(_HIT, db), [bucket, key, window_start, expires_at])
    return int(rows[0]["hits"])


async def prune_rate_limit_counters(now: int) -> None:
    """Forget windows that have ended (a row's `expires_at`, Unix seconds, is at or before `now`)."""
    await RateLimitCounter.filter(expires_at__lte=now).delete()
