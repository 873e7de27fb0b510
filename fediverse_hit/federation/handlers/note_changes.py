"""Inbound Update and Delete: of a contribution here, routed to actor_changes for actors.

An edit becomes version n+1 only when its `updated` is newer; an Update of an object we do not
have is taken as its Create (Mastodon: "We may be getting `Create` and `Update` out of order",
app/lib/activitypub/activity/update.rb). A Delete of an unknown object on the actor's own host
leaves a tombstone, so a Create that arrives late stays deleted (Mastodon's `Tombstone`,
app/lib/activitypub/activity/delete.rb).
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers import actor_changes
from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.handlers.create import (
    embedded,
    mentioned_local_people,
    read_contribution,
    receive_note,
)
from fediverse_hit.federation.handlers.relevance import may_concern_us
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.quote_requests import handle_stamp_delete
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.vocabulary import POST_TYPES
from fediverse_hit.services.remote_contributions import apply_remote_update, mark_remote_deleted
from fediverse_hit.services.side_effects import contribution_published
from fediverse_hit.store.contributions import find_contribution_by_uri


async def handle_update(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Update of a contribution by its author; of anything else, the actor handler decides."""
    if activity.object_type not in POST_TYPES or not isinstance(activity.object, dict):
        await actor_changes.handle_update(activity, document, ctx)
        return
    remote = embedded(activity.object)
    existing = await find_contribution_by_uri(activity.object_id) if activity.object_id else None
    if existing is None:  # taken as its Create, if it concerns anyone here (asked before parsing)
        if await may_concern_us(activity, document, ctx):
            await receive_note(remote, ctx, creator=activity.actor)
        return
    parsed = await read_contribution(remote, ctx)
    if parsed is None or parsed.attributed_to != activity.actor:
        return
    author = await ctx.sender(activity)
    mentioned = await mentioned_local_people(parsed, ctx)
    if await apply_remote_update(existing, parsed, remote.raw_json, author, mentioned_local=mentioned):
        await contribution_published(existing)  # only the newly mentioned get a new notification


async def handle_delete(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Delete of a contribution by its author (only the author's Delete counts); of the actor
    itself, the actor handler; of a quote stamp one of our remixes carries, a revocation."""
    uri = activity.object_id
    if await handle_stamp_delete(activity, ctx.urls):
        return
    if uri is None or uri == activity.actor or activity.object_type in actor_changes.ACTOR_TYPES:
        await actor_changes.handle_delete(activity, document, ctx)
        return
    if host_of(uri) != host_of(activity.actor):
        return  # objects are stored only from their author's server (create.receive_note): not another's to delete
    await mark_remote_deleted(uri, await ctx.sender(activity))
