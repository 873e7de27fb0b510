"""Every guard of the inbox handlers (federation/handlers/*), each next to the case it lets
through: the people are those of `tests/inbox/world.py` (Alice here, Zoe and Mallory on one
remote server, so only the handlers stand between Mallory and Zoe's things)."""

from __future__ import annotations

import pytest

from fediverse_hit.services.accounts import delete_account
from fediverse_hit.services.follows import request_follow
from fediverse_hit.store.models import Account, Actor, Block, Boost, Contribution, Follow, InboxItem, Like
from tests.inbox.world import World
from tests.inbox.world import local_post as _local_post
from tests.inbox.world import notification_kinds as _kinds
from tests.inbox.world import sent_types as _sent_types
from tests.inbox.world import stored as _stored
from tests.inbox.world import zoe_note_stored as _zoe_note_stored
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio


# Follow


async def test_follow_of_a_local_person_is_recorded_and_accepted(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    assert await Follow.filter(follower=world.zoe_here, followed=world.alice, state="accepted").count() == 1
    assert await _sent_types() == ["Accept"]


async def test_follow_of_a_person_who_approves_followers_by_hand_stays_pending_unanswered(
    inbox: InboxHarness, world: World
) -> None:
    world.alice.manually_approves_followers = True
    await world.alice.save(update_fields=["manually_approves_followers"])
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    assert await _follow_state() == ["pending"]
    assert await _sent_types() == []
    assert await _kinds(world.alice) == ["follow_request"]


async def test_follow_of_a_deleted_local_account_records_nothing(inbox: InboxHarness, world: World) -> None:
    await delete_account(await Account.get(username="alice"))
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    assert await Follow.all().count() == 0
    assert await _sent_types() == []


async def test_follow_of_someone_not_local_records_nothing(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.mallory.actor_id), world.zoe)
    assert await Follow.all().count() == 0
    assert await _sent_types() == []


async def test_follow_from_someone_blocked_is_rejected(inbox: InboxHarness, world: World) -> None:
    await Block.create(blocker=world.alice, blocked=world.zoe_here)
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    assert await Follow.all().count() == 0
    assert await _sent_types() == ["Reject"]


# Accept and Reject


async def _alice_asks_to_follow_zoe(world: World) -> dict[str, object]:
    follow_id = f"{world.alice.uri}#follows/zoe"
    await request_follow(world.alice, world.zoe_here, follow_id)
    return {"id": follow_id, "type": "Follow", "actor": world.alice.uri, "object": world.zoe.actor_id}


async def _follow_state() -> list[str]:
    return [str(state) for state in await Follow.all().values_list("state", flat=True)]


async def test_accept_by_the_followed_account_makes_the_follow_active(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.zoe.activity("Accept", follow), world.zoe)
    assert await _follow_state() == ["accepted"]


async def test_accept_by_another_actor_changes_nothing(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.mallory.activity("Accept", follow), world.mallory)
    assert await _follow_state() == ["pending"]


async def test_accept_of_something_else_than_a_follow_changes_nothing(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.zoe.activity("Accept", {**follow, "type": "QuoteRequest"}), world.zoe)
    assert await _follow_state() == ["pending"]


async def test_reject_by_the_followed_account_ends_the_follow(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.zoe.activity("Reject", follow), world.zoe)
    assert await _follow_state() == []


async def test_reject_by_another_actor_changes_nothing(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.mallory.activity("Reject", follow), world.mallory)
    assert await _follow_state() == ["pending"]


async def test_reject_of_something_else_than_a_follow_changes_nothing(inbox: InboxHarness, world: World) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.zoe.activity("Reject", {**follow, "type": "QuoteRequest"}), world.zoe)
    assert await _follow_state() == ["pending"]


@pytest.mark.parametrize(("answer", "state"), [("Accept", ["accepted"]), ("Reject", [])])
async def test_an_answer_naming_the_follow_by_its_id_alone_is_matched(
    inbox: InboxHarness, world: World, answer: str, state: list[str]
) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    await inbox.deliver(world.zoe.activity(answer, follow["id"]), world.zoe)
    assert await _follow_state() == state


