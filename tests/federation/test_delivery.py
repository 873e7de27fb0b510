"""Sending deliveries to a real inbox sink (a separate process that verifies every signature):
signed POSTs, retries, permanent failures and Retry-After."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from bench.inbox_sink import SinkProcess
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.delivery_session import create_delivery_session
from fediverse_hit.federation.outbox import enqueue_activity, serialize_activity
from fediverse_hit.federation.worker import run_once
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Actor, Delivery
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import (
    TEST_CONFIG,
    activity,
    inbox_path,
    path_stats,
    refuse_inbox_items,
)

pytestmark = pytest.mark.anyio


async def deliver_once(clients: ClientFactory, now: datetime | None = None) -> dict[str, int]:
    report = await run_once(clients, refuse_inbox_items, now=now, config=TEST_CONFIG)
    return report.deliveries


async def only_delivery() -> Delivery:
    [delivery] = await Delivery.all()
    return delivery


async def test_signed_post_arrives_and_verifies(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    path = inbox_path()
    document = activity()
    await enqueue_activity(document, sender, [sink.url(path)])
    assert await deliver_once(clients) == {"delivered": 1}
    stats = path_stats(sink, path)
    assert stats["requests"] == stats["verified"] == 1
    assert stats["accepted"] == {document["id"]: 1}
    delivery = await only_delivery()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 202)
    assert delivery.delivered_at is not None and delivery.locked_until is None


async def test_post_carries_the_stored_body_and_activity_json_type(
    sender: Actor, sink: SinkProcess, clients: ClientFactory
) -> None:
    path = inbox_path()
    document = activity("ünïcode ✓")
    stored = await enqueue_activity(document, sender, [sink.url(path)])
    await deliver_once(clients)
    received = sink.stats()["bodies"][path]
    assert received == [stored.body] == [serialize_activity(document)]
    assert sink.stats()["content_types"][path] == ["application/activity+json"]
    assert json.loads(received[0]) == document


async def test_server_error_is_retried_then_delivered(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    path = inbox_path("500,202")
    await enqueue_activity(activity(), sender, [sink.url(path)])
    start = datetime.now(UTC)
    assert await deliver_once(clients) == {"retried": 1}
    delivery = await only_delivery()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert "500" in delivery.last_error
    assert start + timedelta(minutes=1) <= delivery.next_attempt_at <= start + timedelta(minutes=1.3)
    assert await deliver_once(clients) == {}  # not due yet: nothing sent
    assert path_stats(sink, path)["requests"] == 1
    assert await deliver_once(clients, now=delivery.next_attempt_at) == {"delivered": 1}
    delivery = await only_delivery()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 2, 202)
    assert path_stats(sink, path)["requests"] == 2


@pytest.mark.parametrize("status", [410, 404, 403])
async def test_refusal_is_permanent(status: int, sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    path = inbox_path(str(status))
    await enqueue_activity(activity(), sender, [sink.url(path)])
    assert await deliver_once(clients) == {"failed": 1}
    delivery = await only_delivery()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 1, status)
    assert "not retried" in delivery.last_error
    assert await deliver_once(clients, now=datetime.now(UTC) + timedelta(days=5)) == {}
    assert path_stats(sink, path)["requests"] == 1


async def test_too_many_requests_waits_for_retry_after(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    path = inbox_path("429~7200,202")
    await enqueue_activity(activity(), sender, [sink.url(path)])
    start = datetime.now(UTC)
    assert await deliver_once(clients) == {"retried": 1}
    delivery = await only_delivery()
    assert delivery.last_status == 429
    assert start + timedelta(hours=2) <= delivery.next_attempt_at <= datetime.now(UTC) + timedelta(hours=2)
    assert await deliver_once(clients, now=start + timedelta(hours=1)) == {}
    assert await deliver_once(clients, now=delivery.next_attempt_at) == {"delivered": 1}


async def test_unreachable_inbox_is_retried(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    closed_port = sink.port + 1 if sink.port < 65535 else sink.port - 1
    await enqueue_activity(activity(), sender, [f"http://127.0.0.1:{closed_port}/inbox"])
    assert await deliver_once(clients) == {"retried": 1}
    delivery = await only_delivery()
    assert delivery.state == "pending" and delivery.last_status is None
    assert "Connect" in delivery.last_error


@pytest.mark.parametrize("authority", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
@pytest.mark.parametrize("scheme", ["https", "http"])
async def test_inbox_on_a_refused_address_is_given_up_at_once(
    sender: Actor, sink: SinkProcess, settings: Settings, scheme: str, authority: str
) -> None:
    """Production settings (no private addresses): the worker's session refuses an inbox on
    loopback, named by address (socket factory), by a name resolving there (resolver), or over
    plain http (middleware); a retry could never succeed, so the delivery fails permanently
    instead of backing off, and nothing reaches the sink."""
    guarded = dataclasses.replace(settings, allow_private_addresses=False)
    path = inbox_path()
    await enqueue_activity(activity(), sender, [f"{scheme}://{authority}:{sink.port}{path}"])
    assert await deliver_once(lambda: create_delivery_session(guarded)) == {"failed": 1}
    delivery = await only_delivery()
    assert delivery.state == "failed" and "not retried" in delivery.last_error
    assert ("refusing http://" if scheme == "http" else "loopback") in delivery.last_error
    assert path_stats(sink, path)["requests"] == 0


async def test_one_activity_fans_out_to_many_inboxes(sender: Actor, sink: SinkProcess, clients: ClientFactory) -> None:
    paths = [inbox_path() for _ in range(40)]
    document = activity()
    await enqueue_activity(document, sender, [sink.url(path) for path in paths])
    assert await deliver_once(clients) == {"delivered": 40}
    stats = sink.stats()["paths"]
    assert all(stats[path]["accepted"] == {document["id"]: 1} for path in paths)
    assert await Delivery.filter(state="delivered").count() == 40
