"""Undo of a follow, like or boost in each shape servers send it: embedded whole, by reference,
with a re-minted id, with only its id, naming its object embedded. Each takes back exactly the
one thing it undoes, and the notification that thing caused."""

from __future__ import annotations

import pytest

from fediverse_hit.store.models import Boost, Contribution, Follow, Like
from tests.inbox.world import World, local_post, notification_kinds
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio


async def _reacted(inbox: InboxHarness, world: World, kinds: list[str]) -> tuple[Contribution, dict[str, dict[str, object]]]:
    """Zoe reacts to Alice's post in each of `kinds` and Mallory likes it."""
    post = await local_post(world.alice, inbox)
    reactions = {kind: world.zoe.activity(kind, post.uri) for kind in kinds}
    for reaction in reactions.values():
        await inbox.deliver(reaction, world.zoe)
    await inbox.deliver(world.mallory.activity("Like", post.uri), world.mallory)
    return post, reactions


async def _reactions(post: Contribution) -> tuple[list[str], list[str]]:
    """Who likes `post`, who boosts it (by IRI, sorted)."""
    likers = await Like.filter(contribution=post).values_list("actor__uri", flat=True)
    boosters = await Boost.filter(contribution=post).values_list("actor__uri", flat=True)
    return sorted(str(uri) for uri in likers), sorted(str(uri) for uri in boosters)


@pytest.mark.parametrize("by_reference", [False, True])
async def test_undoing_a_like_leaves_the_boost_of_the_same_person_and_its_notification(
    inbox: InboxHarness, world: World, by_reference: bool
) -> None:
    post, zoe = await _reacted(inbox, world, ["Like", "Announce"])
    undone = zoe["Like"]["id"] if by_reference else zoe["Like"]
    await inbox.deliver(world.zoe.activity("Undo", undone), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id], [world.zoe.actor_id])
    assert await notification_kinds(world.alice) == ["like", "boost"]  # Mallory's like, Zoe's boost


@pytest.mark.parametrize("by_reference", [False, True])
async def test_undoing_a_boost_leaves_the_like_of_the_same_person_and_its_notification(
    inbox: InboxHarness, world: World, by_reference: bool
) -> None:
    post, zoe = await _reacted(inbox, world, ["Like", "Announce"])
    undone = zoe["Announce"]["id"] if by_reference else zoe["Announce"]
    await inbox.deliver(world.zoe.activity("Undo", undone), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id, world.zoe.actor_id], [])
    assert await notification_kinds(world.alice) == ["like", "like"]


@pytest.mark.parametrize("kind", ["Like", "Announce"])
async def test_undo_of_a_reaction_with_a_re_minted_id_takes_back_its_notification(
    inbox: InboxHarness, world: World, kind: str
) -> None:
    post, zoe = await _reacted(inbox, world, [kind])
    reminted = {**zoe[kind], "id": f"{world.zoe.actor_id}/reactions/other-id"}  # servers that keep no id
    await inbox.deliver(world.zoe.activity("Undo", reminted), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id], [])
    assert await notification_kinds(world.alice) == ["like"]  # Mallory's


async def test_undo_of_a_like_naming_its_post_as_an_embedded_object_removes_it(inbox: InboxHarness, world: World) -> None:
    post, zoe = await _reacted(inbox, world, ["Like"])
    reminted = {**zoe["Like"], "id": f"{world.zoe.actor_id}/likes/other-id", "object": {"id": post.uri, "type": "Note"}}
    await inbox.deliver(world.zoe.activity("Undo", reminted), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id], [])
    assert await notification_kinds(world.alice) == ["like"]


async def test_undo_of_a_like_given_by_its_id_and_type_alone_removes_it(inbox: InboxHarness, world: World) -> None:
    post, zoe = await _reacted(inbox, world, ["Like"])
    minimal = {"id": zoe["Like"]["id"], "type": "Like", "actor": world.zoe.actor_id}  # no object
    await inbox.deliver(world.zoe.activity("Undo", minimal), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id], [])
    assert await notification_kinds(world.alice) == ["like"]


async def test_undo_of_a_like_of_a_post_not_here_changes_nothing(inbox: InboxHarness, world: World) -> None:
    post, zoe = await _reacted(inbox, world, ["Like"])
    elsewhere = {**zoe["Like"], "id": f"{world.zoe.actor_id}/likes/9", "object": "https://elsewhere.example/notes/1"}
    await inbox.deliver(world.zoe.activity("Undo", elsewhere), world.zoe)
    assert await _reactions(post) == ([world.mallory.actor_id, world.zoe.actor_id], [])
    assert await notification_kinds(world.alice) == ["like", "like"]


async def test_undo_of_a_follow_naming_the_followed_person_as_an_embedded_object_ends_it(
    inbox: InboxHarness, world: World
) -> None:
    # Mastodon reads the Follow's object as an IRI or an object; a Follow in either shape is taken
    follow = world.zoe.activity("Follow", {"id": world.alice.uri, "type": "Person"})
    await inbox.deliver(follow, world.zoe)
    assert await Follow.filter(followed=world.alice).count() == 1
    await inbox.deliver(world.zoe.activity("Undo", follow), world.zoe)
    assert await Follow.filter(followed=world.alice).count() == 0


async def test_an_undo_of_a_follow_whose_object_is_neither_iri_nor_object_is_done_changing_nothing(
    inbox: InboxHarness, world: World
) -> None:
    follow = world.zoe.activity("Follow", world.alice.uri)
    await inbox.deliver(follow, world.zoe)
    await inbox.deliver(world.zoe.activity("Undo", {**follow, "object": [world.alice.uri]}), world.zoe)  # hostile: a list
    assert await Follow.filter(followed=world.alice).count() == 1
