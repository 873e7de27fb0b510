"""Remote people's works brought here on demand, so a visitor stays on their own server: the first
page of an actor's outbox (when their profile is viewed here, or they are followed from here) and
one work or person by a pasted URL (search).

Only what the inbox would also accept is kept: a Create in an outbox served from the actor's own
host, whose object is attributed to that actor and lives on that host (Mastodon's
`ActivityPub::FetchRemoteStatusService` and its outbox backfill apply the same origin rule). Every
request goes through the signed, size-capped, SSRF-guarded fetcher; an outbox is read at most once
per OUTBOX_TTL per process, and a page of it costs at most OUTBOX_ITEMS stored works and
MAX_OBJECT_FETCHES further requests. Nothing fetched this way notifies anyone (`tell=False`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fediverse_hit.federation.fetcher import FetchError, parse_json_object
from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.handlers.create import RemoteObject, embedded, fetch_object, receive_note
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.remote_actors import store_actor_document
from fediverse_hit.federation.ttl_cache import TtlCache
from fediverse_hit.protocol.media_types import FETCH_ACCEPT, is_activity_media_type
from fediverse_hit.protocol.vocabulary import POST_TYPES
from fediverse_hit.store.models import Actor, Contribution

OUTBOX_ITEMS = 20  # Mastodon's outbox pages hold 20 items
MAX_OBJECT_FETCHES = 5  # Creates that name their object by IRI instead of embedding it
OUTBOX_TTL = 600.0  # seconds between two reads of the same outbox by one process
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})


@dataclass(frozen=True)
class RemoteTotals:
    """The sizes a remote actor's collections state (None when unknown, hidden or unreachable)."""

    works: int | None = None
    followers: int | None = None
    following: int | None = None


_recent: TtlCache[str, RemoteTotals] = TtlCache(OUTBOX_TTL, max_entries=2_000)


def forget_recent_works() -> None:
    """Drop the cache of outbox reads (tests start each from an empty database)."""
    _recent.clear()


async def load_recent_works(actor: Actor, ctx: HandlerContext, *, refresh: bool = False) -> RemoteTotals:
    """Store the works on the first page of `actor`'s outbox and read the sizes of their
    collections; cached for OUTBOX_TTL unless `refresh` (a follow just made). A server that does
    not answer leaves what is stored as it is."""
    cached = _recent.get(actor.uri)
    if cached is not None and not refresh:
        return cached
    totals = RemoteTotals(
        works=await _backfill_outbox(actor, ctx),
        followers=await _collection_size(actor.followers_url, actor, ctx),
        following=await _collection_size(actor.following_url, actor, ctx),
    )
    _recent.put(actor.uri, totals)
    return totals


async def _collection_size(url: str, actor: Actor, ctx: HandlerContext) -> int | None:
    if not url or host_of(url) != host_of(actor.uri):
        return None
    try:
        return _total_items(await ctx.fetcher.fetch_document(url))
    except FetchError:
        return None


def _total_items(document: dict[str, Any]) -> int | None:
    total = document.get("totalItems")
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


async def _backfill_outbox(actor: Actor, ctx: HandlerContext) -> int | None:
    """Store the works of the outbox's first page; the outbox's stated size."""
    if not actor.outbox or host_of(actor.outbox) != host_of(actor.uri):
        return None  # an outbox elsewhere could speak for someone it does not host
    try:
        head = await ctx.fetcher.fetch_document(actor.outbox)
        page = await _first_page(head, actor, ctx)
    except FetchError:
        return None
    items = page.get("orderedItems", page.get("items")) if page is not None else None
    fetches = 0
    for item in items[:OUTBOX_ITEMS] if isinstance(items, list) else []:
        created = _created_object(item, actor)
        if isinstance(created, str):
            if fetches >= MAX_OBJECT_FETCHES:
                continue
            fetches += 1
        await _store_created(created, actor, ctx)
    return _total_items(head)


async def _first_page(head: dict[str, Any], actor: Actor, ctx: HandlerContext) -> dict[str, Any] | None:
    first = head.get("first")
    if isinstance(first, dict):
        return first
    if isinstance(first, str) and host_of(first) == host_of(actor.uri):
        return await ctx.fetcher.fetch_document(first)
    return head if "orderedItems" in head or "items" in head else None


def _created_object(item: object, actor: Actor) -> dict[str, Any] | str | None:
    """The object of a Create by `actor` (embedded or by IRI); None for anything else."""
    if not isinstance(item, dict) or item.get("type") != "Create" or item.get("actor") != actor.uri:
        return None
    created = item.get("object")
    return created if isinstance(created, dict | str) else None


async def _store_created(created: dict[str, Any] | str | None, actor: Actor, ctx: HandlerContext) -> None:
    if isinstance(created, dict):
        remote = embedded(created)
    elif isinstance(created, str) and host_of(created) == host_of(actor.uri):
        try:
            remote = await fetch_object(created, ctx)
        except FetchError:
            return
    else:
        return
    if remote.document.get("type") in POST_TYPES:
        await receive_note(remote, ctx, creator=actor.uri, tell=False)


async def resolve_remote_url(url: str, ctx: HandlerContext) -> Actor | Contribution:
    """The person or work a pasted URL shows: what is stored already, else fetched and stored.

    Pages often answer with the canonical IRI as `id` (Mastodon serves `/@bob/123` with the id
    `/users/bob/statuses/123`); such an id on the same host is fetched again, strictly. FetchError
    when the answer is neither a work nor a person, or speaks for another host.
    """
    known = await Contribution.get_or_none(uri=url, deleted_at=None) or await Contribution.filter(
        url=url, local=False, deleted_at=None
    ).first()
    if known is not None:
        return known
    fetched = await ctx.fetcher.fetch(url, accept=FETCH_ACCEPT, signed=True, accept_type=is_activity_media_type)
    document = parse_json_object(fetched.url, fetched.body)
    identifier = document.get("id")
    if not isinstance(identifier, str) or host_of(identifier) != host_of(fetched.url):
        raise FetchError(url, "the answer speaks for another server")
    if identifier == fetched.url:
        remote = RemoteObject(document, fetched.body.decode(json.detect_encoding(fetched.body)))
    else:
        remote = await fetch_object(identifier, ctx)
    kind = remote.document.get("type")
    if kind in ACTOR_TYPES:
        return await store_actor_document(identifier, remote.document, ctx.fetcher)
    if kind not in POST_TYPES:
        raise FetchError(url, "this address shows neither a person nor a work")
    stored = await receive_note(remote, ctx, creator=None, tell=False)
    if stored is None:
        raise FetchError(url, "the work could not be read, or was deleted")
    return stored
