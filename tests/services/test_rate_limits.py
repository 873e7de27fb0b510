"""Rate-limit counters: concurrent hits each counted once, windows fixed, ended windows forgotten.

The hostile side: many requests racing to slip past a limit (as several web processes serving
one attacker would), which a read-then-write counter lets through.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from fediverse_hit.errors import RateLimited
from fediverse_hit.services.rate_limits import RateLimit, address_key, take_hit
from fediverse_hit.store.models import RateLimitCounter
from fediverse_hit.store.rate_limits import add_hit

pytestmark = pytest.mark.anyio

NOON = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
TEN_A_MINUTE = RateLimit("test", 10, 60, "Slow down.")



async def test_concurrent_hits_are_each_counted_once(db: None) -> None:
    totals = await asyncio.gather(*(add_hit("test", "203.0.113.9", 0, 60) for _ in range(30)))
    assert sorted(totals) == list(range(1, 31))
    assert (await RateLimitCounter.get(bucket="test", key="203.0.113.9")).hits == 30


async def test_racing_requests_get_exactly_the_limit_through(db: None) -> None:
    results = await asyncio.gather(
        *(take_hit(TEN_A_MINUTE, "203.0.113.9", NOON) for _ in range(25)), return_exceptions=True
    )
    assert sum(result is None for result in results) == 10
    assert sum(isinstance(result, RateLimited) for result in results) == 15


async def test_a_new_window_starts_afresh_and_forgets_ended_ones(db: None) -> None:
    for _ in range(10):
        await take_hit(TEN_A_MINUTE, "203.0.113.9", NOON)
    with pytest.raises(RateLimited) as refused:
        await take_hit(TEN_A_MINUTE, "203.0.113.9", NOON + timedelta(seconds=45))
    assert refused.value.retry_after == 15
    await take_hit(TEN_A_MINUTE, "203.0.113.9", NOON + timedelta(seconds=60))
    assert await RateLimitCounter.filter(key="203.0.113.9").count() == 1


def test_ipv6_addresses_share_their_64_and_mapped_ipv4_is_plain_ipv4() -> None:
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert address_key("203.0.113.9") == "203.0.113.9"
