"""Who is told what (`services/side_effects.py`), decided once for local and inbound events:
every branch of the reply and mention rule, and likes, boosts and their withdrawal. Hostile
cases: a reply the replied-to person may not see, and a reply to something its author never saw."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fediverse_hit.protocol.vocabulary import NotificationKind, Visibility
from fediverse_hit.services.notifications import list_notifications
from fediverse_hit.services.side_effects import (
    contribution_boosted,
    contribution_liked,
    contribution_published,
    reaction_withdrawn,
)
from fediverse_hit.store.models import Actor, Contribution
from tests.services.rules_support import follow, mention, person, post

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]


async def told(recipient: Actor) -> list[tuple[str, str]]:
    """(kind, sender's username) of everything `recipient` was told, oldest first."""
    return [(n.kind, n.from_actor.username) for n in reversed(await list_notifications(recipient))]


async def reply(author: Actor, parent: Contribution, visibility: Visibility = Visibility.PUBLIC) -> Contribution:
    """A reply as it is stored, fetched again without its author loaded (as a handler has it)."""
    made = await post(author, visibility, in_reply_to=parent, in_reply_to_uri=parent.uri)
    return await Contribution.get(id=made.id)


async def test_the_author_replied_to_is_told_of_a_reply_once_not_also_of_a_mention() -> None:
    alice, bob, carol = await person("alice"), await person("bob", local=False), await person("carol")
    answer = await reply(bob, await post(alice))
    await mention(answer, alice)
    await mention(answer, carol)
    await contribution_published(answer)
    await contribution_published(answer)  # an edit, or the same Create twice
    assert await told(alice) == [(NotificationKind.REPLY, "bob")]
    assert await told(carol) == [(NotificationKind.MENTION, "bob")]
    notices = [*await list_notifications(alice), *await list_notifications(carol)]
    assert [n.contribution_id for n in notices] == [answer.id, answer.id]  # type: ignore[attr-defined]


async def test_a_followers_only_reply_is_a_reply_to_an_author_who_follows_the_replier() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    await follow(alice, bob)
    answer = await reply(bob, await post(alice), Visibility.FOLLOWERS)
    await contribution_published(answer)
    assert await told(alice) == [(NotificationKind.REPLY, "bob")]


async def test_no_reply_notice_when_the_replied_to_author_may_not_see_the_reply() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    answer = await reply(bob, await post(alice), Visibility.DIRECT)  # addressed to someone else
    await contribution_published(answer)
    assert await told(alice) == []


async def test_a_reply_to_what_its_author_could_not_see_is_no_reply_but_still_a_mention() -> None:
    alice, bob, carol = await person("alice"), await person("bob", local=False), await person("carol")
    answer = await reply(bob, await post(alice, Visibility.FOLLOWERS))  # bob does not follow alice
    await mention(answer, alice)
    await mention(answer, carol)
    await contribution_published(answer)
    assert await told(alice) == [(NotificationKind.MENTION, "bob")]
    assert await told(carol) == [(NotificationKind.MENTION, "bob")]


async def test_followers_replying_to_followers_only_contributions_are_replies() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    await follow(bob, alice)
    answer = await reply(bob, await post(alice, Visibility.FOLLOWERS))
    await mention(answer, alice)
    await contribution_published(answer)
    assert await told(alice) == [(NotificationKind.REPLY, "bob")]


async def test_a_reply_to_a_deleted_contribution_tells_nobody_of_a_reply() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    answer = await reply(bob, await post(alice, deleted_at=datetime.now(UTC)))
    await contribution_published(answer)
    assert await told(alice) == []


async def test_mentioned_people_are_told_and_the_author_is_not() -> None:
    alice, bob = await person("alice"), await person("bob")
    shout = await post(alice, Visibility.DIRECT)
    await mention(shout, bob)
    await mention(shout, alice)
    await contribution_published(await Contribution.get(id=shout.id))
    assert await told(bob) == [(NotificationKind.MENTION, "alice")]
    assert await told(alice) == []


async def test_a_remote_author_replied_to_is_told_nothing_here() -> None:
    remote, alice = await person("rem", local=False), await person("alice")
    answer = await reply(alice, await post(remote))
    await mention(answer, remote)
    await contribution_published(answer)
    assert await told(remote) == []


async def test_likes_and_boosts_tell_the_author_and_withdrawing_takes_it_back() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    liked = await post(alice)
    await contribution_liked(bob, await Contribution.get(id=liked.id))
    await contribution_boosted(bob, liked)
    assert await told(alice) == [(NotificationKind.LIKE, "bob"), (NotificationKind.BOOST, "bob")]
    assert [n.contribution_id for n in await list_notifications(alice)] == [liked.id, liked.id]  # type: ignore[attr-defined]
    await reaction_withdrawn(NotificationKind.LIKE, bob, liked.id)
    assert await told(alice) == [(NotificationKind.BOOST, "bob")]
