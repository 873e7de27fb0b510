"""Inbound `Add` and `Remove`: a curator on another server selecting a submission or changing
the curators of one of our projects (federation/project_requests.py). Others are ignored."""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.project_requests import handle_project_request
from fediverse_hit.protocol.activities import ParsedActivity


async def handle_collection_change(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Act as the project when the activity targets one of its collections."""
    await handle_project_request(activity, document, ctx.fetcher)
