"""Helpers for the inbound contribution tests (imported by them; no tests here).

The tests drive a real instance through its inbox with an independent peer, then read what the
instance stored straight from its database (SQLite file or PostgreSQL), in a thread of their own
with Tortoise opened for the moment of the read.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.contributions import new_local_id
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.interactions import Counts, interaction_counts
from fediverse_hit.store.models import Actor, Contribution, InboxItem
from fediverse_hit.store.notifications import list_notifications
from tests.instances import Instance
from tests.peer import Peer

T = TypeVar("T")
PASSWORD = "correct horse battery"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PROCESS_TIMEOUT = 30.0


def in_db(instance: Instance, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` against the instance's database, in a thread with its own event loop."""

    async def run() -> T:
        await open_database(instance.database_url)
        try:
            return await work()
        finally:
            await close_database()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def wait_processed(instance: Instance, activity_id: str) -> None:
    """Wait until the worker has processed the inbox item; fail at once on a handler error."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while time.monotonic() < deadline:
        item = in_db(instance, lambda: InboxItem.get_or_none(activity_id=activity_id))
        if item is not None and item.last_error:
            raise AssertionError(f"processing {activity_id} failed: {item.last_error}")
        if item is not None and item.state == "done":
            return
        time.sleep(0.1)
    raise AssertionError(f"{activity_id} not processed within {PROCESS_TIMEOUT:.0f} s")


def deliver(peer: Peer, instance: Instance, activity: dict[str, Any], path: str = "/inbox") -> None:
    """POST `activity` signed by `peer` and wait until the instance has processed it."""
    response = peer.signed_post(instance.url(path), activity)
    assert response.status_code == 202, response.text
    wait_processed(instance, activity["id"])


def create_user(instance: Instance, username: str) -> str:
    instance.cli("user", "create", username, "--password", PASSWORD)
    return instance.url(f"/users/{username}")


def follow_peer(instance: Instance, peer: Peer, username: str) -> None:
    """`username` follows the peer through the client-to-server outbox; the peer accepts."""
    token = instance.cli("token", "create", username).stdout.strip().splitlines()[-1]
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow", "object": peer.actor_id}
    outbox = instance.url(f"/users/{username}/outbox")
    assert httpx.post(outbox, json=follow, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    _, _, body = peer.wait_for_activity("Follow")
    ours = json.loads(body)
    accept = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.actor_id}#accepts/{username}",
        "type": "Accept",
        "actor": peer.actor_id,
        "object": ours,
    }
    deliver(peer, instance, accept)


def local_contribution(instance: Instance, username: str, text: str = "<p>A local record</p>") -> str:
    """A public contribution of a local person, written straight into the instance's database."""
    urls = InstanceUrls(scheme="http", domain=instance.domain)

    async def make() -> str:
        author = await Actor.get(uri=urls.user(username))
        local_id = new_local_id()
        await Contribution.create(
            uri=urls.contribution(local_id), local_id=local_id, author=author, local=True,
            content_html=text, visibility="public", published_at=datetime.now(UTC),
        )
        return urls.contribution(local_id)

    return in_db(instance, make)


def note(peer: Peer, number: int, content: str = "<p>Hello from the peer</p>", **fields: Any) -> dict[str, Any]:
    """A public Note by the peer, in Mastodon's shape."""
    return {
        "id": f"{peer.actor_id}/statuses/{number}",
        "type": "Note",
        "attributedTo": peer.actor_id,
        "content": content,
        "published": "2026-11-01T10:00:00Z",
        "to": [PUBLIC],
        "cc": [f"{peer.actor_id}/followers"],
        **fields,
    }


def create(peer: Peer, obj: dict[str, Any], suffix: str = "") -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{obj['id']}/activity{suffix}",
        "type": "Create",
        "actor": peer.actor_id,
        "to": obj.get("to", []),
        "cc": obj.get("cc", []),
        "object": obj,
    }


def stored(instance: Instance, uri: str) -> Contribution | None:
    """The stored contribution with its tags, attachments, mentions and versions loaded."""
    return in_db(
        instance,
        lambda: Contribution.get_or_none(uri=uri).prefetch_related(
            "author", "tags", "attachments", "mentions__actor", "versions", "in_reply_to"
        ),
    )


def notifications(instance: Instance, username: str) -> list[tuple[str, str, str | None]]:
    """(kind, from actor IRI, contribution IRI) of a local person's notifications, newest first."""
    urls = InstanceUrls(scheme="http", domain=instance.domain)

    async def read() -> list[tuple[str, str, str | None]]:
        recipient = await Actor.get(uri=urls.user(username))
        rows = await list_notifications(recipient, before_id=None, limit=50)
        return [(n.kind, n.from_actor.uri, n.contribution.uri if n.contribution else None) for n in rows]

    return in_db(instance, read)


def counts(instance: Instance, uri: str) -> Counts:
    async def read() -> Counts:
        contribution = await Contribution.get(uri=uri)
        return (await interaction_counts([contribution.id]))[contribution.id]

    return in_db(instance, read)
