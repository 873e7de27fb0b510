"""Inbound Like of one of our contributions: counted, and its author told.

Likes of objects that are not ours are ignored, as Mastodon does (`original_status.account.local?`
in app/lib/activitypub/activity/like.rb): their count lives on their own server.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.contribution_rules import can_like
from fediverse_hit.services.remote_contributions import find_remote_contribution
from fediverse_hit.services.side_effects import contribution_liked
from fediverse_hit.store.interactions import add_like


async def handle_like(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Record the like (once per person and contribution) and notify the author."""
    if activity.object_id is None:
        return
    contribution = await find_remote_contribution(activity.object_id)
    if contribution is None or not contribution.local:
        return
    liker = await ctx.sender(activity)
    if not await can_like(liker, contribution):
        return  # a like of something the liker was never shown (followers-only, direct) is not counted
    await add_like(liker, contribution, activity.id)
    await contribution_liked(liker, contribution)
