"""Inbound QuoteRequest (FEP-044f): someone asks to quote one of our works.

Requests about works not ours, not live, or not well formed (Mastodon's quote_request.rb checks
the same: the request id on the requester's server, the post the requester's) get no answer.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.quote_approvals import answer_quote_request, well_formed
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.quote_consent import QuoteShapeError, parse_quote_request
from fediverse_hit.store.contributions import find_local_contribution


async def handle_quote_request(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Answer by the quoted work's policy (`federation/quote_approvals.py`)."""
    try:
        parsed = parse_quote_request(document)
    except QuoteShapeError:
        return
    if not well_formed(parsed, activity.actor):
        return
    local_id = ctx.urls.parse_contribution(parsed.quoted)
    quoted = await find_local_contribution(local_id) if local_id is not None else None
    if quoted is None or quoted.deleted_at is not None:
        return
    await quoted.fetch_related("author")
    await answer_quote_request(parsed, await ctx.sender(activity), quoted, ctx.urls)
