"""Notifications and like/boost queries on a real (throwaway) database: who is told, once;
counts that skip deleted replies; idempotent adding; removing only one's own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fediverse_hit.services.notifications import list_notifications, mark_all_read, notify, unread_count, withdraw
from fediverse_hit.services.remote_contributions import mark_remote_deleted
from fediverse_hit.store.interactions import (
    Counts,
    add_boost,
    add_like,
    boosted_by,
    interaction_counts,
    liked_by,
    likers,
    remove_boost,
    remove_like,
    remove_like_by_activity,
)
from fediverse_hit.store.models import Actor, Block, Contribution

pytestmark = pytest.mark.anyio



async def person(name: str, *, local: bool = True) -> Actor:
    domain = "hit.test" if local else "remote.example"
    return await Actor.create(uri=f"http://{domain}/users/{name}", username=name, domain=domain, local=local,
                              followers_url=f"http://{domain}/users/{name}/followers")


async def post(author: Actor, number: int, **fields: object) -> Contribution:
    return await Contribution.create(uri=f"{author.uri}/posts/{number}", author=author, local=author.local,
                                     published_at=datetime.now(UTC), **fields)


async def test_notify_tells_live_local_people_once_and_never_themselves(db: None) -> None:
    alice, bob, remote = await person("alice"), await person("bob"), await person("rem", local=False)
    assert await notify(alice, "follow", bob) is not None
    assert await notify(alice, "follow", bob) is None  # no contribution: NULL in the unique key
    assert await notify(alice, "follow", alice) is None
    assert await notify(remote, "follow", alice) is None
    alice_post = await post(alice, 1)
    assert await notify(alice, "like", bob, alice_post) is not None
    assert await notify(alice, "like", bob, alice_post) is None
    assert [n.kind for n in await list_notifications(alice)] == ["like", "follow"]
    bob.deleted_at = datetime.now(UTC)
    await bob.save()
    assert await notify(bob, "follow", alice) is None


async def test_notify_refuses_unknown_kinds_and_blocked_senders(db: None) -> None:
    alice, bob = await person("alice"), await person("bob")
    with pytest.raises(ValueError):
        await notify(alice, "poke", bob)
    await Block.create(blocker=alice, blocked=bob, activity_uri="http://hit.test/blocks/1")
    assert await notify(alice, "follow", bob) is None


async def test_unread_count_paging_and_mark_all_read(db: None) -> None:
    alice = await person("alice")
    senders = [await person(f"fan{i}") for i in range(5)]
    for sender in senders:
        await notify(alice, "follow", sender)
    assert await unread_count(alice) == 5
    first = await list_notifications(alice, limit=2)
    assert [n.from_actor.username for n in first] == ["fan4", "fan3"]
    rest = await list_notifications(alice, before_id=first[-1].id, limit=10)
    assert [n.from_actor.username for n in rest] == ["fan2", "fan1", "fan0"]
    assert await mark_all_read(alice) == 5
    assert await unread_count(alice) == 0


async def test_likes_and_boosts_are_idempotent_and_counted(db: None) -> None:
    alice, bob, carol = await person("alice"), await person("bob"), await person("carol", local=False)
    first, second = await post(alice, 1), await post(alice, 2)
    assert (await add_like(bob, first, "http://hit.test/likes/1"))[1] is True
    assert (await add_like(bob, first, "http://hit.test/likes/1-again"))[1] is False
    await add_like(carol, first, "http://remote.example/likes/9")
    await add_boost(carol, second, "http://remote.example/announces/1")
    await post(bob, 3, in_reply_to=first)
    await post(bob, 4, in_reply_to=first, deleted_at=datetime.now(UTC))
    counted = await interaction_counts([first.id, second.id])
    assert counted == {first.id: Counts(replies=1, likes=2, shares=0), second.id: Counts(replies=0, likes=0, shares=1)}
    assert await liked_by(bob, [first.id, second.id]) == {first.id}
    assert await boosted_by(carol, [first.id, second.id]) == {second.id}
    assert [a.username for a in await likers(first, 0, 10)] == ["carol", "bob"]
    assert await interaction_counts([]) == {}


async def test_removing_takes_back_only_ones_own(db: None) -> None:
    alice, bob, mallory = await person("alice"), await person("bob"), await person("mallory", local=False)
    liked = await post(alice, 1)
    await add_like(bob, liked, "http://hit.test/likes/1")
    await notify(alice, "like", bob, liked)
    assert await remove_like_by_activity(mallory, "http://hit.test/likes/1") is None
    assert await remove_like(mallory, liked) is False
    assert await remove_like_by_activity(bob, "http://hit.test/likes/1") == liked.id
    await withdraw("like", bob, liked.id)
    assert await list_notifications(alice) == []
    assert await remove_boost(bob, liked) is False


async def test_only_the_author_deletes_and_unknown_uris_become_tombstones(db: None) -> None:
    alice, mallory = await person("alice", local=False), await person("mallory", local=False)
    kept = await post(alice, 1)
    assert await mark_remote_deleted(kept.uri, mallory) is None
    assert (await Contribution.get(id=kept.id)).deleted_at is None
    assert (await mark_remote_deleted(kept.uri, alice)) is not None
    assert (await Contribution.get(id=kept.id)).deleted_at is not None
    tombstone = await mark_remote_deleted(f"{alice.uri}/posts/unknown", alice)
    assert tombstone is not None and tombstone.deleted_at is not None and tombstone.content_html == ""
