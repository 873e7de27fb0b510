"""Inbox handlers, one module per activity family, dispatched through `HANDLERS`.

Every handler is idempotent: the inbox drops repeated activity ids, and each handler tolerates
its effect having happened already.
"""

from __future__ import annotations

from fediverse_hit.federation.handlers.actor_changes import handle_block
from fediverse_hit.federation.handlers.announce import handle_announce
from fediverse_hit.federation.handlers.context import Handler, HandlerContext
from fediverse_hit.federation.handlers.create import handle_create
from fediverse_hit.federation.handlers.curation import handle_collection_change
from fediverse_hit.federation.handlers.follow import handle_follow
from fediverse_hit.federation.handlers.follow_answers import handle_accept, handle_reject
from fediverse_hit.federation.handlers.like import handle_like
from fediverse_hit.federation.handlers.note_changes import handle_delete, handle_update
from fediverse_hit.federation.handlers.quote_request import handle_quote_request
from fediverse_hit.federation.handlers.undo import handle_undo
from fediverse_hit.protocol.vocabulary import ActivityType

HANDLERS: dict[str, Handler] = {
    ActivityType.FOLLOW: handle_follow,
    ActivityType.ACCEPT: handle_accept,
    ActivityType.REJECT: handle_reject,
    ActivityType.UNDO: handle_undo,
    ActivityType.UPDATE: handle_update,
    ActivityType.DELETE: handle_delete,
    ActivityType.BLOCK: handle_block,
    ActivityType.CREATE: handle_create,
    ActivityType.LIKE: handle_like,
    ActivityType.ANNOUNCE: handle_announce,
    ActivityType.QUOTE_REQUEST: handle_quote_request,
    ActivityType.ADD: handle_collection_change,
    ActivityType.REMOVE: handle_collection_change,
}

__all__ = ["HANDLERS", "Handler", "HandlerContext"]
