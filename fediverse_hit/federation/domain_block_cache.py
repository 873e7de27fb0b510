"""Whether a host is blocked, answered from an in-process copy of the block list refreshed
every few seconds (the inbox asks on every request; blocks change rarely) and dropped at once
when any process publishes a `DOMAIN_BLOCKS` change."""

from __future__ import annotations

from fediverse_hit.federation.ttl_cache import TtlCache
from fediverse_hit.store.change_feed import DOMAIN_BLOCKS, on_change
from fediverse_hit.store.domain_blocks import block_candidates, list_blocked_domains

REFRESH_SECONDS = 10.0
_BLOCKED: TtlCache[str, frozenset[str]] = TtlCache(ttl=REFRESH_SECONDS, max_entries=1)


async def domain_blocked(host: str) -> bool:
    """True when `host` (or a parent domain, or host:port) is blocked."""
    blocked = _BLOCKED.get("all")
    if blocked is None:
        blocked = frozenset(await list_blocked_domains())
        _BLOCKED.put("all", blocked)
    return any(candidate in blocked for candidate in block_candidates(host))


def forget_domain_blocks() -> None:
    """Drop the copy (the block list changed)."""
    _BLOCKED.clear()


on_change(DOMAIN_BLOCKS, forget_domain_blocks)
