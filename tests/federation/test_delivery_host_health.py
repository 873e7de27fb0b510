"""Host health during delivery: the circuit breaker and the unavailable mark (7 failing days)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bench.inbox_sink import SinkProcess
from fediverse_hit.federation import host_health as host_health_module
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.host_health import (
    FAILURE_THRESHOLD,
    Gate,
    HostHealthBook,
    host_of,
    mark_host_available,
)
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.sender_pool import WorkerConfig
from fediverse_hit.federation.worker import run_once
from fediverse_hit.store.models import Actor, Delivery, HostHealth
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import (
    activity,
    inbox_path,
    path_stats,
    refuse_inbox_items,
    utc,
)

pytestmark = pytest.mark.anyio

ONE_LANE = WorkerConfig(senders=1, per_host=1, flush_every=0.05)


async def test_circuit_opens_after_consecutive_failures(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    path = inbox_path("503")
    for number in range(FAILURE_THRESHOLD + 3):
        await enqueue_activity(activity(number), sender, [sink.url(path)])
    now = utc(2030, 1, 1)
    report = await run_once(clients, refuse_inbox_items, now=now, config=ONE_LANE)
    assert report.deliveries == {"retried": FAILURE_THRESHOLD, "deferred": 3}
    assert path_stats(sink, path)["requests"] == FAILURE_THRESHOLD  # the rest were not tried
    health = await HostHealth.get(host=host_of(sink.url(path)))
    assert health.consecutive_failures == FAILURE_THRESHOLD
    assert health.circuit_open_until == now + timedelta(minutes=1)
    deferred = await Delivery.filter(attempts=0)
    assert len(deferred) == 3
    assert all(d.next_attempt_at >= health.circuit_open_until for d in deferred)


async def test_half_open_circuit_lets_one_probe_through(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    path = inbox_path("503")
    host = host_of(sink.url(path))
    now = utc(2030, 1, 1)
    await HostHealth.create(host=host, consecutive_failures=FAILURE_THRESHOLD, failure_days=["2030-01-01"],
                            circuit_open_until=now - timedelta(seconds=1))
    for number in range(4):
        await enqueue_activity(activity(number), sender, [sink.url(path)])
    report = await run_once(clients, refuse_inbox_items, now=now, config=ONE_LANE)
    assert report.deliveries == {"retried": 1, "deferred": 3}
    assert path_stats(sink, path)["requests"] == 1
    health = await HostHealth.get(host=host)
    assert health.circuit_open_until == now + timedelta(minutes=2)  # the window doubled


async def test_host_failing_on_seven_days_becomes_unavailable_until_it_calls_us(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    path = inbox_path("503,503,503,503,503,503,503,202")
    host = host_of(sink.url(path))
    await enqueue_activity(activity("first"), sender, [sink.url(path)])
    for day in range(1, 8):
        report = await run_once(clients, refuse_inbox_items, now=utc(2030, 1, day), config=ONE_LANE)
        assert report.deliveries == {"retried": 1}, f"day {day}"
    health = await HostHealth.get(host=host)
    assert len(health.failure_days) == 7
    assert health.unavailable_since == utc(2030, 1, 7)

    # Unavailable: the pending delivery is given up unsent, and new activities skip the host.
    report = await run_once(clients, refuse_inbox_items, now=utc(2030, 1, 8), config=ONE_LANE)
    assert report.deliveries == {"failed": 1}
    assert "unavailable" in (await Delivery.get(attempts=7)).last_error
    skipped = await enqueue_activity(activity("skipped"), sender, [sink.url(path)])
    assert await Delivery.filter(activity=skipped).count() == 0
    assert path_stats(sink, path)["requests"] == 7

    await mark_host_available(host)
    health = await HostHealth.get(host=host)
    assert (health.unavailable_since, health.failure_days, health.consecutive_failures) == (None, [], 0)
    await enqueue_activity(activity("after"), sender, [sink.url(path)])
    report = await run_once(clients, refuse_inbox_items, now=utc(2030, 1, 9), config=ONE_LANE)
    assert report.deliveries == {"delivered": 1}


async def test_success_forgets_earlier_failure_days(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    path = inbox_path("503,503,202")
    host = host_of(sink.url(path))
    await enqueue_activity(activity(), sender, [sink.url(path)])
    for day in (1, 2):
        await run_once(clients, refuse_inbox_items, now=utc(2030, 2, day), config=ONE_LANE)
    assert (await HostHealth.get(host=host)).failure_days == ["2030-02-01", "2030-02-02"]
    report = await run_once(clients, refuse_inbox_items, now=utc(2030, 2, 3), config=ONE_LANE)
    assert report.deliveries == {"delivered": 1}
    health = await HostHealth.get(host=host)
    assert (health.failure_days, health.consecutive_failures, health.circuit_open_until) == ([], 0, None)


async def test_mark_host_available_without_failures_writes_nothing(db: str) -> None:
    await mark_host_available("never.example")
    assert await HostHealth.filter(host="never.example").count() == 0


async def test_client_errors_leave_host_health_alone(db: str) -> None:
    book = HostHealthBook()
    now = utc(2030, 3, 1)
    for status in (401, 404, 410, 400):
        book.record("ok.example", status, now)
    book.record("bad.example", 502, now)
    book.record("slow.example", None, now)
    book.record("busy.example", 429, now)
    await book.flush()
    assert sorted(await HostHealth.all().values_list("host", flat=True)) == [
        "bad.example",
        "busy.example",
        "slow.example",
    ]


async def test_two_workers_failures_of_one_host_add_up_and_open_the_circuit(db: str) -> None:
    first, second = HostHealthBook(), HostHealthBook()  # two workers' copies
    for day in (1, 2):
        first.record("down.example", 503, utc(2030, 4, day))
    for day in (3, 4, 5):
        second.record("down.example", None, utc(2030, 4, day))
    await first.flush()
    await second.flush()
    health = await HostHealth.get(host="down.example")
    assert health.consecutive_failures == 5
    assert health.failure_days == ["2030-04-01", "2030-04-02", "2030-04-03", "2030-04-04", "2030-04-05"]
    assert health.circuit_open_until == utc(2030, 4, 5) + timedelta(minutes=1)
    assert second.gate("down.example", utc(2030, 4, 5))[0] is Gate.DEFER


async def test_a_success_after_failures_clears_the_host_for_every_worker(db: str) -> None:
    first, second = HostHealthBook(), HostHealthBook()
    first.record("flaky.example", 502, utc(2030, 5, 1))
    await first.flush()
    second.record("flaky.example", 502, utc(2030, 5, 1))
    second.record("flaky.example", 202, utc(2030, 5, 1))
    await second.flush()
    health = await HostHealth.get(host="flaky.example")
    assert (health.consecutive_failures, health.failure_days) == (0, [])


async def test_writing_earlier_failures_never_lowers_the_count_the_gate_sees(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tried: four failures recorded in memory, then written one by one; while the first writes
    return the smaller stored counts (1, 2, 3), the gate must keep seeing four — adopting the stored
    count lets a fifth and sixth try through before the circuit opens (the flake CI once showed)."""
    book = HostHealthBook()
    now = utc(2030, 6, 1)
    for _ in range(FAILURE_THRESHOLD - 1):
        book.record("down.example", 503, now)
    seen: list[int] = []
    real_count = host_health_module.count_host_failure

    async def count_and_watch(host: str, day: str, at: datetime) -> tuple[int, list[str]]:
        seen.append(book.state(host).consecutive_failures)
        return await real_count(host, day, at)

    monkeypatch.setattr(host_health_module, "count_host_failure", count_and_watch)
    await book.flush()
    assert seen == [FAILURE_THRESHOLD - 1] * (FAILURE_THRESHOLD - 1)
    assert book.state("down.example").consecutive_failures == FAILURE_THRESHOLD - 1
    assert (await HostHealth.get(host="down.example")).consecutive_failures == FAILURE_THRESHOLD - 1
