"""Inbound Accept and Reject of a Follow one of our accounts sent, or of a QuoteRequest
(FEP-044f, matched by the request's id: `federation/quote_requests.py`); a Reject addressed to
one of our projects by a remote curator declines a submission (`federation/project_requests.py`)."""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.project_requests import handle_project_request
from fediverse_hit.federation.quote_requests import handle_quote_answer
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.follows import accept_follow, follow_answered_by
from fediverse_hit.store.follows import delete_follow


def _follower_of(activity: ParsedActivity) -> str | None:
    if isinstance(activity.object, dict):
        follower = activity.object.get("actor")
        return follower if isinstance(follower, str) else None
    return None


async def handle_accept(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """The followed account's server accepted: the follow becomes active."""
    if await handle_quote_answer(activity, document, ctx.urls):
        return
    if activity.object_type not in (None, "Follow"):
        return
    answerer = await ctx.sender(activity)
    follow = await follow_answered_by(activity.object_id, _follower_of(activity), answerer)
    if follow is not None:
        await accept_follow(follow)


async def handle_reject(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """The followed account's server refused (or removed us): the follow is gone."""
    if await handle_quote_answer(activity, document, ctx.urls):
        return
    if await handle_project_request(activity, document, ctx.fetcher):
        return
    if activity.object_type not in (None, "Follow"):
        return
    answerer = await ctx.sender(activity)
    follow = await follow_answered_by(activity.object_id, _follower_of(activity), answerer)
    if follow is not None:
        await delete_follow(follow)
