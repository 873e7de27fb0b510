"""Named queries over outgoing activities, their deliveries, remote hosts' health and domain blocks.

Results of a batch of tries are written in bulk (one statement per outcome kind), each guarded by
the claim's lease (see `job_claims`), so the worker makes a few round trips per batch, not per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from fediverse_hit.store.job_claims import claim_due_rows, database, execute_many, is_postgres, placeholders
from fediverse_hit.store.models import (
    ActorKey,
    Delivery,
    DomainBlock,
    HostHealth,
    OutgoingActivity,
)

DELIVERING = "delivering"
_CLAIM_COLUMNS = ("id", "activity_id", "inbox_url", "host", "attempts", "locked_until")
_CHUNK = 500


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery row claimed by this worker until `lease` (also the claim's token)."""

    id: int
    activity_pk: int
    inbox_url: str
    host: str
    attempts: int
    lease: datetime


@dataclass(frozen=True)
class RetryRow:
    """A failed try to record: the row goes back to pending, due at `next_attempt_at`."""

    id: int
    lease: datetime
    attempts: int
    next_attempt_at: datetime
    status: int | None
    error: str


@dataclass(frozen=True)
class FinalRow:
    """A try with a final result: delivered (`failed=False`) or given up."""

    id: int
    lease: datetime
    attempts: int
    status: int | None
    error: str
    failed: bool


async def find_outgoing_activity(activity_id: str) -> OutgoingActivity | None:
    """The outgoing activity with this id IRI."""
    return await OutgoingActivity.get_or_none(activity_id=activity_id)


async def store_outgoing_activity(
    activity_id: str, sender_id: int, body: str, targets: Sequence[tuple[str, str]], now: datetime
) -> OutgoingActivity:
    """Create the activity (or reuse the one with this id) and a pending delivery per
    (inbox_url, host) target not yet present, all in one transaction."""
    async with in_transaction():
        activity, _ = await OutgoingActivity.get_or_create(
            activity_id=activity_id, defaults={"sender_id": sender_id, "body": body}
        )
        known = {str(url) for url in await Delivery.filter(activity=activity).values_list("inbox_url", flat=True)}
        rows = [
            Delivery(activity=activity, inbox_url=url, host=host, next_attempt_at=now)
            for url, host in targets
            if url not in known
        ]
        await Delivery.bulk_create(rows, batch_size=_CHUNK)
    return activity


async def find_signing_key(actor_id: int) -> tuple[str, str] | None:
    """(keyId, private PEM) of the newest unrevoked RSA key of local actor `actor_id`."""
    row = (
        await ActorKey.filter(actor_id=actor_id, algorithm="rsa", revoked_at=None)
        .exclude(private_pem=None)
        .order_by("-id")
        .first()
    )
    return (row.key_id, row.private_pem) if row is not None and row.private_pem else None


async def list_deliveries(activity: OutgoingActivity) -> list[Delivery]:
    """Every delivery of an activity, in creation order."""
    return await Delivery.filter(activity=activity).order_by("id")


async def blocked_domains() -> list[str]:
    """Every blocked domain (blocks are few; callers match hosts and their parents)."""
    return [str(domain) for domain in await DomainBlock.all().values_list("domain", flat=True)]


async def unavailable_hosts(hosts: Iterable[str]) -> set[str]:
    """Those of `hosts` marked unavailable (failing on too many distinct days)."""
    wanted = list(set(hosts))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = await HostHealth.filter(host__in=chunk, unavailable_since__isnull=False).values_list(
            "host", flat=True
        )
        found.update(str(host) for host in rows)
    return found


async def claim_deliveries(now: datetime, lease_until: datetime, limit: int) -> list[ClaimedDelivery]:
    """Claim up to `limit` due deliveries until `lease_until` (see `job_claims`)."""
    rows = await claim_due_rows("deliveries", _CLAIM_COLUMNS, DELIVERING, now, lease_until, limit)
    return [
        ClaimedDelivery(
            id=row["id"],
            activity_pk=row["activity_id"],
            inbox_url=row["inbox_url"],
            host=row["host"],
            attempts=row["attempts"],
            lease=lease_until,
        )
        for row in rows
    ]


async def load_activity_bodies(pks: Iterable[int]) -> list[dict[str, Any]]:
    """`id`, `activity_id`, `sender_id` and `body` of the given outgoing activities."""
    return await OutgoingActivity.filter(id__in=list(set(pks))).values(
        "id", "activity_id", "sender_id", "body"
    )


async def record_final(rows: Sequence[FinalRow], now: datetime) -> None:
    """Mark rows delivered or failed for good; one statement per (lease, status, outcome)."""
    groups: dict[tuple[datetime, int, int | None, str, bool], list[int]] = {}
    for row in rows:
        groups.setdefault((row.lease, row.attempts, row.status, row.error, row.failed), []).append(row.id)
    for (lease, attempts, status, error, failed), ids in groups.items():
        for start in range(0, len(ids), _CHUNK):
            await Delivery.filter(id__in=ids[start : start + _CHUNK], locked_until=lease).update(
                state="failed" if failed else "delivered",
                attempts=attempts,
                last_status=status,
                last_error=error,
                locked_until=None,
                delivered_at=None if failed else now,
            )


