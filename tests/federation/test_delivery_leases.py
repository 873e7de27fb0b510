"""Claims and leases with several workers (issue 14 item 6): a worker claims only what its lanes
can start soon, so a fan-out spreads over workers, and it renews its short lease while a delivery
is in flight, so nobody else takes the row meanwhile."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.sender_pool import SenderPool, WorkerConfig
from fediverse_hit.federation.worker import run_forever
from fediverse_hit.store.deliveries import claim_deliveries
from fediverse_hit.store.models import Actor, Delivery
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import activity, refuse_inbox_items

pytestmark = pytest.mark.anyio


class EmptyBody(httpx.AsyncByteStream):
    """A response body not yet read, as a real server's is (the sender streams it)."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b""


def answering_clients(seen: Counter[str], delay: float) -> ClientFactory:
    """Clients whose inboxes answer 202 after `delay` seconds, counting requests per URL."""

    async def answer(request: httpx.Request) -> httpx.Response:
        seen[str(request.url)] += 1
        await asyncio.sleep(delay)
        return httpx.Response(202, stream=EmptyBody())

    return lambda: httpx.AsyncClient(transport=httpx.MockTransport(answer))


async def wait_until_delivered(count: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while await Delivery.filter(state="delivered").count() < count:
        assert time.monotonic() < deadline, f"not all {count} deliveries delivered in {seconds} s"
        await asyncio.sleep(0.05)


async def test_a_lease_is_renewed_while_a_slow_delivery_is_in_flight(sender: Actor) -> None:
    await enqueue_activity(activity(), sender, ["https://slow.example/inbox"])
    seen: Counter[str] = Counter()
    config = WorkerConfig(lease=timedelta(seconds=0.9), flush_every=0.05)
    async with SenderPool(config, answering_clients(seen, 2.0), lambda: datetime.now(UTC), random.Random()) as pool:
        assert len(await pool.claim(10)) == 1
        await asyncio.sleep(1.5)  # past the first lease: only renewals keep the row ours
        now = datetime.now(UTC)
        assert await claim_deliveries(now, now + timedelta(seconds=5), 10) == []
        await pool.drain()
    row = await Delivery.get()
    assert (row.state, row.attempts, row.locked_until) == ("delivered", 1, None)
    assert list(seen.values()) == [1]


async def test_two_workers_share_one_fan_out(sender: Actor) -> None:
    inboxes = [f"https://h{n}.example/inbox" for n in range(200)]
    await enqueue_activity(activity(), sender, inboxes)
    config = WorkerConfig(idle_sleep=0.2, flush_every=0.05)  # default claim sizes
    seen = [Counter[str](), Counter[str]()]
    stops = [asyncio.Event(), asyncio.Event()]
    workers = [
        asyncio.create_task(run_forever(stop, answering_clients(counts, 0.05), refuse_inbox_items, config))
        for stop, counts in zip(stops, seen)
    ]
    try:
        await wait_until_delivered(len(inboxes))
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*workers)
    sent = [sum(counts.values()) for counts in seen]
    assert sum(sent) == len(inboxes)
    assert min(sent) >= len(inboxes) // 5, sent
    assert (seen[0] + seen[1]) == Counter({inbox: 1 for inbox in inboxes})


async def test_claims_whose_loading_fails_are_let_go_to_come_due_again(sender: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tried: the database connection drops between claiming rows and loading their hosts' health
    # (as a PostgreSQL failover does); the rows must come due again once their lease runs out,
    # not stay held (and renewed) by this pool forever.
    await enqueue_activity(activity(), sender, ["https://dropped.example/inbox"])
    seen: Counter[str] = Counter()
    config = WorkerConfig(lease=timedelta(seconds=0.6), flush_every=0.05)
    async with SenderPool(config, answering_clients(seen, 0.0), lambda: datetime.now(UTC), random.Random()) as pool:

        async def connection_lost(hosts: set[str]) -> None:
            raise ConnectionResetError("connection lost")

        monkeypatch.setattr(pool._book, "refresh", connection_lost)
        with pytest.raises(ConnectionResetError):
            await pool.claim(10)
        await asyncio.sleep(1.0)  # past the lease: a pool still holding the row would renew it
        now = datetime.now(UTC)
        assert len(await claim_deliveries(now, now + timedelta(seconds=5), 10)) == 1
    assert seen == Counter()
