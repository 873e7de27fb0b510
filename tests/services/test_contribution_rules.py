"""Who may see, like, boost, reply to, pin, quote or remix a contribution: every branch of
`services/contribution_rules.py` and of the query filter it decides by (`store/visibility.py`),
against a real database. Each test tries one way someone could get at what is not theirs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fediverse_hit.protocol.vocabulary import FollowState, Visibility
from fediverse_hit.services.contribution_rules import (
    can_boost,
    can_like,
    can_pin,
    can_quote,
    can_remix,
    can_reply,
    can_view,
    visible_among,
)
from tests.services.rules_support import BY, BY_ND, block, follow, mention, person, post

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

OPEN = (Visibility.PUBLIC, Visibility.UNLISTED)
ADDRESSED = (Visibility.FOLLOWERS, Visibility.DIRECT)


@pytest.mark.parametrize("visibility", OPEN)
async def test_anyone_sees_public_and_unlisted_contributions(visibility: Visibility) -> None:
    alice, bob = await person("alice"), await person("bob")
    shown = await post(alice, visibility)
    assert await can_view(None, shown) and await can_view(bob, shown)


@pytest.mark.parametrize("visibility", ADDRESSED)
async def test_anonymous_visitors_and_strangers_do_not_see_addressed_contributions(visibility: Visibility) -> None:
    alice, bob = await person("alice"), await person("bob")
    hidden = await post(alice, visibility)
    assert not await can_view(None, hidden)
    assert not await can_view(bob, hidden)


@pytest.mark.parametrize("visibility", ADDRESSED)
async def test_authors_see_their_own_addressed_contributions(visibility: Visibility) -> None:
    alice = await person("alice")
    assert await can_view(alice, await post(alice, visibility))


async def test_nobody_sees_a_deleted_contribution_not_even_its_author() -> None:
    alice = await person("alice")
    gone = await post(alice, deleted_at=datetime.now(UTC))
    assert not await can_view(None, gone)
    assert not await can_view(alice, gone)


async def test_accepted_followers_see_followers_only_contributions() -> None:
    alice, bob = await person("alice"), await person("bob")
    await follow(bob, alice)
    assert await can_view(bob, await post(alice, Visibility.FOLLOWERS))


async def test_a_pending_follow_request_does_not_open_followers_only_contributions() -> None:
    alice, bob = await person("alice"), await person("bob")
    await follow(bob, alice, FollowState.PENDING)
    assert not await can_view(bob, await post(alice, Visibility.FOLLOWERS))


async def test_following_someone_else_does_not_open_a_followers_only_contribution() -> None:
    alice, bob, carol = await person("alice"), await person("bob"), await person("carol")
    await follow(bob, carol)
    assert not await can_view(bob, await post(alice, Visibility.FOLLOWERS))


async def test_followers_do_not_see_direct_contributions_that_do_not_mention_them() -> None:
    alice, bob = await person("alice"), await person("bob")
    await follow(bob, alice)
    assert not await can_view(bob, await post(alice, Visibility.DIRECT))


@pytest.mark.parametrize("visibility", ADDRESSED)
async def test_mentioned_people_see_what_mentions_them(visibility: Visibility) -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    addressed = await post(alice, visibility)
    await mention(addressed, bob)
    assert await can_view(bob, addressed)


async def test_a_mention_in_one_contribution_opens_no_other() -> None:
    alice, bob, carol = await person("alice"), await person("bob"), await person("carol")
    await mention(await post(alice, Visibility.DIRECT), bob)
    to_carol = await post(alice, Visibility.DIRECT)
    await mention(to_carol, carol)
    assert not await can_view(bob, to_carol)


async def test_people_the_author_blocks_see_nothing_of_theirs() -> None:
    alice, bob = await person("alice"), await person("bob")
    public = await post(alice)
    await block(alice, bob)
    assert not await can_view(bob, public)


async def test_people_who_block_the_author_see_nothing_of_theirs() -> None:
    alice, bob = await person("alice"), await person("bob")
    public = await post(alice)
    await block(bob, alice)
    assert not await can_view(bob, public)


async def test_a_block_between_others_hides_nothing() -> None:
    alice, bob, carol = await person("alice"), await person("bob"), await person("carol")
    public = await post(alice)
    await block(bob, carol)
    await block(carol, bob)
    await block(carol, alice)
    assert await can_view(bob, public)


async def test_a_block_hides_even_what_mentions_the_blocked_person() -> None:
    alice, bob = await person("alice"), await person("bob")
    direct = await post(alice, Visibility.DIRECT)
    await mention(direct, bob)
    await block(bob, alice)
    assert not await can_view(bob, direct)


async def test_visible_among_keeps_exactly_what_the_viewer_may_see() -> None:
    alice, bob = await person("alice"), await person("bob")
    public, followers, direct = await post(alice), await post(alice, Visibility.FOLLOWERS), await post(alice, Visibility.DIRECT)
    mentioning = await post(alice, Visibility.DIRECT)
    await mention(mentioning, bob)
    deleted = await post(alice, deleted_at=datetime.now(UTC))
    everything = [public, followers, direct, mentioning, deleted]
    assert await visible_among(bob, everything) == {public.id, mentioning.id}
    assert await visible_among(None, everything) == {public.id}
    assert await visible_among(bob, []) == set()


async def test_likes_and_replies_need_the_contribution_to_be_visible() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    hidden, shown = await post(alice, Visibility.FOLLOWERS), await post(alice, Visibility.UNLISTED)
    assert not await can_like(bob, hidden) and not await can_reply(bob, hidden)
    assert await can_like(bob, shown) and await can_reply(bob, shown)


async def test_followers_like_and_reply_to_followers_only_contributions() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    await follow(bob, alice)
    hidden = await post(alice, Visibility.FOLLOWERS)
    assert await can_like(bob, hidden) and await can_reply(bob, hidden)


@pytest.mark.parametrize("visibility", OPEN)
async def test_open_contributions_can_be_boosted(visibility: Visibility) -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    assert await can_boost(bob, await post(alice, visibility))


@pytest.mark.parametrize("visibility", ADDRESSED)
async def test_addressed_contributions_cannot_be_boosted_even_by_those_who_see_them(visibility: Visibility) -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    await follow(bob, alice)
    addressed = await post(alice, visibility)
    await mention(addressed, bob)
    assert await can_view(bob, addressed)
    assert not await can_boost(bob, addressed)
    assert not await can_boost(alice, addressed)


async def test_a_blocked_person_cannot_boost_a_public_contribution() -> None:
    alice, bob = await person("alice"), await person("bob", local=False)
    public = await post(alice)
    await block(alice, bob)
    assert not await can_boost(bob, public)


async def test_open_contributions_can_be_quoted_by_anyone_who_sees_them() -> None:
    alice, bob = await person("alice"), await person("bob")
    assert await can_quote(bob, await post(alice, Visibility.UNLISTED))


async def test_followers_only_contributions_are_quoted_by_their_author_only() -> None:
    alice, bob = await person("alice"), await person("bob")
    await follow(bob, alice)
    followers_only = await post(alice, Visibility.FOLLOWERS)
    assert not await can_quote(bob, followers_only)
    assert await can_quote(alice, followers_only)


async def test_nobody_quotes_what_they_cannot_see() -> None:
    alice, bob = await person("alice"), await person("bob")
    public = await post(alice)
    await block(alice, bob)
    assert not await can_quote(bob, public)


async def test_remixing_needs_a_quotable_source_under_a_licence_that_permits_it() -> None:
    alice, bob = await person("alice"), await person("bob")
    assert await can_remix(bob, await post(alice, license=BY))
    assert not await can_remix(bob, await post(alice, Visibility.FOLLOWERS, license=BY))


async def test_authors_remix_their_own_followers_only_contributions() -> None:
    alice = await person("alice")
    assert await can_remix(alice, await post(alice, Visibility.FOLLOWERS, license=BY))


async def test_a_person_the_author_blocks_cannot_remix_a_public_contribution() -> None:
    alice, bob = await person("alice"), await person("bob")
    source = await post(alice, license=BY)
    await block(alice, bob)
    assert not await can_remix(bob, source)


@pytest.mark.parametrize("licence", [BY_ND, "", "https://example.org/all-rights-reserved"])
async def test_no_remix_without_a_known_licence_that_permits_derivatives(licence: str) -> None:
    alice, bob = await person("alice"), await person("bob")
    assert not await can_remix(bob, await post(alice, license=licence))


async def test_authors_pin_their_own_live_local_contributions_but_not_direct_ones() -> None:
    alice, bob = await person("alice"), await person("bob")
    assert can_pin(alice, await post(alice, Visibility.FOLLOWERS))
    assert not can_pin(alice, await post(alice, Visibility.DIRECT))
    assert not can_pin(bob, await post(alice))
    assert not can_pin(alice, await post(alice, deleted_at=datetime.now(UTC)))


async def test_remote_contributions_are_never_pinned_here() -> None:
    remote = await person("rem", local=False)
    assert not can_pin(remote, await post(remote))
