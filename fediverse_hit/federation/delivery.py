"""Sending one delivery: sign the stored body, POST it, classify the answer (DESIGN §5, §6).

A POST carries exactly the bytes stored in `OutgoingActivity.body`, `Content-Type:
application/activity+json`, and a draft-cavage rsa-sha256 signature by the sender's RSA key with a
fresh `Date` on every try (Mastodon `app/lib/request.rb`). What follows a try (delivered, retry
at, given up, deferred by the circuit breaker) is decided here and written in bulk by `Outcomes`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

import aiohttp
import httpx

from fediverse_hit.federation.host_health import Gate, HostHealthBook
from fediverse_hit.federation.retry import is_success, next_retry
from fediverse_hit.federation.ssrf import AddressNotAllowed
from fediverse_hit.protocol.http_signatures import sign_request_headers
from fediverse_hit.protocol.keys import PrivateKey, load_private_key
from fediverse_hit.store.deliveries import (
    ClaimedDelivery,
    FinalRow,
    RetryRow,
    find_signing_key,
    record_final,
    record_retries,
    release_deliveries,
)

ACTIVITY_JSON = "application/activity+json"
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_RESPONSE_BYTES = 64 * 1024  # inbox answers are tiny; read a little so the connection is reused
MAX_ERROR_CHARS = 500
KEY_CACHE_SECONDS = 600.0

Clock = Callable[[], datetime]
DeliveryClient = aiohttp.ClientSession | httpx.AsyncClient
ClientFactory = Callable[[], DeliveryClient]
"""Makes one HTTP client: an aiohttp session serves the whole sender pool (the worker's, from
`create_delivery_session`); an httpx client (tests' mock transports) serves one lane and host."""

logger = logging.getLogger(__name__)


class NoSigningKey(Exception):
    """The sender has no usable RSA key, so its activities cannot be delivered."""


@dataclass(frozen=True)
class SigningKey:
    """A loaded RSA private key and the keyId to name it by."""

    key_id: str
    private_key: PrivateKey


class SigningKeys:
    """Senders' RSA keys, loaded once per process and kept a while: loading a PEM costs ~40 ms."""

    def __init__(self) -> None:
        self._keys: dict[int, tuple[SigningKey, float]] = {}

    async def get(self, actor_id: int) -> SigningKey:
        """The newest unrevoked RSA key of local actor `actor_id`."""
        cached = self._keys.get(actor_id)
        if cached is not None and time.monotonic() - cached[1] < KEY_CACHE_SECONDS:
            return cached[0]
        found = await find_signing_key(actor_id)
        if found is None:
            raise NoSigningKey(f"actor {actor_id} has no RSA private key")
        key_id, pem = found
        key = SigningKey(key_id=key_id, private_key=await asyncio.to_thread(load_private_key, pem))
        self._keys[actor_id] = (key, time.monotonic())
        return key


@dataclass(frozen=True)
class DeliveryJob:
    """A claimed delivery with everything needed to send it."""

    claim: ClaimedDelivery
    body: bytes
    key: SigningKey
    claimed_at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Attempt:
    """What one POST gave: a status (None when no response came) and maybe an error text."""

    status: int | None
    retry_after: str | None = None
    error: str = ""
    refused: bool = False  # our SSRF guard refused the address: retrying cannot help


async def post_delivery(client: DeliveryClient, job: DeliveryJob) -> Attempt:
    """Sign and POST the job's body to its inbox; never raises for network trouble.

    A kept-alive connection that the server closed just as we reused it fails before any answer;
    such a POST is sent once more at once on a new connection (inboxes dedupe by activity id).
    """
    if isinstance(client, aiohttp.ClientSession):
        return await _post_with_session(client, job)
    try:
        return await _post_signed(client, job)
    except AddressNotAllowed as exc:
        return Attempt(None, None, str(exc), refused=True)
    except _STALE_CONNECTION:
        pass
    except httpx.HTTPError as exc:
        return Attempt(None, None, _describe(exc))
    try:
        return await _post_signed(client, job)
    except httpx.HTTPError as exc:
        return Attempt(None, None, _describe(exc))


_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def _signed_headers(job: DeliveryJob) -> dict[str, str]:
    headers = {"Content-Type": ACTIVITY_JSON, "Accept": ACCEPT}
    headers.update(
        sign_request_headers(
            "POST", job.claim.inbox_url, headers, job.body, key_id=job.key.key_id, private_key=job.key.private_key
        )
    )
    return headers


async def _post_with_session(session: aiohttp.ClientSession, job: DeliveryJob) -> Attempt:
    """`post_delivery` through an aiohttp session (the guard sits in its resolver and connector)."""
    try:
        try:
            return await _session_post(session, job)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
            if isinstance(exc, aiohttp.ClientConnectorError):
                raise
        return await _session_post(session, job)
    except AddressNotAllowed as exc:
        return Attempt(None, None, str(exc), refused=True)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Attempt(None, None, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])


async def _session_post(session: aiohttp.ClientSession, job: DeliveryJob) -> Attempt:
    headers = _signed_headers(job)
    # Redirects are not followed (as the httpx clients): a 3xx is an answer like any other.
    async with session.post(job.claim.inbox_url, data=job.body, headers=headers, allow_redirects=False) as response:
        received = 0
        async for chunk in response.content.iter_any():
            received += len(chunk)
            if received > MAX_RESPONSE_BYTES:
                break
        status = response.status
        error = "" if is_success(status) else f"HTTP {status} {response.reason}"
        return Attempt(status, response.headers.get("Retry-After"), error[:MAX_ERROR_CHARS])