@pytest.mark.parametrize(("answer", "state"), [("Accept", ["accepted"]), ("Reject", [])])
async def test_an_answer_to_a_follow_whose_id_was_re_minted_is_matched_by_its_follower(
    inbox: InboxHarness, world: World, answer: str, state: list[str]
) -> None:
    follow = await _alice_asks_to_follow_zoe(world)
    re_minted = {**follow, "id": "https://remote.example/follows/4242"}  # servers that keep no Follow id
    await inbox.deliver(world.zoe.activity(answer, re_minted), world.zoe)
    assert await _follow_state() == state


# Undo


async def _both_follow_alice(inbox: InboxHarness, world: World) -> dict[str, object]:
    zoe_follow = world.zoe.activity("Follow", world.alice.uri)
    await inbox.deliver(zoe_follow, world.zoe)
    await inbox.deliver(world.mallory.activity("Follow", world.alice.uri), world.mallory)
    return zoe_follow


async def _followers_of(alice: Actor) -> list[str]:
    return sorted(str(u) for u in await Follow.filter(followed=alice).values_list("follower__uri", flat=True))


async def test_undo_of_ones_own_follow_ends_it(inbox: InboxHarness, world: World) -> None:
    zoe_follow = await _both_follow_alice(inbox, world)
    await inbox.deliver(world.zoe.activity("Undo", zoe_follow), world.zoe)
    assert await _followers_of(world.alice) == [world.mallory.actor_id]


async def test_undo_by_reference_of_ones_own_follow_ends_it(inbox: InboxHarness, world: World) -> None:
    zoe_follow = await _both_follow_alice(inbox, world)
    await inbox.deliver(world.zoe.activity("Undo", zoe_follow["id"]), world.zoe)
    assert await _followers_of(world.alice) == [world.mallory.actor_id]


async def test_undo_of_someone_elses_follow_changes_nothing(inbox: InboxHarness, world: World) -> None:
    zoe_follow = await _both_follow_alice(inbox, world)
    await inbox.deliver(world.mallory.activity("Undo", zoe_follow, "embedded"), world.mallory)
    await inbox.deliver(world.mallory.activity("Undo", zoe_follow["id"], "by-reference"), world.mallory)
    assert await _followers_of(world.alice) == sorted([world.zoe.actor_id, world.mallory.actor_id])


async def _both_react(inbox: InboxHarness, world: World, kind: str) -> tuple[Contribution, dict[str, object]]:
    post = await _local_post(world.alice, inbox)
    zoe_reaction = world.zoe.activity(kind, post.uri)
    await inbox.deliver(zoe_reaction, world.zoe)
    await inbox.deliver(world.mallory.activity(kind, post.uri), world.mallory)
    return post, zoe_reaction


@pytest.mark.parametrize("kind", ["Like", "Announce"])
async def test_undo_of_ones_own_reaction_removes_it_and_its_notification(
    inbox: InboxHarness, world: World, kind: str
) -> None:
    post, zoe_reaction = await _both_react(inbox, world, kind)
    await inbox.deliver(world.zoe.activity("Undo", zoe_reaction), world.zoe)
    model = Like if kind == "Like" else Boost
    assert await model.filter(contribution=post).values_list("actor__uri", flat=True) == [world.mallory.actor_id]
    assert len(await _kinds(world.alice)) == 1


@pytest.mark.parametrize("kind", ["Like", "Announce"])
async def test_undo_by_reference_of_ones_own_reaction_removes_it(inbox: InboxHarness, world: World, kind: str) -> None:
    post, zoe_reaction = await _both_react(inbox, world, kind)
    await inbox.deliver(world.zoe.activity("Undo", zoe_reaction["id"]), world.zoe)
    model = Like if kind == "Like" else Boost
    assert await model.filter(contribution=post).values_list("actor__uri", flat=True) == [world.mallory.actor_id]


