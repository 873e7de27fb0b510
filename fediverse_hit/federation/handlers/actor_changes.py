"""Inbound Update and Delete of an actor by itself, and Block of one of our accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.blocks import block_actor
from fediverse_hit.store.change_feed import KEYS, publish_change
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.remote_actors import mark_remote_actor_gone

ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})


async def handle_update(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Update(Person) of the sender itself: refetch the profile from its origin.

    Refetching (rather than trusting the embedded copy) keeps one code path for storing actors
    and their keys; the inbox already checked that the object's id is the signer's.
    """
    if activity.object_type in ACTOR_TYPES and activity.object_id == activity.actor:
        await get_remote_actor(activity.actor, fetcher=ctx.fetcher, refresh=True)


async def handle_delete(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Delete of the sender itself: the account is gone, with all its follow relationships."""
    if activity.object_id != activity.actor:
        return  # deleting objects comes with contributions
    actor = await find_actor_by_uri(activity.actor)
    if actor is not None and not actor.local:
        await mark_remote_actor_gone(actor, datetime.now(UTC))
        await publish_change(KEYS)  # no process may go on verifying with its cached keys


async def handle_block(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """A remote account blocks one of ours: the follows between them end (Mastodon does this)."""
    target = await ctx.local_person(activity.object_id)
    if target is not None:
        await block_actor(await ctx.sender(activity), target)
