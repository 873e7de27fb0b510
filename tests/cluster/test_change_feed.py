"""Changes published by one process reach the others through PostgreSQL NOTIFY (issue 14 items
2 and 7); on SQLite only the publishing process's own handlers run."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from fediverse_hit.federation.domain_block_cache import domain_blocked
from fediverse_hit.store.change_feed import CHANNEL, DOMAIN_BLOCKS, WORK, listen_for_changes, on_change, publish_change
from fediverse_hit.store.database import asyncpg_dsn
from fediverse_hit.store.models import DomainBlock
from tests.instances import POSTGRES_URL

pytestmark = pytest.mark.anyio


async def test_publishing_runs_this_processes_handlers_at_once(db: None) -> None:
    seen: list[str] = []
    on_change(WORK, lambda: seen.append("work"))
    await publish_change(WORK)
    assert seen == ["work"]


@pytest.mark.skipif(not POSTGRES_URL, reason="NOTIFY is PostgreSQL's (set HIT_TEST_POSTGRES_URL)")
async def test_a_domain_block_announced_by_another_process_applies_within_a_second(
    db: None, database_url: str
) -> None:
    async with listen_for_changes(database_url):
        assert not await domain_blocked("spam.example")  # now cached as not blocked
        other = await asyncpg.connect(asyncpg_dsn(database_url))  # another process
        try:
            await other.execute("INSERT INTO domain_blocks (domain, reason, created_at) VALUES ('spam.example', '', now())")
            await other.execute(f"SELECT pg_notify('{CHANNEL}', '{DOMAIN_BLOCKS}')")
        finally:
            await other.close()
        deadline = time.monotonic() + 1.0
        while not await domain_blocked("spam.example"):
            assert time.monotonic() < deadline, "the block did not apply within 1 s"
            await asyncio.sleep(0.02)
    assert await DomainBlock.filter(domain="spam.example").count() == 1