@pytest.mark.parametrize("kind", ["Like", "Announce"])
async def test_undo_of_someone_elses_reaction_changes_nothing(inbox: InboxHarness, world: World, kind: str) -> None:
    post, zoe_reaction = await _both_react(inbox, world, kind)
    await inbox.deliver(world.mallory.activity("Undo", zoe_reaction, "embedded"), world.mallory)
    await inbox.deliver(world.mallory.activity("Undo", zoe_reaction["id"], "by-reference"), world.mallory)
    model = Like if kind == "Like" else Boost
    assert await model.filter(contribution=post).count() == 2
    assert len(await _kinds(world.alice)) == 2


async def test_undo_of_a_reaction_with_a_re_minted_id_finds_it_by_actor_and_object(
    inbox: InboxHarness, world: World
) -> None:
    post, zoe_like = await _both_react(inbox, world, "Like")
    reminted = {**zoe_like, "id": f"{world.zoe.actor_id}/likes/other-id"}
    await inbox.deliver(world.zoe.activity("Undo", reminted), world.zoe)
    assert await Like.filter(contribution=post).values_list("actor__uri", flat=True) == [world.mallory.actor_id]


# Like


async def test_like_of_a_public_local_post_is_counted_and_notified(inbox: InboxHarness, world: World) -> None:
    post = await _local_post(world.alice, inbox)
    await inbox.deliver(world.zoe.activity("Like", post.uri), world.zoe)
    assert await Like.filter(contribution=post).count() == 1
    assert await _kinds(world.alice) == ["like"]


async def test_like_of_a_followers_only_post_by_a_non_follower_is_not_counted(inbox: InboxHarness, world: World) -> None:
    post = await _local_post(world.alice, inbox, "followers")
    await inbox.deliver(world.zoe.activity("Like", post.uri), world.zoe)
    assert await Like.filter(contribution=post).count() == 0
    assert await _kinds(world.alice) == []


async def test_like_of_a_remote_post_is_not_counted_here(inbox: InboxHarness, world: World) -> None:
    note = await _zoe_note_stored(inbox, world)
    await inbox.deliver(world.mallory.activity("Like", note["id"]), world.mallory)
    assert await Like.all().count() == 0


# Announce


async def test_boost_of_a_public_local_post_is_recorded_and_notified(inbox: InboxHarness, world: World) -> None:
    post = await _local_post(world.alice, inbox)
    await inbox.deliver(world.zoe.activity("Announce", post.uri, to=["https://www.w3.org/ns/activitystreams#Public"]), world.zoe)
    assert await Boost.filter(contribution=post).count() == 1
    assert await _kinds(world.alice) == ["boost"]


async def test_boost_of_a_followers_only_local_post_is_not_recorded(inbox: InboxHarness, world: World) -> None:
    post = await _local_post(world.alice, inbox, "followers")
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)  # Zoe may see it, not boost it
    await inbox.deliver(world.zoe.activity("Announce", post.uri), world.zoe)
    assert await Boost.all().count() == 0
    assert await _kinds(world.alice) == ["follow"]


async def test_boost_of_a_remote_post_by_someone_nobody_follows_fetches_nothing(inbox: InboxHarness, world: World) -> None:
    elsewhere = inbox.network.person("eve", "elsewhere.example")
    note = elsewhere.note(1)
    inbox.network.serve(note)
    inbox.network.requests.clear()
    await inbox.deliver(world.zoe.activity("Announce", note["id"]), world.zoe)
    assert inbox.network.fetched() == []
    assert await _stored(note["id"]) is None


async def test_boost_by_a_followed_person_of_a_remote_post_is_fetched_from_its_origin(
    inbox: InboxHarness, world: World
) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    elsewhere = inbox.network.person("eve", "elsewhere.example")
    note = elsewhere.note(1)
    inbox.network.serve(note)
    tampered = {**note, "content": "<p>Words Eve never wrote</p>"}  # embedded by another server
    await inbox.deliver(world.zoe.activity("Announce", tampered), world.zoe)
    stored = await _stored(note["id"])
    assert stored is not None and "Note 1" in stored.content_html
    assert await Boost.all().count() == 1


