"""Inbox handlers, one module per activity family, dispatched through `HANDLERS`.

Every handler is idempotent: the inbox drops repeated activity ids, and each handler tolerates
its effect having happened already.
"""

from __future__ import annotations

from fediverse_hit.federation.handlers.actor_changes import handle_block, handle_delete, handle_update
from fediverse_hit.federation.handlers.context import Handler, HandlerContext
from fediverse_hit.federation.handlers.follow import handle_follow
from fediverse_hit.federation.handlers.follow_answers import handle_accept, handle_reject
from fediverse_hit.federation.handlers.undo import handle_undo

HANDLERS: dict[str, Handler] = {
    "Follow": handle_follow,
    "Accept": handle_accept,
    "Reject": handle_reject,
    "Undo": handle_undo,
    "Update": handle_update,
    "Delete": handle_delete,
    "Block": handle_block,
}

__all__ = ["HANDLERS", "Handler", "HandlerContext"]
