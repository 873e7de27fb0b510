"""Guards of the handlers that only a rarer sender reaches: our own server delivering to its own
inbox, a remote server naming one of our posts. Each leaves what is not the sender's alone."""

from __future__ import annotations

import pytest

from fediverse_hit.services.accounts import delete_account
from fediverse_hit.store.models import Account, Actor, ActorKey, Block, Contribution, Follow, Like
from tests.inbox.world import World, local_post, notification_kinds, sent_types
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio


async def test_a_delete_of_a_local_account_delivered_to_our_own_inbox_leaves_the_account(
    inbox: InboxHarness, world: World
) -> None:
    # our Delete(Person) reaching our own inbox (signed with the account's own key, which verifies)
    key = await ActorKey.get(actor=world.alice, algorithm="rsa")
    delete = {"id": f"{world.alice.uri}#delete", "type": "Delete", "actor": world.alice.uri, "object": world.alice.uri}
    response = await inbox.post(delete, world.zoe, private_pem=key.private_pem, key_id=key.key_id)
    assert response.status_code == 202
    assert await inbox.process() == (1, 0)
    assert (await Actor.get(id=world.alice.id)).deleted_at is None


async def test_a_remote_delete_of_a_post_of_ours_leaves_it(inbox: InboxHarness, world: World) -> None:
    post = await local_post(world.alice, inbox)
    await inbox.deliver(world.zoe.activity("Delete", post.uri), world.zoe)
    assert (await Contribution.get(id=post.id)).deleted_at is None


async def test_an_update_of_an_unknown_note_attributed_to_someone_else_is_not_stored(
    inbox: InboxHarness, world: World
) -> None:
    # hostile: Mallory "updates" a note in Zoe's name that nobody here has, to get it stored as Zoe's
    mention = [{"type": "Mention", "href": world.alice.uri}]  # it would concern Alice, whoever wrote it
    forged = world.zoe.note(1, tag=mention, updated="2026-11-02T10:00:00Z")
    await inbox.deliver(world.mallory.activity("Update", forged), world.mallory)
    assert await Contribution.filter(uri=forged["id"]).count() == 0
    assert await notification_kinds(world.alice) == []


async def test_a_like_of_a_followers_only_post_by_a_follower_is_counted_and_notified(
    inbox: InboxHarness, world: World
) -> None:
    post = await local_post(world.alice, inbox, "followers")
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    await inbox.deliver(world.zoe.activity("Like", post.uri), world.zoe)
    assert await Like.filter(contribution=post).values_list("actor__uri", flat=True) == [world.zoe.actor_id]
    assert await notification_kinds(world.alice) == ["like", "follow"]


async def test_a_strangers_reply_to_a_post_of_ours_is_stored_as_its_reply_and_its_author_told(
    inbox: InboxHarness, world: World
) -> None:
    post = await local_post(world.alice, inbox)
    reply = world.zoe.note(1, inReplyTo=post.uri)  # no mention: only the reply links them
    await inbox.deliver(world.zoe.create(reply), world.zoe)
    stored = await Contribution.get(uri=reply["id"])
    assert stored.in_reply_to_id == post.id  # type: ignore[attr-defined]
    assert await notification_kinds(world.alice) == ["reply"]


@pytest.mark.parametrize("followed", ["instance actor", "account that does not exist", "object without id"])
async def test_a_follow_of_anything_but_a_local_person_records_and_answers_nothing(
    inbox: InboxHarness, world: World, followed: str
) -> None:
    target = {
        "instance actor": inbox.urls.instance_actor(),  # local, but an Application: nobody to follow
        "account that does not exist": inbox.urls.user("nobody"),
        "object without id": {"type": "Person", "preferredUsername": "alice"},
    }[followed]
    await inbox.deliver(world.zoe.activity("Follow", target), world.zoe)
    assert await Follow.all().count() == 0
    assert await sent_types() == []


@pytest.mark.parametrize("blocked", ["instance actor", "deleted account"])
async def test_a_block_of_anything_but_a_live_local_person_records_nothing(
    inbox: InboxHarness, world: World, blocked: str
) -> None:
    bob = await inbox.local_person("bob")
    await delete_account(await Account.get(actor_id=bob.id))
    target = {"instance actor": inbox.urls.instance_actor(), "deleted account": bob.uri}[blocked]
    await inbox.deliver(world.zoe.activity("Block", target), world.zoe)
    assert await Block.all().count() == 0
