"""Inbound Undo: only the actor of the undone activity may undo it."""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.follows import end_follow
from fediverse_hit.store.follows import find_follow_by_activity


async def handle_undo(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Undo(Follow): the remote follower unfollows. Other undone types are not followed yet."""
    undone = activity.object
    if isinstance(undone, dict) and undone.get("actor") not in (None, activity.actor):
        return  # someone tried to undo another actor's activity
    sender = await ctx.sender(activity)
    if activity.object_type == "Follow" and isinstance(undone, dict):
        target = await ctx.local_person(undone.get("object") if isinstance(undone.get("object"), str) else None)
        if target is not None:
            await end_follow(sender, target)
        return
    if isinstance(undone, str):  # Undo by reference: find the follow by its activity id
        follow = await find_follow_by_activity(undone)
        if follow is not None and follow.follower_id == sender.id:  # type: ignore[attr-defined]
            await end_follow(sender, follow.followed)
