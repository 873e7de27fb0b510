"""Processing inbox items: relevance before any fetch, lanes per sending server, blocks re-checked,
and one bad activity never failing its neighbours' writes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from fediverse_hit.federation.inbox_writer import InboxWriter
from fediverse_hit.services.domain_blocks import add_domain_block
from fediverse_hit.store.models import Contribution, Follow, InboxItem
from fediverse_hit.store.notifications import list_notifications
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio


async def _stored(uri: str) -> Contribution | None:
    return await Contribution.get_or_none(uri=uri, deleted_at=None)


async def test_strangers_creates_by_iri_are_dropped_unfetched_and_the_followed_one_is_stored(
    inbox: InboxHarness,
) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    await inbox.follow(alice, await inbox.remote_actor(zoe))
    strangers = [inbox.network.person("stranger", f"slow{n}.example") for n in range(3)]
    for stranger in strangers:  # known here, followed by nobody; from now on their servers hang
        await inbox.remote_actor(stranger)
        inbox.network.hanging.add(stranger.host)
    inbox.network.requests.clear()
    for stranger in strangers:
        note = stranger.note(1)
        assert (await inbox.post(stranger.create(note["id"], to=note["to"], cc=note["cc"]), stranger)).status_code == 202
    followed_note = zoe.note(1)
    inbox.network.serve(followed_note)
    create = zoe.create(followed_note["id"], to=followed_note["to"], cc=followed_note["cc"])
    assert (await inbox.post(create, zoe)).status_code == 202

    assert await inbox.process() == (4, 0)
    for stranger in strangers:
        assert inbox.network.fetched(stranger.host) == []
        assert await _stored(stranger.note(1)["id"]) is None
    assert await _stored(followed_note["id"]) is not None


async def test_create_by_iri_from_a_stranger_addressed_to_a_local_person_is_fetched(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note = stranger.note(1, to=[alice.uri], cc=[])
    inbox.network.serve(note)
    await inbox.deliver(stranger.create(note["id"], to=[alice.uri]), stranger)
    assert await _stored(note["id"]) is not None


async def test_embedded_create_from_a_stranger_concerning_nobody_is_not_stored(inbox: InboxHarness) -> None:
    await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note = stranger.note(1)
    await inbox.deliver(stranger.create(note), stranger)
    assert await _stored(note["id"]) is None


async def test_embedded_reply_from_a_stranger_to_a_local_post_is_stored_and_notified(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    parent = await Contribution.create(
        uri=inbox.urls.contribution("1"), local_id="1", author=alice, local=True, content_html="<p>Hi</p>",
        visibility="public", published_at=datetime.now(UTC),
    )
    stranger = inbox.network.person("stranger", "far.example")
    reply = stranger.note(1, inReplyTo=parent.uri)
    await inbox.deliver(stranger.create(reply), stranger)
    assert await _stored(reply["id"]) is not None
    kinds = [n.kind for n in await list_notifications(alice, before_id=None, limit=10)]
    assert kinds == ["reply"]


async def test_embedded_reply_from_a_stranger_to_a_followed_persons_post_is_stored(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    await inbox.follow(alice, await inbox.remote_actor(zoe))
    parent = zoe.note(1)
    await inbox.deliver(zoe.create(parent), zoe)
    stranger = inbox.network.person("stranger", "far.example")
    reply = stranger.note(1, inReplyTo=parent["id"])
    await inbox.deliver(stranger.create(reply), stranger)
    assert await _stored(reply["id"]) is not None


async def test_embedded_create_from_a_stranger_mentioning_a_local_person_is_stored(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    mention = stranger.note(1, tag=[{"type": "Mention", "href": alice.uri, "name": "@alice@hit.test"}])
    await inbox.deliver(stranger.create(mention), stranger)
    assert await _stored(mention["id"]) is not None
    kinds = [n.kind for n in await list_notifications(alice, before_id=None, limit=10)]
    assert kinds == ["mention"]


async def test_a_slow_server_holds_one_lane_while_another_servers_item_is_processed(inbox: InboxHarness) -> None:
    """The slow server answers only once the other server's object has been asked for: items
    processed one at a time in arrival order would wait out the fetch deadline and fail."""
    alice = await inbox.local_person("alice")
    slow, quick = inbox.network.person("slow", "slow.example"), inbox.network.person("quick", "quick.example")
    for person in (slow, quick):
        await inbox.follow(alice, await inbox.remote_actor(person))
    slow_note, quick_note = slow.note(1), quick.note(1)
    for person, note in ((slow, slow_note), (quick, quick_note)):
        inbox.network.serve(note)
        assert (await inbox.post(person.create(note["id"], to=note["to"]), person)).status_code == 202
    inbox.network.hold(slow.host, until_fetched=quick_note["id"])

    assert await inbox.process() == (2, 0)
    assert await _stored(slow_note["id"]) is not None
    assert await _stored(quick_note["id"]) is not None


async def test_one_servers_items_are_processed_in_order(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    follow = zoe.activity("Follow", alice.uri)
    undo = zoe.activity("Undo", follow)
    for activity in (follow, undo):
        assert (await inbox.post(activity, zoe)).status_code == 202
    assert await inbox.process() == (2, 0)
    assert await Follow.filter(follower__uri=zoe.actor_id).count() == 0


async def test_items_of_an_actor_processed_after_its_delete_are_dropped(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    # accepted while Zoe's key still verified; her Delete of herself is processed first
    for activity in (zoe.activity("Delete", zoe.actor_id), zoe.activity("Follow", alice.uri)):
        assert (await inbox.post(activity, zoe)).status_code == 202
    assert await inbox.process() == (2, 0)
    assert await Follow.filter(follower__uri=zoe.actor_id).count() == 0
    assert await list_notifications(alice, before_id=None, limit=10) == []


async def test_item_of_a_domain_blocked_after_acceptance_is_dropped_when_processed(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    assert (await inbox.post(zoe.activity("Follow", alice.uri), zoe)).status_code == 202
    await add_domain_block("remote.example", "spam")  # the cached block list has not seen it yet
    assert await inbox.process() == (1, 0)
    assert await Follow.filter(follower__uri=zoe.actor_id).count() == 0


async def test_item_relayed_by_a_signer_on_a_domain_blocked_since_is_dropped(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    zoe = inbox.network.person("zoe")
    relay = inbox.network.person("relay", "relay.example")
    assert (await inbox.post(zoe.prove(zoe.activity("Follow", alice.uri)), relay)).status_code == 202
    await add_domain_block("relay.example", "spam")
    assert await inbox.process() == (1, 0)
    assert await Follow.filter(follower__uri=zoe.actor_id).count() == 0


async def test_a_3000_character_id_among_concurrent_deliveries_fails_alone(inbox: InboxHarness) -> None:
    await inbox.local_person("alice")
    people = [inbox.network.person(f"p{n}", f"h{n}.example") for n in range(5)]
    for person in people:  # keys known beforehand, so the posts reach the writer together
        await inbox.remote_actor(person)
    good = [person.activity("Follow", inbox.urls.user("alice")) for person in people]
    bad = {**good[0], "id": people[0].actor_id + "/" + "x" * 3000}
    posts = [inbox.post(activity, person) for activity, person in zip(good, people, strict=True)]
    responses = await asyncio.gather(*posts[:3], inbox.post(bad, people[0]), *posts[3:])
    assert [r.status_code for r in responses] == [202, 202, 202, 400, 202, 202]
    assert "activity id is longer than 2048 characters" in responses[3].text
    stored = set(await InboxItem.all().values_list("activity_id", flat=True))
    assert stored == {activity["id"] for activity in good}


def _item(number: int, *, broken: bool = False) -> InboxItem:
    """An inbox item; a broken one has an id over its column's 2,048 characters (as a check missed
    at the inbox would let through), so writing it fails."""
    return InboxItem(
        activity_id=f"https://remote.example/a/{number}" + ("x" * 3000 if broken else ""),
        activity_type="Follow", actor_uri="https://remote.example/users/zoe",
        body=json.dumps({"n": number}), next_attempt_at=datetime.now(UTC),
    )


async def _stored_ids() -> list[str]:
    return sorted(await InboxItem.all().values_list("activity_id", flat=True))


async def test_a_write_failing_in_a_batch_fails_alone_and_its_neighbours_are_stored(inbox: InboxHarness) -> None:
    """A broken item joins a batch of good ones and of a repeat of an item stored before."""
    writer = InboxWriter()
    await writer.store(_item(0))
    outcomes = await asyncio.gather(
        *(writer.store(_item(n, broken=n == 2)) for n in range(5)), return_exceptions=True
    )
    assert [isinstance(outcome, Exception) for outcome in outcomes] == [False, False, True, False, False]
    assert await _stored_ids() == [f"https://remote.example/a/{n}" for n in (0, 1, 3, 4)]


async def test_items_arriving_together_are_written_in_one_insert_and_a_repeat_costs_nothing(
    inbox: InboxHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = InboxWriter()
    await writer.store(_item(0))
    inserts: list[list[str]] = []
    bulk_create = InboxItem.bulk_create

    async def counted(objects: list[InboxItem], **options: Any) -> None:
        inserts.append([item.activity_id for item in objects])
        await bulk_create(objects, **options)

    monkeypatch.setattr(InboxItem, "bulk_create", counted)
    await asyncio.gather(*(writer.store(_item(n)) for n in range(4)))  # item 0 again, and three new ones
    assert inserts == [[f"https://remote.example/a/{n}" for n in range(4)]]
    await writer.store(_item(4))  # alone, after that batch was written: a batch of its own
    assert inserts[1:] == [["https://remote.example/a/4"]]
    assert await _stored_ids() == [f"https://remote.example/a/{n}" for n in range(5)]
