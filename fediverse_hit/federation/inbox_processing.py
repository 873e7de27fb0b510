"""Processing one stored inbox item: parse the verbatim body and dispatch to its handler.

The sender is checked against domain blocks again, from the database rather than the cached
list: a block added after the item was accepted wins (DESIGN §9, correctness never depends on a
cache). So is the actor: an activity accepted before its actor's Delete was processed is
dropped, as Mastodon drops a suspended actor's (ProcessCollectionService, `suspended_actor?`).
"""

from __future__ import annotations

import json

from fediverse_hit.federation.handlers import HANDLERS, HandlerContext
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.protocol.activities import parse_activity
from fediverse_hit.services.domain_blocks import end_follows_with_hosts
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.domain_blocks import any_domain_blocked
from fediverse_hit.store.models import InboxItem


async def process_inbox_item(item: InboxItem, context: HandlerContext) -> None:
    """Run the handler for the item's type; types we do not handle are accepted and ignored, and
    so are items whose actor or signer is on a domain blocked since, or whose actor is gone."""
    senders = [host_of(item.actor_uri)] + ([host_of(item.signer_key_id)] if item.signer_key_id else [])
    if await any_domain_blocked(senders):
        return
    actor = await find_actor_by_uri(item.actor_uri)
    if actor is not None and actor.deleted_at is not None:
        return
    document = json.loads(item.body)
    activity = parse_activity(document)
    handler = HANDLERS.get(activity.type)
    if handler is not None:
        await handler(activity, document, context)
        if await any_domain_blocked(senders):  # blocked while the handler ran
            await end_follows_with_hosts(senders)
