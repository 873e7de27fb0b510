"""Named queries over follows and blocks."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from fediverse_hit.protocol.vocabulary import FollowState
from fediverse_hit.store.models import Actor, Block, Follow


async def find_follow(follower: Actor, followed: Actor) -> Follow | None:
    return await Follow.get_or_none(follower=follower, followed=followed)


async def find_follow_by_activity(activity_uri: str) -> Follow | None:
    return await Follow.get_or_none(activity_uri=activity_uri).prefetch_related("follower", "followed")


async def delete_follow(follow: Follow) -> None:
    await Follow.filter(id=follow.id).delete()


async def delete_follows_involving(actor_ids: list[int]) -> None:
    """Remove every follow (or request) in which one of these actors is either side."""
    if actor_ids:
        await Follow.filter(Q(follower_id__in=actor_ids) | Q(followed_id__in=actor_ids)).delete()


async def is_blocked_either_way(first: Actor, second: Actor) -> bool:
    """True when either actor blocks the other."""
    return await Block.filter(
        Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    ).exists()


async def count_followers(actor: Actor) -> int:
    return await Follow.filter(followed=actor, state=FollowState.ACCEPTED).count()


async def count_following(actor: Actor) -> int:
    return await Follow.filter(follower=actor, state=FollowState.ACCEPTED).count()


async def list_follower_uris(actor: Actor, offset: int, limit: int) -> list[str]:
    """Accepted followers' IRIs, newest first."""
    rows = (
        await Follow.filter(followed=actor, state=FollowState.ACCEPTED)
        .order_by("-id")
        .offset(offset)
        .limit(limit)
        .values_list("follower__uri", flat=True)
    )
    return [str(uri) for uri in rows]


async def list_following_uris(actor: Actor, offset: int, limit: int) -> list[str]:
    """IRIs of accounts `actor` follows (accepted), newest first."""
    rows = (
        await Follow.filter(follower=actor, state=FollowState.ACCEPTED)
        .order_by("-id")
        .offset(offset)
        .limit(limit)
        .values_list("followed__uri", flat=True)
    )
    return [str(uri) for uri in rows]


def pending_requests_of(actor: Actor) -> QuerySet[Follow]:
    """The follow requests waiting for `actor`'s approval."""
    return Follow.filter(followed_id=actor.id, state=FollowState.PENDING)


async def list_pending_requests(actor: Actor) -> list[Follow]:
    """Follow requests waiting for `actor`'s approval, oldest first."""
    return await pending_requests_of(actor).order_by("id").prefetch_related("follower")


async def list_followers(actor: Actor) -> list[Actor]:
    """Every accepted follower (for fan-out)."""
    return [f.follower for f in await Follow.filter(followed=actor, state=FollowState.ACCEPTED).prefetch_related("follower")]


async def list_followed(actor: Actor) -> list[Actor]:
    """Every account `actor` follows or asked to follow (for Delete/Update fan-out)."""
    return [f.followed for f in await Follow.filter(follower=actor).prefetch_related("followed")]


async def follow_states_towards(follower: Actor, actor_ids: list[int]) -> dict[int, str]:
    """`follower`'s follow state (pending or accepted) towards each of `actor_ids` it follows or asked to."""
    if not actor_ids:
        return {}
    rows = await Follow.filter(follower=follower, followed_id__in=actor_ids).values("followed_id", "state")
    return {row["followed_id"]: row["state"] for row in rows}


async def list_follower_actors(actor: Actor, offset: int, limit: int) -> list[Actor]:
    """A page of accepted followers, newest follow first (the profile's follower list)."""
    rows = await Follow.filter(followed=actor, state=FollowState.ACCEPTED, follower__deleted_at=None).order_by(
        "-id"
    ).offset(offset).limit(limit).prefetch_related("follower")
    return [row.follower for row in rows]


async def list_followed_actors(actor: Actor, offset: int, limit: int) -> list[Actor]:
    """A page of accounts `actor` follows (accepted), newest follow first."""
    rows = await Follow.filter(follower=actor, state=FollowState.ACCEPTED, followed__deleted_at=None).order_by(
        "-id"
    ).offset(offset).limit(limit).prefetch_related("followed")
    return [row.followed for row in rows]
