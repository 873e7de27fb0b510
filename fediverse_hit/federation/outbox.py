"""Fan-out: turn one outgoing activity into one durable delivery per distinct target inbox.

The activity is serialized once; the stored text is exactly the body every delivery POSTs and
signs. Shared inboxes are preferred and deduplicated, as Mastodon does
(`ActivityPub::DeliveryWorker` callers use `inboxes_for`-style `DISTINCT COALESCE(shared_inbox_url,
inbox_url)`). Nothing goes to blocked domains, unavailable hosts, or our own origin.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.store.change_feed import WORK, publish_change
from fediverse_hit.store.deliveries import (
    blocked_domains,
    store_outgoing_activity,
    unavailable_hosts,
)
from fediverse_hit.store.models import Actor, OutgoingActivity


def serialize_activity(activity: Mapping[str, Any]) -> str:
    """The activity as the JSON text we store, sign and send (UTF-8, compact)."""
    return json.dumps(activity, ensure_ascii=False, separators=(",", ":"))


def inboxes_for(actors: Iterable[Actor]) -> list[str]:
    """The inboxes reaching `actors`: each remote actor's shared inbox if it has one, else its
    own; deduplicated, in first-seen order. Local and deleted actors are skipped."""
    seen: dict[str, None] = {}
    for actor in actors:
        if actor.local or actor.deleted_at is not None:
            continue
        inbox = actor.shared_inbox or actor.inbox
        if inbox:
            seen.setdefault(inbox, None)
    return list(seen)


def is_blocked(host: str, blocked: Iterable[str]) -> bool:
    """Whether `host` (host[:port]) is blocked: a block on a bare domain covers its subdomains and
    every port; a block with a port covers only that host and port."""
    name = (urlsplit(f"//{host}").hostname or host).lower()
    return any(
        host.lower() == domain or name == domain or name.endswith("." + domain) for domain in blocked
    )


async def enqueue_activity(
    activity: Mapping[str, Any], sender: Actor, inboxes: Iterable[str]
) -> OutgoingActivity:
    """Store `activity` (by its `id`) with one pending delivery per distinct eligible inbox.

    Idempotent by activity id: a second call keeps the stored body and adds only deliveries to
    inboxes not yet targeted. Wakes an in-process worker.
    """
    activity_id = activity.get("id")
    if not isinstance(activity_id, str) or not activity_id:
        raise ValidationFailed("An activity to deliver needs an id.")
    own_host = host_of(sender.uri)
    blocked = [domain.lower() for domain in await blocked_domains()]
    targets: dict[str, str] = {}
    for url in inboxes:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        host = host_of(url)
        if host != own_host and not is_blocked(host, blocked):
            targets.setdefault(url, host)
    down = await unavailable_hosts(targets.values())
    eligible = [(url, host) for url, host in targets.items() if host not in down]
    now = datetime.now(UTC)
    stored = await store_outgoing_activity(
        activity_id, sender.id, serialize_activity(activity), eligible, now
    )
    if eligible:
        await publish_change(WORK)
    return stored