async def test_boosted_object_on_the_boosters_server_attributed_to_another_server_is_not_stored(
    inbox: InboxHarness, world: World
) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    inbox.network.person("eve", "elsewhere.example")
    forged = world.zoe.note(7, attributedTo="https://elsewhere.example/users/eve")
    await inbox.deliver(world.zoe.activity("Announce", forged), world.zoe)
    assert await _stored(forged["id"]) is None
    assert await Boost.all().count() == 0


# Create


async def test_create_by_a_followed_person_is_stored(inbox: InboxHarness, world: World) -> None:
    note = await _zoe_note_stored(inbox, world)
    assert await _stored(note["id"]) is not None


async def test_create_of_a_note_attributed_to_someone_else_is_not_stored(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    mention = [{"type": "Mention", "href": world.alice.uri}]  # it would concern Alice, whoever wrote it
    forged = world.zoe.note(1, attributedTo=world.mallory.actor_id, tag=mention)
    await inbox.deliver(world.zoe.create(forged), world.zoe)
    assert await _stored(forged["id"]) is None
    assert await _kinds(world.alice) == []


async def test_create_by_iri_of_an_object_on_another_server_fetches_nothing(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    elsewhere = inbox.network.person("eve", "elsewhere.example")
    note = elsewhere.note(1)
    inbox.network.serve(note)
    inbox.network.requests.clear()
    await inbox.deliver(world.zoe.create(note["id"]), world.zoe)
    assert inbox.network.fetched() == []
    assert await _stored(note["id"]) is None


async def test_create_of_an_object_that_is_no_contribution_is_not_stored(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    # Event is a post type (Mastodon converts it, as we do); a Collection is no contribution.
    collection = {**world.zoe.note(1), "type": "Collection"}
    await inbox.deliver(world.zoe.create(collection), world.zoe)
    assert await Contribution.all().count() == 0


async def test_reply_the_parents_author_may_not_see_is_stored_but_not_notified(inbox: InboxHarness, world: World) -> None:
    post = await _local_post(world.alice, inbox)
    hidden = world.zoe.note(1, inReplyTo=post.uri, to=[world.zoe.followers], cc=[])  # Alice does not follow Zoe
    await inbox.deliver(world.zoe.create(hidden), world.zoe)
    assert await _stored(hidden["id"]) is not None
    assert await _kinds(world.alice) == []


# Update


async def test_update_by_the_author_becomes_a_new_version(inbox: InboxHarness, world: World) -> None:
    note = await _zoe_note_stored(inbox, world)
    edited = {**note, "content": "<p>Edited</p>", "updated": "2026-11-02T10:00:00Z"}
    await inbox.deliver(world.zoe.activity("Update", edited), world.zoe)
    stored = await _stored(note["id"])
    assert stored is not None and (stored.version, "Edited" in stored.content_html) == (2, True)


@pytest.mark.parametrize("claimed_author", ["zoe", "mallory"])
async def test_update_of_someone_elses_note_changes_nothing(
    inbox: InboxHarness, world: World, claimed_author: str
) -> None:
    note = await _zoe_note_stored(inbox, world)
    author = world.zoe if claimed_author == "zoe" else world.mallory
    edited = {**note, "content": "<p>Defaced</p>", "updated": "2026-11-02T10:00:00Z", "attributedTo": author.actor_id}
    await inbox.deliver(world.mallory.activity("Update", edited), world.mallory)
    stored = await _stored(note["id"])
    assert stored is not None and (stored.version, "Defaced" in stored.content_html) == (1, False)


async def test_update_of_an_unknown_note_by_a_followed_person_is_taken_as_its_create(
    inbox: InboxHarness, world: World
) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1, updated="2026-11-02T10:00:00Z")
    await inbox.deliver(world.zoe.activity("Update", note), world.zoe)
    assert await _stored(note["id"]) is not None


async def test_update_of_an_unknown_note_by_a_stranger_is_not_stored(inbox: InboxHarness, world: World) -> None:
    note = world.zoe.note(1, updated="2026-11-02T10:00:00Z")
    await inbox.deliver(world.zoe.activity("Update", note), world.zoe)
    assert await _stored(note["id"]) is None


async def test_update_of_the_actor_itself_refetches_it_and_of_another_actor_does_not(
    inbox: InboxHarness, world: World
) -> None:
    inbox.network.requests.clear()
    await inbox.deliver(world.mallory.activity("Update", world.zoe.document(), "other"), world.mallory)
    assert inbox.network.fetched() == []
    await inbox.deliver(world.zoe.activity("Update", world.zoe.document(), "self"), world.zoe)
    assert inbox.network.fetched() == [world.zoe.actor_id]


# Delete


async def test_delete_by_the_author_deletes_the_note(inbox: InboxHarness, world: World) -> None:
    note = await _zoe_note_stored(inbox, world)
    await inbox.deliver(world.zoe.activity("Delete", note["id"]), world.zoe)
    assert await _stored(note["id"]) is None


async def test_delete_by_another_actor_leaves_the_note(inbox: InboxHarness, world: World) -> None:
    note = await _zoe_note_stored(inbox, world)
    await inbox.deliver(world.mallory.activity("Delete", note["id"]), world.mallory)
    await inbox.deliver(world.mallory.activity("Delete", {"id": note["id"], "type": "Tombstone"}, "2"), world.mallory)
    assert await _stored(note["id"]) is not None


async def test_delete_of_an_unknown_object_on_another_server_leaves_no_tombstone(
    inbox: InboxHarness, world: World
) -> None:
    foreign = "https://elsewhere.example/users/eve/statuses/1"
    await inbox.deliver(world.zoe.activity("Delete", foreign), world.zoe)
    assert await Contribution.filter(uri=foreign).count() == 0


async def test_delete_of_an_unknown_object_of_ones_own_leaves_a_tombstone_so_a_late_create_stays_deleted(
    inbox: InboxHarness, world: World
) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1)
    await inbox.deliver(world.zoe.activity("Delete", note["id"]), world.zoe)
    await inbox.deliver(world.zoe.create(note), world.zoe)
    assert await _stored(note["id"]) is None


async def test_delete_of_the_actor_itself_marks_it_gone_and_ends_its_follows(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    await inbox.deliver(world.zoe.activity("Delete", world.zoe.actor_id), world.zoe)
    zoe = await Actor.get(uri=world.zoe.actor_id)
    assert zoe.deleted_at is not None
    assert await Follow.all().count() == 0


async def test_delete_of_another_actor_changes_nothing(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    await inbox.deliver(world.mallory.activity("Delete", {"id": world.zoe.actor_id, "type": "Person"}), world.mallory)
    await inbox.deliver(world.mallory.activity("Delete", world.zoe.actor_id, "2"), world.mallory)
    zoe = await Actor.get(uri=world.zoe.actor_id)
    mallory = await Actor.get(uri=world.mallory.actor_id)
    assert (zoe.deleted_at, mallory.deleted_at) == (None, None)
    assert await Follow.all().count() == 1


async def test_delete_of_another_actor_embedded_as_a_person_leaves_no_tombstone(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.mallory.activity("Delete", {"id": world.zoe.actor_id, "type": "Person"}), world.mallory)
    assert await Contribution.filter(uri=world.zoe.actor_id).count() == 0


# Block


async def test_block_of_a_local_person_ends_the_follows_both_ways(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    await inbox.follow(world.alice, world.zoe_here)
    await inbox.deliver(world.zoe.activity("Block", world.alice.uri), world.zoe)
    assert await Follow.all().count() == 0


async def test_block_of_someone_not_local_changes_nothing(inbox: InboxHarness, world: World) -> None:
    await inbox.deliver(world.zoe.activity("Follow", world.alice.uri), world.zoe)
    await inbox.deliver(world.zoe.activity("Block", world.mallory.actor_id), world.zoe)
    assert await Block.all().count() == 0
    assert await Follow.all().count() == 1



async def test_boost_keeps_the_audience_its_booster_gave_it(inbox: InboxHarness, world: World) -> None:
    public = "https://www.w3.org/ns/activitystreams#Public"
    audiences = {  # Announce number: (to, cc) as Mastodon sends each visibility of a boost
        "1": ([public], [world.zoe.followers]),
        "2": ([world.zoe.followers], [public]),
        "3": ([world.zoe.followers], []),
        "4": (public, world.zoe.followers),  # one IRI, not in a list
    }
    for suffix, (to, cc) in audiences.items():
        post = await _local_post(world.alice, inbox)  # one boost per person and post
        await inbox.deliver(world.zoe.activity("Announce", post.uri, suffix, to=to, cc=cc), world.zoe)
    boosts = await Boost.all().order_by("id").values_list("visibility", flat=True)
    assert boosts == ["public", "unlisted", "followers", "public"]


async def test_create_by_iri_of_a_document_naming_another_id_is_not_stored(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1)
    # hostile: Zoe's server answers the IRI with a document claiming to be another post
    inbox.network.documents[note["id"]] = {**note, "id": world.zoe.note(2)["id"]}
    response = await inbox.post(world.zoe.create(note["id"], to=note["to"], cc=note["cc"]), world.zoe)
    assert response.status_code == 202
    assert await inbox.process() == (0, 1)
    assert await Contribution.all().count() == 0
    item = await InboxItem.get()
    iri, other = note["id"], world.zoe.note(2)["id"]
    assert item.last_error == f"FetchError: {iri}: document id {other!r} differs from the URL fetched {iri!r}"


async def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(inbox: InboxHarness, world: World) -> None:
    bob = await inbox.local_person("bob")
    alice_tag = {"type": "Mention", "href": world.alice.uri, "name": "@alice"}
    note = await _zoe_note_stored(inbox, world, tag=[alice_tag])
    bob_tag = {"type": "Mention", "href": bob.uri, "name": "@bob"}
    edited = {**note, "tag": [alice_tag, bob_tag], "updated": "2026-11-02T10:00:00Z"}
    await inbox.deliver(world.zoe.activity("Update", edited), world.zoe)
    assert (await _kinds(world.alice), await _kinds(bob)) == (["mention"], ["mention"])


async def test_objects_are_fetched_with_a_signed_get(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1)
    inbox.network.serve(note)
    await inbox.deliver(world.zoe.create(note["id"], to=note["to"], cc=note["cc"]), world.zoe)
    [request] = [r for r in inbox.network.requests if str(r.url) == note["id"]]
    assert "keyId=" in request.headers["signature"]  # servers in authorized-fetch mode answer only these
    assert request.headers["accept"] == 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    assert await _stored(note["id"]) is not None


async def test_an_object_answered_as_html_is_not_stored(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    note = world.zoe.note(1)
    inbox.network.serve(note)
    inbox.network.content_types[note["id"]] = "text/html"  # hostile: a page, not an ActivityStreams document
    await inbox.post(world.zoe.create(note["id"], to=note["to"], cc=note["cc"]), world.zoe)
    assert await inbox.process() == (0, 1)
    assert await Contribution.all().count() == 0
    assert "text/html" in (await InboxItem.get()).last_error


async def test_boost_of_a_post_of_ours_that_does_not_exist_fetches_nothing(inbox: InboxHarness, world: World) -> None:
    await inbox.follow(world.alice, world.zoe_here)
    inbox.network.requests.clear()
    await inbox.deliver(world.zoe.activity("Announce", inbox.urls.contribution("999")), world.zoe)
    assert inbox.network.fetched() == []
    assert await Boost.all().count() == 0


async def test_a_hashtag_linking_to_a_local_profile_notifies_nobody(inbox: InboxHarness, world: World) -> None:
    # hostile: a Hashtag whose href is Alice's profile, to get a mention notification to her
    await _zoe_note_stored(inbox, world, tag=[{"type": "Hashtag", "href": world.alice.uri, "name": "#alice"}])
    assert await _kinds(world.alice) == []
