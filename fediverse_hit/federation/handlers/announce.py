"""Inbound Announce (boost): of one of ours, counted and its author told; of a remote post, kept
so that it shows in the booster's followers' home timelines here.

Follows Mastodon's app/lib/activitypub/activity/announce.rb: a boost is kept only when a local
person follows the booster or the post is ours (`related_to_local_activity?`), only public or
unlisted posts may be boosted (`contribution_rules.can_boost`, the rule local boosts follow too),
and the boosted object is fetched from its own server unless it is embedded by its own author's
server.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.handlers.create import embedded, fetch_object, receive_note
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.addressing import visibility_from
from fediverse_hit.services.contribution_rules import can_boost
from fediverse_hit.services.remote_contributions import find_remote_contribution, followed_here
from fediverse_hit.services.side_effects import contribution_boosted
from fediverse_hit.store.interactions import add_boost
from fediverse_hit.store.models import Contribution


def _audience(document: dict[str, Any], key: str) -> tuple[str, ...]:
    value = document.get(key)
    entries = value if isinstance(value, list) else [value]
    return tuple(entry for entry in entries if isinstance(entry, str))


async def handle_announce(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Record the boost of a contribution we have or can fetch, and notify a local author."""
    uri = activity.object_id
    if uri is None:
        return
    booster = await ctx.sender(activity)
    contribution = await find_remote_contribution(uri)
    ours = contribution is not None and contribution.local
    if not ours and not await followed_here(booster):
        return
    if contribution is None and not ctx.urls.is_local(uri):  # ours unknown: nothing to fetch
        contribution = await _boosted_object(activity, uri, ctx)
    if contribution is None or not await can_boost(booster, contribution):
        return
    visibility = visibility_from(_audience(document, "to"), _audience(document, "cc"), booster.followers_url or None)
    await add_boost(booster, contribution, activity.id, visibility)
    await contribution_boosted(booster, contribution)


async def _boosted_object(activity: ParsedActivity, uri: str, ctx: HandlerContext) -> Contribution | None:
    """The boosted post stored: embedded when it comes from the booster's own server, else fetched."""
    if isinstance(activity.object, dict) and host_of(uri) == host_of(activity.actor):
        remote = embedded(activity.object)
    else:
        remote = await fetch_object(uri, ctx)
    return await receive_note(remote, ctx, creator=None)
