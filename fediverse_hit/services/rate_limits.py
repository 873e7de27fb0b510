"""Fixed-window rate limits, counted in the database so every web process shares them.

As Rack::Attack does for Mastodon: a bucket allows `limit` hits per key in each window of
`period_seconds` (windows start at multiples of the period); the hit over the limit is refused
until the window ends, which is what `Retry-After` says. IPv6 clients are counted per /64, since
one host usually holds a whole /64 (Mastodon's `throttleable_remote_ip` does the same).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from fediverse_hit.errors import RateLimited
from fediverse_hit.store.rate_limits import add_hit, prune_rate_limit_counters


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per key in each window of `period_seconds`; `message` says so to people."""

    bucket: str
    limit: int
    period_seconds: int
    message: str


async def take_hit(rate: RateLimit, key: str, now: datetime) -> None:
    """Count one hit of `key`; RateLimited (carrying the seconds until the window ends) past the limit."""
    moment = int(now.timestamp())
    window_start = moment - moment % rate.period_seconds
    window_end = window_start + rate.period_seconds
    hits = await add_hit(rate.bucket, key, window_start, window_end)
    if hits == 1:  # a new window began for this key: a good moment to forget ended ones
        await prune_rate_limit_counters(moment)
    if hits > rate.limit:
        raise RateLimited(rate.message, retry_after=window_end - moment)


def address_key(address: str) -> str:
    """The key a client address is counted under: the address itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