async def record_retries(rows: Sequence[RetryRow]) -> None:
    """Put failed or deferred rows back to pending, each due at its own time."""
    await execute_many(
        "UPDATE deliveries SET state = 'pending', attempts = ?, next_attempt_at = ?, "
        "last_status = ?, last_error = ?, locked_until = NULL WHERE id = ? AND locked_until = ?",
        [(r.attempts, r.next_attempt_at, r.status, r.error, r.id, r.lease) for r in rows],
    )


async def release_deliveries(ids: Sequence[int], lease: datetime) -> None:
    """Give claimed rows back untried (due again at once), e.g. on a graceful stop."""
    for start in range(0, len(ids), _CHUNK):
        await Delivery.filter(id__in=ids[start : start + _CHUNK], locked_until=lease).update(
            state="pending", locked_until=None
        )


async def renew_deliveries(ids: Sequence[int], leases: Iterable[datetime], new_lease: datetime) -> None:
    """Extend the claim on rows `ids` still held under one of `leases` to `new_lease`."""
    for start in range(0, len(ids), _CHUNK):
        await Delivery.filter(
            id__in=list(ids[start : start + _CHUNK]), state=DELIVERING, locked_until__in=list(leases)
        ).update(locked_until=new_lease)


async def make_deliveries_due(now: datetime, host: str | None = None) -> int:
    """Make pending deliveries (to `host`, or all) due at `now`, e.g. when an operator knows a
    server is back; returns how many rows changed. Attempts already made still count."""
    query = Delivery.filter(state="pending", next_attempt_at__gt=now)
    if host is not None:
        query = query.filter(host=host)
    return await query.update(next_attempt_at=now)


async def count_deliveries_by_state() -> dict[str, int]:
    """How many deliveries are in each state (for the admin queue page and benchmarks)."""
    rows = await Delivery.all().group_by("state").annotate(count=Count("id")).values("state", "count")
    return {str(row["state"]): int(row["count"]) for row in rows}


async def load_host_health(hosts: Iterable[str]) -> dict[str, HostHealth]:
    """The health rows of those `hosts` that have one."""
    wanted = list(set(hosts))
    found: dict[str, HostHealth] = {}
    for start in range(0, len(wanted), _CHUNK):
        for row in await HostHealth.filter(host__in=wanted[start : start + _CHUNK]):
            found[row.host] = row
    return found


_ADD_DAY = {
    "postgres": "CASE WHEN h.failure_days @> to_jsonb(?::text) THEN h.failure_days "
    "ELSE h.failure_days || to_jsonb(?::text) END",
    "sqlite": "CASE WHEN EXISTS (SELECT 1 FROM json_each(h.failure_days) WHERE value = ?) "
    "THEN h.failure_days ELSE json_insert(h.failure_days, '$[#]', ?) END",
}
_FIRST_DAY = {"postgres": "jsonb_build_array(?::text)", "sqlite": "json_array(?)"}


async def count_host_failure(host: str, day: str, now: datetime) -> tuple[int, list[str]]:
    """Add one failure (on UTC day `day`) to `host`'s row in one statement, so workers counting
    failures of one host at once add up; returns the new count and failing days."""
    db = database()
    dialect = "postgres" if is_postgres(db) else "sqlite"
    sql = (
        "INSERT INTO host_health AS h (host, consecutive_failures, failure_days, updated_at) "
        f"VALUES (?, 1, {_FIRST_DAY[dialect]}, ?) ON CONFLICT (host) DO UPDATE SET "
        f"consecutive_failures = h.consecutive_failures + 1, failure_days = {_ADD_DAY[dialect]}, "
        "updated_at = ? RETURNING consecutive_failures, failure_days"
    )
    rows = await db.execute_query_dict(placeholders(sql, db), [host, day, now, day, day, now])
    days = rows[0]["failure_days"]
    return int(rows[0]["consecutive_failures"]), list(json.loads(days) if isinstance(days, str) else days)


async def open_host_circuit(host: str, failures: int, until: datetime) -> None:
    """Open `host`'s circuit until `until`, unless failures were counted since (the worker that
    counted the newest one sets the window)."""
    await HostHealth.filter(host=host, consecutive_failures=failures).update(circuit_open_until=until)


async def mark_host_unavailable(host: str, since: datetime) -> None:
    """Mark `host` unavailable since `since` (kept if it already was)."""
    await HostHealth.filter(host=host, unavailable_since=None).update(unavailable_since=since)


async def clear_host_health(hosts: Sequence[str]) -> None:
    """Forget every failure of `hosts` (they answered us)."""
    for start in range(0, len(hosts), _CHUNK):
        await HostHealth.filter(host__in=list(hosts[start : start + _CHUNK])).update(
            consecutive_failures=0, failure_days=[], circuit_open_until=None, unavailable_since=None
        )

