"""How remote hosts answer our deliveries: a per-host circuit breaker and unavailable marking.

Circuit breaker: after `FAILURE_THRESHOLD` consecutive failures the circuit opens for a window
(1 min, doubling per further failure, at most 1 h) during which deliveries to the host are
deferred, not tried; then one probe is let through (half-open). Mastodon does the same with
Stoplight in `ActivityPub::DeliveryWorker` (threshold 10, cool-off 60 s).
Unavailable: a host that failed on 7 distinct UTC days with no success in between is marked
unavailable and gets nothing until it sends us a valid signed request (`mark_host_available`);
Mastodon's `DeliveryFailureTracker` (FAILURE_DAYS_THRESHOLD = 7) and `UnavailableDomain`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from fediverse_hit.federation.ttl_cache import TtlCache
from fediverse_hit.protocol.signature_primitives import authority_of
from fediverse_hit.store.deliveries import (
    clear_host_health,
    count_host_failure,
    load_host_health,
    mark_host_unavailable,
    open_host_circuit,
)
from fediverse_hit.store.models import HostHealth

FAILURE_THRESHOLD = 5
CIRCUIT_WINDOW = timedelta(minutes=1)
CIRCUIT_MAX_WINDOW = timedelta(hours=1)
PROBE_WAIT = timedelta(seconds=30)
UNAVAILABLE_DAYS = 7
CACHE_SECONDS = 30.0


def host_of(url: str) -> str:
    """The host key of a URL: lower-case host, `:port` unless it is the scheme's default."""
    return authority_of(url)


def is_host_failure(status: int | None) -> bool:
    """Whether a try says the host itself is in trouble: no answer, 5xx, 408 or 429.

    Other 4xx answers (401, 404, 410…) come from a working server and leave its health alone.
    """
    return status is None or status >= 500 or status in (408, 429)


def circuit_end(failures: int, now: datetime) -> datetime:
    """When a circuit opened at `now` after `failures` consecutive failures closes again."""
    doublings = min(failures - FAILURE_THRESHOLD, 10)
    return now + min(CIRCUIT_WINDOW * (1 << doublings), CIRCUIT_MAX_WINDOW)


class Gate(Enum):
    """What to do with a delivery to a host right now."""

    SEND = "send"
    DEFER = "defer"
    UNAVAILABLE = "unavailable"


@dataclass
class HostState:
    """One host's health as this worker knows it (a HostHealth row plus the half-open probe)."""

    host: str
    consecutive_failures: int = 0
    failure_days: set[str] = field(default_factory=set)
    circuit_open_until: datetime | None = None
    unavailable_since: datetime | None = None
    probing: bool = False
    loaded_at: float = 0.0

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures == 0 and self.unavailable_since is None

    def gate(self, now: datetime) -> tuple[Gate, datetime | None]:
        """SEND, DEFER with the time to try again, or UNAVAILABLE."""
        if self.unavailable_since is not None:
            return Gate.UNAVAILABLE, None
        if self.circuit_open_until is not None and now < self.circuit_open_until:
            return Gate.DEFER, self.circuit_open_until
        if self.consecutive_failures >= FAILURE_THRESHOLD:
            if self.probing:
                return Gate.DEFER, now + PROBE_WAIT
            self.probing = True
        return Gate.SEND, None

    def record_success(self) -> None:
        """Any success forgets every failure."""
        self.consecutive_failures = 0
        self.failure_days = set()
        self.circuit_open_until = None
        self.unavailable_since = None
        self.probing = False

    def record_failure(self, now: datetime) -> None:
        """Count a failure: maybe open the circuit, maybe mark the host unavailable."""
        self.probing = False
        self.consecutive_failures += 1
        self.failure_days.add(now.date().isoformat())
        if self.consecutive_failures >= FAILURE_THRESHOLD:
            self.circuit_open_until = circuit_end(self.consecutive_failures, now)
        if len(self.failure_days) >= UNAVAILABLE_DAYS and self.unavailable_since is None:
            self.unavailable_since = now


def state_from_row(row: HostHealth | None, host: str) -> HostState:
    """A HostState from its stored row (or a clean one)."""
    if row is None:
        return HostState(host=host, loaded_at=time.monotonic())
    return HostState(
        host=host,
        consecutive_failures=row.consecutive_failures,
        failure_days=set(row.failure_days or []),
        circuit_open_until=row.circuit_open_until,
        unavailable_since=row.unavailable_since,
        loaded_at=time.monotonic(),
    )


