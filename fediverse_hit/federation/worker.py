"""The background worker: sends due deliveries and processes due inbox items (DESIGN §6, §9).

Work lives in rows (Takahē's stator, CONVENTIONS §8): each batch is claimed with a lease
(`store.job_claims`), so several workers can run and one killed mid-batch loses nothing.
Inbox items run in lanes, one per sending server (`process_inbox_batch`).
Deliveries go out through a fixed pool of sender lanes, each with its own HTTP client: one shared
httpx client slows down sharply with many requests in flight, while a client per lane keeps
connections per host alive. A host's deliveries only use its `per_host` lanes, which bounds
per-host concurrency. Results are written in bulk every `flush_every` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


from fediverse_hit.federation.delivery import ClientFactory, Clock
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.retry import next_retry
from fediverse_hit.federation.sender_pool import SenderPool, WorkerConfig
from fediverse_hit.store.change_feed import WORK, on_change
from fediverse_hit.store.inbox_items import (
    claim_inbox_items,
    mark_inbox_item_done,
    mark_inbox_item_failed,
)
from fediverse_hit.store.models import InboxItem

logger = logging.getLogger(__name__)

InboxProcessor = Callable[[InboxItem], Awaitable[None]]
"""Processes one stored inbox item (the lead's handler registry); raises to have it retried."""

_WAKE_EVENTS: set[asyncio.Event] = set()


def notify_new_work() -> None:
    """Wake this process's workers now instead of at their next poll (run for every published
    `WORK` change: `publish_change(WORK)` after storing work wakes every process's workers)."""
    for event in list(_WAKE_EVENTS):
        event.set()


on_change(WORK, notify_new_work)


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass
class RunReport:
    """What one `run_once` did: delivery outcome counts and inbox items processed or failed."""

    deliveries: dict[str, int] = field(default_factory=dict)
    inbox_done: int = 0
    inbox_failed: int = 0


def lanes_by_sender(items: list[InboxItem]) -> list[list[InboxItem]]:
    """Items grouped by the server that sent them (the signer's host), each group in claim order,
    groups in order of their first item."""
    lanes: dict[str, list[InboxItem]] = {}
    for item in items:
        lanes.setdefault(host_of(item.signer_key_id or item.actor_uri), []).append(item)
    return list(lanes.values())


async def process_inbox_batch(
    process_inbox_item: InboxProcessor, clock: Clock, config: WorkerConfig, rng: random.Random
) -> tuple[int, int]:
    """Claim and process one batch of due inbox items; returns (done, failed).

    Each sending server's items run in one lane, in order (an actor's Follow before its Undo);
    at most `config.inbox_lanes` servers at once, so one slow server holds one lane, not all.
    """
    now = clock()
    lease = now + config.inbox_lease
    outcomes: list[bool] = []
    room = asyncio.Semaphore(config.inbox_lanes)

    async def run_lane(items: list[InboxItem]) -> None:
        async with room:
            for item in items:
                item.locked_until = lease
                outcomes.append(await _process_one(item, process_inbox_item, clock, rng))

    items = await claim_inbox_items(now, lease, config.inbox_batch)
    await asyncio.gather(*(run_lane(lane) for lane in lanes_by_sender(items)))
    return outcomes.count(True), outcomes.count(False)


async def _process_one(item: InboxItem, process: InboxProcessor, clock: Clock, rng: random.Random) -> bool:
    """Process one claimed item and record the outcome on its row; True when it succeeded."""
    try:
        await process(item)
    except Exception as exc:  # the worker loop records handler errors on the row (CONVENTIONS §5)
        logger.exception("inbox item %s (%s) failed", item.id, item.activity_id)
        decision = next_retry(item.attempts + 1, None, None, clock(), rng)
        await mark_inbox_item_failed(item, f"{type(exc).__name__}: {exc}"[:2000], decision.retry_at)
        return False
    await mark_inbox_item_done(item, clock())
    logger.info("inbox item %d: %s %s from %s processed", item.id, item.activity_type, item.activity_id, item.actor_uri)
    return True


async def run_once(
    client_factory: ClientFactory,
    process_inbox_item: InboxProcessor,
    *,
    now: datetime | None = None,
    config: WorkerConfig | None = None,
    rng: random.Random | None = None,
) -> RunReport:
    """Process one batch of due deliveries and one of due inbox items, then return.

    `now` fixes the clock (tests step time with it); by default the real time is used.
    """
    config = config or WorkerConfig()
    rng = rng or random.Random()
    clock: Clock = (lambda: now) if now is not None else utc_now
    async with SenderPool(config, client_factory, clock, rng) as engine:
        await engine.claim(config.batch_size)
        await engine.drain()
        counts = dict(engine.outcomes.counts)
    done, failed = await process_inbox_batch(process_inbox_item, clock, config, rng)
    return RunReport(deliveries=counts, inbox_done=done, inbox_failed=failed)


async def run_forever(
    stop: asyncio.Event,
    client_factory: ClientFactory,
    process_inbox_item: InboxProcessor,
    config: WorkerConfig | None = None,
) -> None:
    """Run until `stop` is set: deliveries and inbox items in two loops, polling every
    `idle_sleep` seconds when idle and woken at once by `notify_new_work`."""
    config = config or WorkerConfig()
    rng = random.Random()
    delivery_wake, inbox_wake = asyncio.Event(), asyncio.Event()
    _WAKE_EVENTS.update((delivery_wake, inbox_wake))
    watcher = asyncio.create_task(_wake_on_stop(stop, delivery_wake, inbox_wake))
    try:
        async with SenderPool(config, client_factory, utc_now, rng) as engine:
            await asyncio.gather(
                _delivery_loop(stop, delivery_wake, engine),
                _inbox_loop(stop, inbox_wake, process_inbox_item, config, rng),
            )
    finally:
        _WAKE_EVENTS.difference_update((delivery_wake, inbox_wake))
        watcher.cancel()


async def _wake_on_stop(stop: asyncio.Event, *events: asyncio.Event) -> None:
    await stop.wait()
    for event in events:
        event.set()


async def _sleep(wake: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(wake.wait(), seconds)
    except TimeoutError:
        pass
    wake.clear()


async def _delivery_loop(stop: asyncio.Event, wake: asyncio.Event, engine: SenderPool) -> None:
    config = engine.config
    while not stop.is_set():
        try:
            if not engine.room.is_set():
                await asyncio.wait_for(engine.room.wait(), config.idle_sleep)
                continue
            limit = min(config.batch_size, engine.free_slots)
            claims = await engine.claim(limit)
            if len(claims) == limit:
                continue
        except TimeoutError:
            continue
        except Exception:  # the worker loop outlives a failing claim (database restart…)
            logger.exception("claiming deliveries failed")
        await _sleep(wake, config.idle_sleep)


async def _inbox_loop(
    stop: asyncio.Event, wake: asyncio.Event, process: InboxProcessor, config: WorkerConfig, rng: random.Random
) -> None:
    while not stop.is_set():
        try:
            done, failed = await process_inbox_batch(process, utc_now, config, rng)
            if done + failed == config.inbox_batch:
                continue
        except Exception:  # the worker loop outlives a failing claim or write
            logger.exception("processing inbox items failed")
        await _sleep(wake, config.idle_sleep)
