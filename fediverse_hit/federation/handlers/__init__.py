"""Inbox handlers, one module per activity family, dispatched through `HANDLERS`.

Every handler is idempotent: the inbox drops repeated activity ids, and each handler tolerates
its effect having happened already.
"""

from __future__ import annotations

from fediverse_hit.federation.handlers.actor_changes import handle_block
from fediverse_hit.federation.handlers.announce import handle_announce
from fediverse_hit.federation.handlers.context import Handler, HandlerContext
from fediverse_hit.federation.handlers.create import handle_create
from fediverse_hit.federation.handlers.follow import handle_follow
from fediverse_hit.federation.handlers.follow_answers import handle_accept, handle_reject
from fediverse_hit.federation.handlers.like import handle_like
from fediverse_hit.federation.handlers.note_changes import handle_delete, handle_update
from fediverse_hit.federation.handlers.undo import handle_undo

HANDLERS: dict[str, Handler] = {
    "Follow": handle_follow,
    "Accept": handle_accept,
    "Reject": handle_reject,
    "Undo": handle_undo,
    "Update": handle_update,
    "Delete": handle_delete,
    "Block": handle_block,
    "Create": handle_create,
    "Like": handle_like,
    "Announce": handle_announce,
}

__all__ = ["HANDLERS", "Handler", "HandlerContext"]