class HostHealthBook:
    """A worker's view of host health: read in bulk per batch, changed in memory at once, and
    each change also counted in the database by `flush`, one atomic statement per change (never
    a copy written back), so workers sending to one host add their failures up.

    Healthy hosts that keep succeeding cost no writes at all, the common case.
    """

    def __init__(self) -> None:
        self._states: dict[str, HostState] = {}
        self._changes: list[tuple[str, datetime | None]] = []  # (host, failed at) or (host, None): a success

    async def refresh(self, hosts: set[str]) -> None:
        """Load the rows of hosts not known, or known for longer than the cache time."""
        stale = time.monotonic() - CACHE_SECONDS
        pending = {host for host, _ in self._changes}
        wanted = {
            host
            for host in hosts
            if host not in pending and (host not in self._states or self._states[host].loaded_at < stale)
        }
        if not wanted:
            return
        rows = await load_host_health(wanted)
        for host in wanted:
            fresh = state_from_row(rows.get(host), host)
            old = self._states.get(host)
            fresh.probing = old.probing if old is not None else False
            self._states[host] = fresh

    def state(self, host: str) -> HostState:
        """The state of `host` (clean if never loaded)."""
        if host not in self._states:
            self._states[host] = HostState(host=host, loaded_at=time.monotonic())
        return self._states[host]

    def gate(self, host: str, now: datetime) -> tuple[Gate, datetime | None]:
        """Whether a delivery to `host` may go now (see HostState.gate)."""
        return self.state(host).gate(now)

    def record(self, host: str, status: int | None, now: datetime) -> None:
        """Fold one try's result into the host's state (and queue the change for `flush`)."""
        state = self.state(host)
        if status is not None and 200 <= status < 300:
            if not state.healthy or state.failure_days or state.circuit_open_until:
                state.record_success()
                self._changes.append((host, None))
            state.probing = False
        elif is_host_failure(status):
            state.record_failure(now)
            self._changes.append((host, now))
            _RECENTLY_HEALTHY.forget(host)
        else:
            state.probing = False

    async def flush(self) -> None:
        """Apply every queued change to the database, in order; a change whose write raised
        stays queued (with those after it) for the next flush."""
        while self._changes:
            host, failed_at = self._changes[0]
            if failed_at is None:
                await clear_host_health([host])
            else:
                await self._count_failure(host, failed_at)
            self._changes.pop(0)

    async def _count_failure(self, host: str, now: datetime) -> None:
        """Count one failure in the database and adopt the combined count of every worker.

        Failures of this worker not yet written are already in its own count, so the count
        kept is the larger of the two: adopting a smaller database count while later changes
        wait would reopen a closing circuit for a moment."""
        stored, days = await count_host_failure(host, now.date().isoformat(), now)
        state = self.state(host)
        state.failure_days |= set(days)
        if stored > state.consecutive_failures:  # other workers failed on this host too
            state.consecutive_failures = stored
            if stored >= FAILURE_THRESHOLD:
                state.circuit_open_until = circuit_end(stored, now)
        if stored >= FAILURE_THRESHOLD:
            await open_host_circuit(host, stored, circuit_end(stored, now))
        if len(days) >= UNAVAILABLE_DAYS:
            state.unavailable_since = state.unavailable_since or now
            await mark_host_unavailable(host, state.unavailable_since)


# Hosts this process recently found with nothing to clear: the inbox calls mark_host_available
# on every request, and a busy peer should not cost a query each time.
_RECENTLY_HEALTHY: TtlCache[str, bool] = TtlCache(ttl=60)


async def mark_host_available(host: str) -> None:
    """Forget the failures of `host` (as `host_of` gives it), e.g. because it just sent us a
    validly signed request: it is up again. Costs one read when there is nothing to clear,
    and nothing when this process checked the host within the last minute."""
    if _RECENTLY_HEALTHY.get(host):
        return
    row = (await load_host_health([host])).get(host)
    if row is not None and (row.consecutive_failures or row.unavailable_since or row.failure_days):
        await clear_host_health([host])
    _RECENTLY_HEALTHY.put(host, True)
