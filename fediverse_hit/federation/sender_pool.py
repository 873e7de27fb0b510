"""A worker's sender lanes: a fixed pool of tasks sending claimed deliveries, one at a time each,
plus the caches (bodies, signing keys, host health) and the bulk result writer.

One shared httpx client slows down sharply with many requests in flight, and so does a client
holding connections to many hosts (httpcore scans its whole pool on every request). So each lane
keeps one small client per host it talks to (an LRU of `hosts_per_lane`), which also keeps each
host's connection alive. A host's deliveries only go to its `per_host` lanes (chosen by a hash of
the host), which bounds requests in flight per host. Results are written in bulk every
`flush_every` seconds.

Claims are small and their leases short: a worker claims only what its lanes can start soon
(`max_queued`, refilled when half of it is done), under one lease token of its own that it
renews every third of `lease` for every row it still holds (queued, in flight, or with a result
not yet written). So a fan-out spreads over the workers, and a killed worker's rows are due again
within `lease`. A row whose lease is about to run out (renewals failing) is released unsent.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

import aiohttp
import httpx

from fediverse_hit.federation.delivery import (
    ClientFactory,
    Clock,
    DeliveryClient,
    DeliveryJob,
    NoSigningKey,
    Outcomes,
    SigningKeys,
    attempt_delivery,
)
from fediverse_hit.federation.host_health import HostHealthBook
from fediverse_hit.federation.retry import next_retry
from fediverse_hit.store.deliveries import (
    ClaimedDelivery,
    claim_deliveries,
    load_activity_bodies,
    renew_deliveries,
)

logger = logging.getLogger(__name__)

_BODY_CACHE_SIZE = 256
_LANE_SLACK = 8


@dataclass(frozen=True)
class WorkerConfig:
    """Batch sizes, lease, concurrency and pacing of a worker."""

    batch_size: int = 500
    inbox_batch: int = 50
    inbox_lanes: int = 4  # sending servers whose inbox items are processed at once
    lease: timedelta = timedelta(seconds=10)  # deliveries' lease, renewed while held
    inbox_lease: timedelta = timedelta(seconds=60)
    senders: int = 32
    per_host: int = 4
    max_queued: int = 64
    idle_sleep: float = 1.0
    flush_every: float = 0.2
    request_timeout: float = 15.0
    hosts_per_lane: int = 64


class SenderPool:
    """Sender lanes, caches (bodies, keys, host health) and the result writer of one worker."""

    def __init__(self, config: WorkerConfig, client_factory: ClientFactory, clock: Clock, rng: random.Random) -> None:
        self.config, self._factory, self._clock, self._rng = config, client_factory, clock, rng
        self._lanes: list[asyncio.Queue[DeliveryJob | None]] = [asyncio.Queue() for _ in range(config.senders)]
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._keys, self._book, self.outcomes = SigningKeys(), HostHealthBook(), Outcomes()
        self._bodies: OrderedDict[int, tuple[bytes, int]] = OrderedDict()
        self._queued = 0
        self._active: dict[int, int] = {}  # delivery id → jobs queued or in flight
        self._lease: datetime | None = None  # this pool's current lease token
        self._doubtful: set[datetime] = set()  # tokens a renewal may have left in place
        self._renewed_at = time.monotonic()
        self._idle, self.room = asyncio.Event(), asyncio.Event()
        self._idle.set()
        self.room.set()
        self._stopping = False
        self._flusher: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None  # shared by every lane, if the factory makes sessions
        self._flush_lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        self._flusher = asyncio.create_task(self._flush_loop())
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    @property
    def free_slots(self) -> int:
        return max(self.config.max_queued - self._queued, 0)

    async def claim(self, limit: int) -> list[ClaimedDelivery]:
        """Claim up to `limit` due deliveries under this pool's lease and queue them."""
        async with self._flush_lock:
            now = self._clock()
            if self._lease is None:
                self._lease, self._renewed_at = now + self.config.lease, time.monotonic()
            claims = await claim_deliveries(now, self._lease, limit)
            await self.submit(claims)
        return claims

    async def submit(self, claims: list[ClaimedDelivery]) -> None:
        """Queue claimed deliveries on their hosts' lanes (after loading bodies, keys, health);
        if loading fails (database connection lost), the claims are let go with their lease."""
        if not claims:
            return
        for claim in claims:
            self._active[claim.id] = self._active.get(claim.id, 0) + 1
        try:
            await self._book.refresh({claim.host for claim in claims})
            await self._load_bodies({claim.activity_pk for claim in claims})
        except BaseException:
            # Not queued, so no longer held: unrenewed, their lease runs out and they come due
            # again (renewing them forever would strand them until this worker stops).
            for claim in claims:
                self._forget(claim.id)
            raise
        for claim in claims:
            body, sender_id = self._bodies[claim.activity_pk]
            try:
                key = await self._keys.get(sender_id)
            except NoSigningKey as exc:
                self.outcomes.failed(claim, claim.attempts, None, str(exc))
                self._forget(claim.id)
                continue
            self._route(DeliveryJob(claim, body, key))

    async def drain(self) -> None:
        """Wait until every queued delivery is done, then write the results."""
        await self._idle.wait()
        await self.flush()

    async def flush(self) -> None:
        """Renew the lease if due, then write pending results."""
        async with self._flush_lock:
            await self._renew()
            await self.outcomes.flush(self._book, self._clock(), self._lease)

    async def _renew(self) -> None:
        """Move every row this pool holds to a new lease token (due every third of the lease, or
        at once after a renewal that failed: it may have taken effect, so both tokens count)."""
        if self._lease is None:
            return
        held = set(self._active) | self.outcomes.ids()
        if not held:
            self._lease, self._doubtful = None, set()
            return
        if not self._doubtful and time.monotonic() - self._renewed_at < self.config.lease.total_seconds() / 3:
            return
        new = self._clock() + self.config.lease
        if new == self._lease:
            return  # a fixed clock (tests)
        self._doubtful.add(new)
        await renew_deliveries(sorted(held), {self._lease, *self._doubtful}, new)
        self._lease, self._doubtful, self._renewed_at = new, set(), time.monotonic()

    def lease_left(self) -> timedelta:
        """How long the current lease token has to run (zero when the pool holds none)."""
        return self._lease - self._clock() if self._lease is not None else timedelta(0)

    async def close(self) -> None:
        """Stop: queued deliveries not yet started are released, in-flight ones finish."""
        self._stopping = True
        for index in self._tasks:
            self._lanes[index].put_nowait(None)
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self._flusher is not None:
            self._flusher.cancel()
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await self.flush()

    async def _load_bodies(self, pks: set[int]) -> None:
        for pk in pks & self._bodies.keys():
            self._bodies.move_to_end(pk)
        missing = pks - self._bodies.keys()
        if missing:
            for row in await load_activity_bodies(missing):
                self._bodies[row["id"]] = (str(row["body"]).encode("utf-8"), int(row["sender_id"]))
        while len(self._bodies) > max(_BODY_CACHE_SIZE, len(pks)):
            self._bodies.popitem(last=False)

    def _route(self, job: DeliveryJob) -> None:
        lanes = len(self._lanes)
        start = zlib.crc32(job.claim.host.encode("utf-8"))
        candidates = [(start + k) % lanes for k in range(min(self.config.per_host, lanes))]
        # The host's first lane (whose client likely holds a connection to it) unless it is
        # clearly busier than another of the host's lanes.
        least = min(candidates, key=lambda i: self._lanes[i].qsize())
        index = candidates[0]
        if self._lanes[index].qsize() > self._lanes[least].qsize() + _LANE_SLACK:
            index = least
        self._queued += 1
        self._idle.clear()
        if self._queued >= self.config.max_queued:
            self.room.clear()
        if index not in self._tasks:
            self._tasks[index] = asyncio.create_task(self._run_lane(index))
        self._lanes[index].put_nowait(job)

    async def _run_lane(self, index: int) -> None:
        queue = self._lanes[index]
        clients: OrderedDict[str, httpx.AsyncClient] = OrderedDict()
        least_left = self.config.lease / 3
        try:
            while (job := await queue.get()) is not None:
                try:
                    if self._stopping or self.lease_left() < least_left:
                        self.outcomes.release(job.claim)
                    else:
                        client = await self._client_for(clients, job.claim.host)
                        await attempt_delivery(client, job, self._book, self.outcomes, self._clock, self._rng)
                except Exception as exc:  # the worker loop records any failure on the row (CONVENTIONS §5)
                    logger.exception("delivery %s to %s failed", job.claim.id, job.claim.inbox_url)
                    attempts = job.claim.attempts + 1
                    decision = next_retry(attempts, None, None, self._clock(), self._rng)
                    error = f"internal error: {type(exc).__name__}: {exc}"[:500]
                    if decision.retry_at is None:
                        self.outcomes.failed(job.claim, attempts, None, error)
                    else:
                        self.outcomes.retry(job.claim, attempts, decision.retry_at, None, error)
                finally:
                    self._job_done(job.claim.id)
        finally:
            await asyncio.gather(*(client.aclose() for client in clients.values()), return_exceptions=True)

    async def _client_for(self, clients: OrderedDict[str, httpx.AsyncClient], host: str) -> DeliveryClient:
        """The pool's aiohttp session if the factory makes sessions (its pool is a dict per host);
        else the lane's httpx client for `host`, kept in a small LRU: with one client per host,
        each pool holds a connection or two, and httpcore's per-request scan of it stays cheap."""
        if self._session is not None:
            return self._session
        client = clients.get(host)
        if client is not None:
            clients.move_to_end(host)
            return client
        made = self._factory()
        if isinstance(made, aiohttp.ClientSession):
            self._session = made
            return made
        client = clients[host] = made
        if len(clients) > self.config.hosts_per_lane:
            _, oldest = clients.popitem(last=False)
            await oldest.aclose()
        return client

    def _forget(self, delivery_id: int) -> None:
        left = self._active.pop(delivery_id, 1) - 1
        if left:
            self._active[delivery_id] = left

    def _job_done(self, delivery_id: int) -> None:
        self._forget(delivery_id)
        self._queued -= 1
        if self._queued <= self.config.max_queued // 2:
            self.room.set()
        if self._queued == 0:
            self._idle.set()

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.flush_every)
            if len(self.outcomes) or self._lease is not None:
                try:
                    await self.flush()
                except Exception:  # the worker loop survives a failed write; results stay pending
                    logger.exception("writing delivery results failed")
