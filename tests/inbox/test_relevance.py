"""Whether a stranger's post concerns anyone here (`handlers/relevance.py`), for each way an
activity can name a local person or a post of ours: one that concerns nobody is not stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fediverse_hit.store.models import Contribution
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio


async def _stored(uri: str) -> bool:
    return await Contribution.filter(uri=uri, deleted_at=None).exists()


async def _deliver_note(inbox: InboxHarness, stranger: RemotePerson, **fields: Any) -> str:
    """An embedded Create of a Note by `stranger` with `fields` on the Note, processed."""
    note = stranger.note(1, **fields)
    await inbox.deliver(stranger.create(note), stranger)
    return str(note["id"])


async def test_a_strangers_reply_to_a_post_unknown_here_is_not_stored(inbox: InboxHarness) -> None:
    await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    # hostile: inReplyTo an IRI nobody here has, hoping an unknown parent counts as relevant
    note_id = await _deliver_note(inbox, stranger, inReplyTo="https://elsewhere.example/notes/404")
    assert not await _stored(note_id)


async def test_a_strangers_reply_to_a_post_by_another_stranger_is_not_stored(inbox: InboxHarness) -> None:
    await inbox.local_person("alice")
    other = inbox.network.person("other", "other.example")
    parent = await Contribution.create(
        uri=other.note(1)["id"], author=await inbox.remote_actor(other), local=False, visibility="public",
        published_at=datetime.now(UTC),
    )
    stranger = inbox.network.person("stranger", "far.example")
    assert not await _stored(await _deliver_note(inbox, stranger, inReplyTo=parent.uri))


async def test_an_audience_naming_a_local_person_as_an_object_counts(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note_id = await _deliver_note(inbox, stranger, to=[{"id": alice.uri, "type": "Person"}], cc=[])
    assert await _stored(note_id)


async def test_an_audience_of_one_iri_not_in_a_list_counts(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    assert await _stored(await _deliver_note(inbox, stranger, to=alice.uri, cc=[]))


async def test_the_activitys_own_audience_counts_when_the_object_names_nobody(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note = stranger.note(1, to=[stranger.followers], cc=[])
    await inbox.deliver(stranger.create(note, cc=[alice.uri]), stranger)
    assert await _stored(note["id"])


async def test_a_single_mention_tag_not_in_a_list_counts(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    tag = {"type": "Mention", "href": alice.uri, "name": "@alice"}
    assert await _stored(await _deliver_note(inbox, stranger, to=[], cc=[], tag=tag))


async def test_a_hashtag_linking_to_a_local_person_is_no_mention(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    # hostile: a Hashtag whose href is a local profile, to get a stranger's post stored
    tag = [{"type": "Hashtag", "href": alice.uri, "name": "#alice"}]
    assert not await _stored(await _deliver_note(inbox, stranger, to=[], cc=[], tag=tag))


async def test_only_the_first_hundred_addressees_are_looked_at(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    # hostile: 100 addressees before the local one, each costing a lookup
    padding = [f"https://far.example/users/u{n}" for n in range(100)]
    assert not await _stored(await _deliver_note(inbox, stranger, to=[*padding, alice.uri], cc=[]))


async def test_a_repeated_addressee_counts_once_toward_the_hundred(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    repeated = ["https://far.example/users/u1"] * 150
    assert await _stored(await _deliver_note(inbox, stranger, to=[*repeated, alice.uri], cc=[]))


async def test_the_objects_own_audience_counts_when_the_activity_names_nobody(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note = stranger.note(1, to=[alice.uri], cc=[])
    await inbox.deliver(stranger.create(note, to=[], cc=[]), stranger)
    assert await _stored(note["id"])


async def test_the_objects_own_cc_alone_naming_a_local_person_counts(inbox: InboxHarness) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    note = stranger.note(1, to=[stranger.followers], cc=[alice.uri])  # a followers-only post that mentions her
    await inbox.deliver(stranger.create(note, to=[], cc=[]), stranger)
    assert await _stored(note["id"])