async def _post_signed(client: httpx.AsyncClient, job: DeliveryJob) -> Attempt:
    url = job.claim.inbox_url
    headers = _signed_headers(job)
    async with client.stream("POST", url, content=job.body, headers=headers) as response:
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > MAX_RESPONSE_BYTES:
                break
        status = response.status_code
        error = "" if is_success(status) else f"HTTP {status} {response.reason_phrase}"
        return Attempt(status, response.headers.get("retry-after"), error[:MAX_ERROR_CHARS])


def _describe(exc: httpx.HTTPError) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


@dataclass
class Outcomes:
    """Results of tries waiting to be written, and how many of each kind were seen."""

    final: list[FinalRow] = field(default_factory=list)
    retries: list[RetryRow] = field(default_factory=list)
    released: dict[datetime, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.final) + len(self.retries) + sum(map(len, self.released.values()))

    def ids(self) -> set[int]:
        """The deliveries whose results wait to be written (their rows are still held)."""
        found = {row.id for row in self.final} | {row.id for row in self.retries}
        return found.union(*self.released.values())

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    # One info line per outcome, as `fediverse-hit serve` and `worker` log it (`--quiet`: none).
    def delivered(self, claim: ClaimedDelivery, status: int) -> None:
        self.final.append(FinalRow(claim.id, claim.lease, claim.attempts + 1, status, "", False))
        self._count("delivered")
        attempt = claim.attempts + 1
        logger.info("delivery %d to %s: delivered, HTTP %d (attempt %d)", claim.id, claim.inbox_url, status, attempt)

    def failed(self, claim: ClaimedDelivery, attempts: int, status: int | None, error: str) -> None:
        self.final.append(FinalRow(claim.id, claim.lease, attempts, status, error, True))
        self._count("failed")
        logger.info("delivery %d to %s: given up at attempt %d: %s", claim.id, claim.inbox_url, attempts, error)

    def retry(self, claim: ClaimedDelivery, attempts: int, at: datetime, status: int | None, error: str) -> None:
        self.retries.append(RetryRow(claim.id, claim.lease, attempts, at, status, error))
        kind = "retried" if attempts > claim.attempts else "deferred"
        self._count(kind)
        logger.info(
            "delivery %d to %s: %s to %s: %s", claim.id, claim.inbox_url, kind, at.isoformat(timespec="seconds"), error
        )

    def release(self, claim: ClaimedDelivery) -> None:
        self.released.setdefault(claim.lease, []).append(claim.id)
        self._count("released")

    async def flush(self, book: HostHealthBook, now: datetime, lease: datetime | None = None) -> None:
        """Write every pending result and host change, a few statements in all.

        `lease` replaces the rows' own lease tokens (a pool that renews its claims passes its
        current one). A write that raises leaves its results (and those after it) pending for
        the next flush: every write is guarded by the lease, so writing late or twice is safe.
        """
        final, self.final = self.final, []
        try:
            await record_final(_with_lease(final, lease), now)
        except BaseException:
            self.final = final + self.final
            raise
        retries, self.retries = self.retries, []
        try:
            await record_retries(_with_lease(retries, lease))
        except BaseException:
            self.retries = retries + self.retries
            raise
        while self.released:
            token, ids = next(iter(self.released.items()))
            await release_deliveries(ids, lease or token)
            del self.released[token]
        await book.flush()


_Row = TypeVar("_Row", FinalRow, RetryRow)


def _with_lease(rows: list[_Row], lease: datetime | None) -> list[_Row]:
    return rows if lease is None else [replace(row, lease=lease) for row in rows]


async def attempt_delivery(
    client: DeliveryClient,
    job: DeliveryJob,
    book: HostHealthBook,
    outcomes: Outcomes,
    clock: Clock,
    rng: random.Random,
) -> None:
    """Send one job unless its host's circuit is open or the host is unavailable; fold the
    result into `outcomes` (to be written later) and into the host's health."""
    claim = job.claim
    gate, until = book.gate(claim.host, clock())
    if gate is Gate.UNAVAILABLE:
        outcomes.failed(claim, claim.attempts, None, f"host {claim.host} is unavailable")
        return
    if gate is Gate.DEFER:
        assert until is not None
        later = until + timedelta(seconds=rng.uniform(0, 10))
        outcomes.retry(claim, claim.attempts, later, None, f"circuit open for {claim.host}")
        return
    attempt = await post_delivery(client, job)
    now = clock()
    book.record(claim.host, attempt.status, now)
    attempts = claim.attempts + 1
    if attempt.status is not None and is_success(attempt.status):
        outcomes.delivered(claim, attempt.status)
        return
    if attempt.refused:
        outcomes.failed(claim, attempts, None, f"not retried: {attempt.error}")
        return
    decision = next_retry(attempts, attempt.status, attempt.retry_after, now, rng)
    if decision.retry_at is None:
        reason = f"{decision.give_up} ({attempt.error})" if attempt.error else decision.give_up
        outcomes.failed(claim, attempts, attempt.status, reason or "")
    else:
        outcomes.retry(claim, attempts, decision.retry_at, attempt.status, attempt.error)
