"""What a local person does to a relationship, carried out and federated in one call:
follow, unfollow, approve or reject a request, block, unblock."""

from __future__ import annotations

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.follow_activities import (
    send_block,
    send_follow,
    send_follow_answer,
    send_undo_follow,
)
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.blocks import block_actor
from fediverse_hit.services.follows import FollowOutcome, accept_follow, end_follow, request_follow
from fediverse_hit.store.follows import find_follow
from fediverse_hit.store.models import Actor


async def follow_account(follower: Actor, target: Actor, urls: InstanceUrls) -> FollowOutcome:
    """Follow `target` (local or remote); a remote target gets a Follow activity."""
    activity_id = urls.new_activity_id()
    outcome = await request_follow(follower, target, activity_id)
    if not outcome.accepted:
        await send_follow(outcome.follow, follower, target)
    return outcome


async def unfollow_account(follower: Actor, target: Actor, urls: InstanceUrls) -> str | None:
    """Stop following (or withdraw a request); a remote target gets Undo(Follow).

    Returns the Undo's id, or None when there was nothing to undo.
    """
    removed = await end_follow(follower, target)
    if removed is None:
        return None
    undo_id = urls.new_activity_id()
    await send_undo_follow(undo_id, removed, follower, target)
    return undo_id


async def approve_follower(followed: Actor, follower: Actor, urls: InstanceUrls) -> None:
    """Approve a pending request; a remote follower's server gets Accept."""
    follow = await find_follow(follower, followed)
    if follow is None:
        raise NotFound("No such follow request.")
    await accept_follow(follow)
    await send_follow_answer("Accept", follow.activity_uri, follower, followed, urls)


async def reject_follower(followed: Actor, follower: Actor, urls: InstanceUrls) -> None:
    """Refuse a request or remove a follower; a remote follower's server gets Reject."""
    removed = await end_follow(follower, followed)
    if removed is None:
        raise NotFound("No such follower or request.")
    await send_follow_answer("Reject", removed.activity_uri, follower, followed, urls)


async def block_account(blocker: Actor, target: Actor, urls: InstanceUrls) -> None:
    """Block: end follows both ways (Undo ours, Reject theirs) and send Block, as Mastodon does."""
    outcome = await block_actor(blocker, target)
    if outcome.our_follow is not None:
        await send_undo_follow(urls.new_activity_id(), outcome.our_follow, blocker, target)
    if outcome.their_follow is not None:
        await send_follow_answer("Reject", outcome.their_follow.activity_uri, target, blocker, urls)
    await send_block(blocker, target, urls)
