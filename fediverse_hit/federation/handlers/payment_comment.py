"""Inbound replies to our payment proposals (DESIGN §7 Payments): a `Create` of a `Note` whose
`inReplyTo` is one of our proposals is a comment, from any server. Kept once, by the note's id,
when the note is its sender's own (same author, same host), then announced to the contributors."""

from __future__ import annotations

import logging
from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.payment_comments import announce_comment, keep_comment
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.project_payments import find_proposal
from fediverse_hit.store.projects import find_project

logger = logging.getLogger(__name__)


def replied_proposal(activity: ParsedActivity, ctx: HandlerContext) -> tuple[str, int] | None:
    """(slug, proposal id) when the activity creates an embedded reply to one of our proposals."""
    note = activity.object
    if not isinstance(note, dict) or note.get("type") != "Note":
        return None
    parent = note.get("inReplyTo")
    parent = parent.get("id") if isinstance(parent, dict) else parent
    return ctx.urls.parse_project_payment(parent) if isinstance(parent, str) else None


async def receive_comment(activity: ParsedActivity, target: tuple[str, int], ctx: HandlerContext) -> None:
    """Keep the reply as a comment on the proposal and announce it; a reply that is not its
    sender's own, or to a proposal that does not exist, is dropped."""
    note: dict[str, Any] = activity.object  # type: ignore[assignment]  # replied_proposal checked it
    note_id, author_uri = note.get("id"), note.get("attributedTo")
    if not isinstance(note_id, str) or author_uri != activity.actor or host_of(note_id) != host_of(activity.actor):
        logger.info("comment %.200s dropped: not the sender's own note", note_id)
        return
    project = await find_project(target[0])
    proposal = await find_proposal(project, target[1]) if project is not None else None
    if proposal is None:
        return
    author = await ctx.sender(activity)
    if await keep_comment(proposal, author, note) is not None:
        await announce_comment(proposal, note, ctx.fetcher)
