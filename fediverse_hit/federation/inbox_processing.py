"""Processing one stored inbox item: parse the verbatim body and dispatch to its handler."""

from __future__ import annotations

import json

from fediverse_hit.federation.handlers import HANDLERS, HandlerContext
from fediverse_hit.protocol.activities import parse_activity
from fediverse_hit.store.models import InboxItem


async def process_inbox_item(item: InboxItem, context: HandlerContext) -> None:
    """Run the handler for the item's type; types we do not handle are accepted and ignored."""
    document = json.loads(item.body)
    activity = parse_activity(document)
    handler = HANDLERS.get(activity.type)
    if handler is not None:
        await handler(activity, document, context)
