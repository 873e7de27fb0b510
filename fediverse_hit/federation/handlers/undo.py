"""Inbound Undo: only the actor of the undone activity may undo it.

Undo(Like) and Undo(Announce) find the like or boost by the undone activity's id first, then by
the actor and the object (Mastodon matches by id, and servers that re-mint the embedded
activity's id still name its object); the notification it caused goes too. The undone
activity's object may be an IRI or an embedded object, as in the activity it undoes.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.vocabulary import ActivityType, NotificationKind
from fediverse_hit.services.follows import end_follow
from fediverse_hit.services.side_effects import reaction_withdrawn
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.follows import find_follow_by_activity
from fediverse_hit.store.interactions import (
    remove_boost,
    remove_boost_by_activity,
    remove_like,
    remove_like_by_activity,
)
from fediverse_hit.store.models import Actor

# Undone type → (notification kind, remove by activity id, remove by actor and contribution)
REACTIONS = {
    ActivityType.LIKE: (NotificationKind.LIKE, remove_like_by_activity, remove_like),
    ActivityType.ANNOUNCE: (NotificationKind.BOOST, remove_boost_by_activity, remove_boost),
}


def _id_of(value: Any) -> str | None:
    """An IRI given as itself or as an embedded object's `id`."""
    iri = value.get("id") if isinstance(value, dict) else value
    return iri if isinstance(iri, str) else None


async def handle_undo(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Undo(Follow), Undo(Like), Undo(Announce), embedded or by reference."""
    undone = activity.object
    if isinstance(undone, dict) and undone.get("actor") not in (None, activity.actor):
        return  # someone tried to undo another actor's activity
    sender = await ctx.sender(activity)
    if activity.object_type == ActivityType.FOLLOW and isinstance(undone, dict):
        target = await ctx.local_followable(_id_of(undone.get("object")))
        if target is not None:
            await end_follow(sender, target)
        return
    if activity.object_type in REACTIONS and isinstance(undone, dict):
        await _undo_reaction(activity.object_type, sender, undone)
        return
    if isinstance(undone, str):  # Undo by reference: find what the activity id made
        follow = await find_follow_by_activity(undone)
        if follow is not None and follow.follower_id == sender.id:  # type: ignore[attr-defined]
            await end_follow(sender, follow.followed)
        for kind, by_activity, _ in REACTIONS.values():
            removed = await by_activity(sender, undone)
            if removed is not None:
                await reaction_withdrawn(kind, sender, removed)


async def _undo_reaction(kind: str, sender: Actor, undone: dict[str, Any]) -> None:
    notification_kind, by_activity, by_pair = REACTIONS[ActivityType(kind)]
    undone_id = undone.get("id")
    removed = await by_activity(sender, undone_id) if isinstance(undone_id, str) else None
    if removed is None:
        target_id = _id_of(undone.get("object"))
        contribution = await find_contribution_by_uri(target_id) if target_id is not None else None
        if contribution is not None and await by_pair(sender, contribution):
            removed = contribution.id
    if removed is not None:
        await reaction_withdrawn(notification_kind, sender, removed)
