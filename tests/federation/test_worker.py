"""The worker: leases that outlive a killed worker, concurrent workers, inbox items, the
long-running loop and the `worker --once` command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.inbox_sink import SinkProcess
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.sender_pool import WorkerConfig
from fediverse_hit.federation.worker import run_forever, run_once
from fediverse_hit.store.deliveries import RetryRow, claim_deliveries, record_retries
from fediverse_hit.store.models import Actor, Delivery, InboxItem
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import (
    TEST_CONFIG,
    activity,
    inbox_path,
    path_stats,
    refuse_inbox_items,
)

pytestmark = pytest.mark.anyio

LEASE = TEST_CONFIG.lease
_SCRIPT = Path(sys.executable).with_name("fediverse-hit")
CLI_COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "fediverse_hit"]


async def test_rows_of_a_killed_worker_are_delivered_once_after_the_lease(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    paths = [inbox_path() for _ in range(3)]
    document = activity()
    await enqueue_activity(document, sender, [sink.url(path) for path in paths])
    now = datetime.now(UTC)
    abandoned = await claim_deliveries(now, now + LEASE, 10)  # a worker claims, then dies
    assert len(abandoned) == 3
    assert await Delivery.filter(state="delivering").count() == 3

    report = await run_once(clients, refuse_inbox_items, now=now + LEASE / 2, config=TEST_CONFIG)
    assert report.deliveries == {}  # still leased: nobody touches them
    report = await run_once(clients, refuse_inbox_items, now=now + LEASE + timedelta(seconds=1), config=TEST_CONFIG)
    assert report.deliveries == {"delivered": 3}
    assert [path_stats(sink, path)["accepted"] for path in paths] == [{document["id"]: 1}] * 3

    # The dead worker's late write carries its old lease and changes nothing.
    late = [RetryRow(c.id, c.lease, 1, now, 500, "late") for c in abandoned]
    await record_retries(late)
    assert await Delivery.filter(state="delivered").count() == 3
    later = await run_once(clients, refuse_inbox_items, now=now + 10 * LEASE, config=TEST_CONFIG)
    assert later.deliveries == {}
    assert sum(path_stats(sink, path)["requests"] for path in paths) == 3


async def test_concurrent_workers_never_deliver_a_row_twice(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    paths = [inbox_path() for _ in range(20)]
    documents = [activity(number) for number in range(10)]
    for document in documents:
        await enqueue_activity(document, sender, [sink.url(path) for path in paths])
    small_batches = WorkerConfig(batch_size=25, senders=4, per_host=2, flush_every=0.02)

    async def worker() -> Counter[str]:
        totals: Counter[str] = Counter()
        while True:
            report = await run_once(clients, refuse_inbox_items, config=small_batches)
            if not report.deliveries:
                return totals
            totals.update(report.deliveries)

    results = await asyncio.gather(worker(), worker(), worker())
    assert sum(results, Counter()) == Counter(delivered=200)
    stats = sink.stats()["paths"]
    for path in paths:
        assert stats[path]["requests"] == 10
        assert stats[path]["accepted"] == {document["id"]: 1 for document in documents}


async def test_inbox_items_are_processed_and_failures_retried(db: str, clients: ClientFactory) -> None:
    now = datetime.now(UTC)
    for number in range(3):
        await InboxItem.create(
            activity_id=f"https://remote.example/activities/{number}",
            activity_type="Create",
            actor_uri="https://remote.example/users/bob",
            body="{}",
            next_attempt_at=now,
        )
    seen: list[str] = []

    async def process(item: InboxItem) -> None:
        seen.append(item.activity_id)
        if item.activity_id.endswith("/1") and item.attempts == 0:
            raise ValueError("handler broke")

    report = await run_once(clients, process, config=TEST_CONFIG)
    assert (report.inbox_done, report.inbox_failed) == (2, 1)
    assert seen == [f"https://remote.example/activities/{n}" for n in range(3)]  # in arrival order
    failed = await InboxItem.get(activity_id="https://remote.example/activities/1")
    assert failed.state == "pending" and failed.attempts == 1
    assert failed.last_error == "ValueError: handler broke"
    assert failed.next_attempt_at >= now + timedelta(minutes=1)

    report = await run_once(clients, process, now=failed.next_attempt_at, config=TEST_CONFIG)
    assert (report.inbox_done, report.inbox_failed) == (1, 0)
    states = await InboxItem.all().order_by("id").values_list("state", "attempts")
    assert states == [("done", 1), ("done", 2), ("done", 1)]


async def test_run_forever_delivers_new_work_promptly_and_stops(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    stop = asyncio.Event()
    slow_poll = WorkerConfig(senders=4, per_host=2, idle_sleep=30.0, flush_every=0.02)
    task = asyncio.create_task(run_forever(stop, clients, refuse_inbox_items, slow_poll))
    await asyncio.sleep(0.2)
    path = inbox_path()
    await enqueue_activity(activity(), sender, [sink.url(path)])  # wakes the worker at once
    for _ in range(100):
        if await Delivery.filter(state="delivered").count() == 1:
            break
        await asyncio.sleep(0.05)
    assert await Delivery.filter(state="delivered").count() == 1
    assert path_stats(sink, path)["verified"] == 1
    stop.set()
    await asyncio.wait_for(task, timeout=10)


async def test_worker_once_command_sends_due_deliveries(
    sender: Actor, sink: SinkProcess, database_url: str, tmp_path: Path
) -> None:
    path = inbox_path()
    await enqueue_activity(activity(), sender, [sink.url(path)])
    env = {key: value for key, value in os.environ.items() if not key.startswith("HIT_")}
    env.update(
        HIT_DOMAIN="hit.test",
        HIT_SCHEME="http",
        HIT_DATA_DIR=str(tmp_path / "worker-data"),
        HIT_DATABASE_URL=database_url,
        HIT_ALLOW_PRIVATE_ADDRESSES="1",
    )
    result = await asyncio.to_thread(
        subprocess.run, [*CLI_COMMAND, "worker", "--once"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "delivered 1" in result.stdout
    assert path_stats(sink, path)["verified"] == 1
    assert (await Delivery.get()).state == "delivered"
