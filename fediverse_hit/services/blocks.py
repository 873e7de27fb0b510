"""User blocks: blocking ends follows both ways and keeps them from coming back."""

from __future__ import annotations

from dataclasses import dataclass

from fediverse_hit.errors import Forbidden
from fediverse_hit.services.follows import end_follow
from fediverse_hit.store.models import Actor, Block, Follow


@dataclass(frozen=True)
class BlockOutcome:
    """What a block removed: our follow of them, and their follow of us."""

    our_follow: Follow | None
    their_follow: Follow | None


async def block_actor(blocker: Actor, blocked: Actor) -> BlockOutcome:
    """Record the block (idempotent) and remove both follow relationships."""
    if blocker.id == blocked.id:
        raise Forbidden("You cannot block yourself.")
    await Block.get_or_create(blocker=blocker, blocked=blocked)
    return BlockOutcome(
        our_follow=await end_follow(blocker, blocked),
        their_follow=await end_follow(blocked, blocker),
    )


async def unblock_actor(blocker: Actor, blocked: Actor) -> bool:
    """Lift a block; True when there was one."""
    return await Block.filter(blocker=blocker, blocked=blocked).delete() > 0


async def list_blocked(blocker: Actor) -> list[Actor]:
    return [row.blocked for row in await Block.filter(blocker=blocker).prefetch_related("blocked")]
