"""Inbound Follow: a remote account asks to follow one of ours."""

from __future__ import annotations

from typing import Any

from fediverse_hit.errors import Forbidden, NotFound
from fediverse_hit.federation.follow_activities import send_follow_answer
from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.follows import request_follow


async def handle_follow(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Record the request; answer Accept when the account does not approve followers by hand
    (and again for a repeated Follow, as Mastodon does), Reject when it is blocked."""
    target = await ctx.local_followable(activity.object_id)
    if target is None:
        return  # not one of our accounts: nothing to follow
    follower = await ctx.sender(activity)
    try:
        outcome = await request_follow(follower, target, activity.id)
    except (Forbidden, NotFound):
        await send_follow_answer("Reject", activity.id, follower, target, ctx.urls)
        return
    if outcome.accepted:
        await send_follow_answer("Accept", activity.id, follower, target, ctx.urls)
