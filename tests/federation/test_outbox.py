"""Fan-out (federation/outbox.py): one delivery per distinct eligible inbox, body stored once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fediverse_hit.federation.outbox import (
    enqueue_activity,
    inboxes_for,
    serialize_activity,
)
from fediverse_hit.store.deliveries import list_deliveries
from fediverse_hit.store.models import (
    Actor,
    Delivery,
    DomainBlock,
    HostHealth,
    OutgoingActivity,
)
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import activity

pytestmark = pytest.mark.anyio


def remote(name: str, host: str, shared: bool = True) -> Actor:
    """An unsaved remote actor on `host`."""
    return Actor(
        uri=f"https://{host}/users/{name}",
        username=name,
        domain=host,
        inbox=f"https://{host}/users/{name}/inbox",
        shared_inbox=f"https://{host}/inbox" if shared else "",
    )


def test_inboxes_for_prefers_and_deduplicates_shared_inboxes() -> None:
    actors = [
        remote("ann", "a.example"),
        remote("bob", "a.example"),
        remote("cy", "b.example", shared=False),
        remote("dee", "c.example"),
        remote("eve", "a.example"),
    ]
    assert inboxes_for(actors) == [
        "https://a.example/inbox",
        "https://b.example/users/cy/inbox",
        "https://c.example/inbox",
    ]


def test_inboxes_for_skips_local_and_deleted_actors() -> None:
    local = remote("me", "hit.test")
    local.local = True
    gone = remote("old", "d.example")
    gone.deleted_at = datetime.now(UTC)
    assert inboxes_for([local, gone, remote("ok", "e.example")]) == ["https://e.example/inbox"]


async def test_enqueue_makes_one_delivery_per_distinct_inbox(sender: Actor) -> None:
    document = activity()
    inboxes = ["https://a.example/inbox", "https://b.example/inbox", "https://a.example/inbox"]
    stored = await enqueue_activity(document, sender, inboxes)
    deliveries = await list_deliveries(stored)
    assert [d.inbox_url for d in deliveries] == ["https://a.example/inbox", "https://b.example/inbox"]
    assert [d.host for d in deliveries] == ["a.example", "b.example"]
    assert all(d.state == "pending" and d.attempts == 0 for d in deliveries)
    assert stored.body == serialize_activity(document)
    assert json.loads(stored.body) == document


async def test_enqueue_skips_blocked_domains_and_subdomains(sender: Actor) -> None:
    await DomainBlock.create(domain="spam.example")
    await DomainBlock.create(domain="127.0.0.1:9999")
    inboxes = [
        "https://spam.example/inbox",
        "https://eu.spam.example/inbox",
        "https://notspam.example/inbox",
        "http://127.0.0.1:9999/inbox",
        "http://127.0.0.1:9998/inbox",
    ]
    stored = await enqueue_activity(activity(), sender, inboxes)
    hosts = [d.host for d in await list_deliveries(stored)]
    assert hosts == ["notspam.example", "127.0.0.1:9998"]


async def test_enqueue_skips_our_own_origin_and_bad_urls(sender: Actor) -> None:
    inboxes = ["http://hit.test/inbox", "http://hit.test/users/bob/inbox", "ftp://x.example/inbox", "https://ok.example/inbox"]
    stored = await enqueue_activity(activity(), sender, inboxes)
    assert [d.inbox_url for d in await list_deliveries(stored)] == ["https://ok.example/inbox"]


async def test_enqueue_skips_unavailable_hosts(sender: Actor) -> None:
    await HostHealth.create(host="down.example", unavailable_since=datetime.now(UTC), failure_days=[])
    stored = await enqueue_activity(activity(), sender, ["https://down.example/inbox", "https://up.example/inbox"])
    assert [d.host for d in await list_deliveries(stored)] == ["up.example"]


async def test_enqueue_is_idempotent_by_activity_id(sender: Actor) -> None:
    document = activity()
    first = await enqueue_activity(document, sender, ["https://a.example/inbox"])
    changed = {**document, "object": {"type": "Note", "content": "changed"}}
    again = await enqueue_activity(changed, sender, ["https://a.example/inbox", "https://b.example/inbox"])
    assert again.id == first.id
    assert again.body == serialize_activity(document)  # the stored, signed body never changes
    assert await OutgoingActivity.filter(activity_id=document["id"]).count() == 1
    assert [d.inbox_url for d in await list_deliveries(again)] == [
        "https://a.example/inbox",
        "https://b.example/inbox",
    ]
    assert await Delivery.all().count() == 2


async def test_enqueue_needs_an_activity_id(sender: Actor) -> None:
    from fediverse_hit.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        await enqueue_activity({"type": "Create"}, sender, ["https://a.example/inbox"])
