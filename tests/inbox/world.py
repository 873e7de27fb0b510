"""The people of the handler tests: Alice is local; Zoe and Mallory share a remote server, so
Mallory passes the origin checks of acceptance and only the handlers stand between her and
Zoe's things. The `world` fixture (registered in conftest.py) and the helpers the tests share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from fediverse_hit.store.contributions import new_local_id
from fediverse_hit.store.models import Actor, Contribution, OutgoingActivity
from fediverse_hit.store.notifications import list_notifications
from tests.inbox_harness import InboxHarness, RemotePerson


@dataclass
class World:
    alice: Actor
    zoe: RemotePerson
    mallory: RemotePerson
    zoe_here: Actor
    mallory_here: Actor


@pytest.fixture
async def world(inbox: InboxHarness) -> World:
    alice = await inbox.local_person("alice")
    zoe, mallory = inbox.network.person("zoe"), inbox.network.person("mallory")
    return World(alice, zoe, mallory, await inbox.remote_actor(zoe), await inbox.remote_actor(mallory))


async def local_post(author: Actor, inbox: InboxHarness, visibility: str = "public") -> Contribution:
    local_id = new_local_id()
    return await Contribution.create(
        uri=inbox.urls.contribution(local_id), local_id=local_id, author=author, local=True,
        content_html="<p>Alice's post</p>", visibility=visibility, published_at=datetime.now(UTC),
    )


async def zoe_note_stored(inbox: InboxHarness, world: World, **fields: object) -> dict[str, object]:
    """Alice follows Zoe, and Zoe's note 1 is stored here through its Create."""
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1, **fields)
    await inbox.deliver(world.zoe.create(note), world.zoe)
    return note


async def notification_kinds(person: Actor) -> list[str]:
    """The kinds of `person`'s notifications, newest first."""
    return [n.kind for n in await list_notifications(person, before_id=None, limit=50)]


async def sent_types() -> list[str]:
    return [json.loads(row.body)["type"] for row in await OutgoingActivity.all().order_by("id")]


async def stored(uri: object) -> Contribution | None:
    """The live contribution at `uri`, if any."""
    return await Contribution.get_or_none(uri=uri, deleted_at=None)
