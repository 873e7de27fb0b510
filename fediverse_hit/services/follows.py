"""Follow relationships: asking, accepting, rejecting and ending them, with blocks respected.

These functions only record what changed; the federation layer sends the matching activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from fediverse_hit.errors import Forbidden, NotFound
from fediverse_hit.protocol.vocabulary import FollowState, NotificationKind
from fediverse_hit.services.notifications import notify
from fediverse_hit.store.follows import (
    delete_follow,
    find_follow,
    find_follow_by_activity,
    is_blocked_either_way,
)
from fediverse_hit.store.models import Actor, Follow


@dataclass(frozen=True)
class FollowOutcome:
    """The follow after a request, and whether the followed side must be told it is accepted."""

    follow: Follow
    created: bool

    @property
    def accepted(self) -> bool:
        return self.follow.state == FollowState.ACCEPTED


async def request_follow(follower: Actor, followed: Actor, activity_uri: str) -> FollowOutcome:
    """Record that `follower` asks to follow `followed`.

    A local account that does not approve followers manually accepts at once; a remote account
    stays pending until its server sends Accept. Asking again keeps the relationship and takes
    the newest activity id (Mastodon answers a repeated Follow with a fresh Accept).
    """
    if follower.id == followed.id:
        raise Forbidden("You cannot follow yourself.")
    if await is_blocked_either_way(follower, followed):
        raise Forbidden("This account cannot be followed.")
    if followed.deleted_at is not None:
        raise NotFound("This account no longer exists.")
    existing = await find_follow(follower, followed)
    if existing is not None:
        existing.activity_uri = activity_uri
        await existing.save(update_fields=["activity_uri"])
        return FollowOutcome(existing, created=False)
    auto_accept = followed.local and not followed.manually_approves_followers
    try:
        follow = await Follow.create(
            follower=follower,
            followed=followed,
            activity_uri=activity_uri,
            state=FollowState.ACCEPTED if auto_accept else FollowState.PENDING,
            accepted_at=datetime.now(UTC) if auto_accept else None,
        )
    except IntegrityError:  # the same Follow arrived twice at once
        concurrent = await find_follow(follower, followed)
        assert concurrent is not None
        return FollowOutcome(concurrent, created=False)
    await notify(followed, NotificationKind.FOLLOW if auto_accept else NotificationKind.FOLLOW_REQUEST, follower)  # no-op unless local
    return FollowOutcome(follow, created=True)


async def accept_follow(follow: Follow) -> Follow:
    """Mark a pending follow accepted (idempotent)."""
    if follow.state != FollowState.ACCEPTED:
        follow.state = FollowState.ACCEPTED
        follow.accepted_at = datetime.now(UTC)
        await follow.save(update_fields=["state", "accepted_at"])
    return follow


async def end_follow(follower: Actor, followed: Actor) -> Follow | None:
    """Remove the relationship (unfollow, rejection or block); returns what was removed."""
    follow = await find_follow(follower, followed)
    if follow is not None:
        await delete_follow(follow)
    return follow


async def follow_answered_by(activity_uri: str | None, follower_uri: str | None, answerer: Actor) -> Follow | None:
    """The follow an Accept/Reject from `answerer` refers to: by Follow id, else by the pair.

    Only the followed account may answer; an answer from anyone else matches nothing.
    """
    follow = await find_follow_by_activity(activity_uri) if activity_uri else None
    if follow is None and follower_uri:
        follower = await Actor.get_or_none(uri=follower_uri)
        follow = await find_follow(follower, answerer) if follower else None
    if follow is None or follow.followed_id != answerer.id:  # type: ignore[attr-defined]
        return None
    return follow
