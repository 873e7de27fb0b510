"""Inbound Create of a contribution (any of `vocabulary.POST_TYPES`: Note, Article, Page, ...).

As in Mastodon (app/lib/activitypub/activity/create.rb, `related_to_local_activity?`), a post is
kept only when it concerns someone here (`relevance`); anything else would fill the database with
posts nobody here reads. That is asked before the object is fetched or parsed, and parsing (HTML
sanitizing, CPU-heavy for large objects) runs off the event loop (`parser_pool`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fediverse_hit.federation.fetcher import parse_json_object
from fediverse_hit.federation.handlers.context import HandlerContext
from fediverse_hit.federation.handlers.payment_comment import receive_comment, replied_proposal
from fediverse_hit.federation.handlers.payment_statement import receive_statement
from fediverse_hit.federation.handlers.relevance import MAX_ADDRESSEES, may_concern_us
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.media_types import FETCH_ACCEPT, is_activity_media_type
from fediverse_hit.protocol.payment_documents import PaymentKind
from fediverse_hit.protocol.notes import ParsedNote
from fediverse_hit.protocol.remix_notes import read_quote_target
from fediverse_hit.protocol.remix_sources import RemixSources, SourcesError, parse_sources
from fediverse_hit.protocol.vocabulary import TagType
from fediverse_hit.services.remixes import record_inbound_links
from fediverse_hit.services.remote_contributions import find_remote_contribution, store_remote_note
from fediverse_hit.services.side_effects import contribution_published
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Actor, Contribution


@dataclass(frozen=True)
class RemoteObject:
    """An object as received: its JSON, and the text it is stored as (`raw_json`)."""

    document: dict[str, Any]
    raw_json: str


def embedded(document: dict[str, Any]) -> RemoteObject:
    """An object embedded in an activity, kept as compact JSON (the inbox item has the exact bytes)."""
    return RemoteObject(document, json.dumps(document, ensure_ascii=False, separators=(",", ":")))


async def fetch_object(iri: str, ctx: HandlerContext) -> RemoteObject:
    """A signed GET of the object at `iri`, its body kept verbatim; its `id` must be `iri`'s answer."""
    fetched = await ctx.fetcher.fetch(iri, accept=FETCH_ACCEPT, signed=True, accept_type=is_activity_media_type)
    document = parse_json_object(fetched.url, fetched.body)
    if document.get("id") != fetched.url:
        raise FetchError(iri, f"document id {document.get('id')!r} differs from the URL fetched {fetched.url!r}")
    return RemoteObject(document, fetched.body.decode(json.detect_encoding(fetched.body)))


async def read_contribution(remote: RemoteObject, ctx: HandlerContext) -> ParsedNote | None:
    """`parse_contribution` off the event loop: in a thread, or in a worker process when large."""
    return await ctx.parser.parse(remote.document, size=len(remote.raw_json))


async def handle_create(activity: ParsedActivity, document: dict[str, Any], ctx: HandlerContext) -> None:
    """Store the new contribution and tell the local people it replies to or mentions; a
    payment statement goes to the ledgers instead (it concerns whoever its lines name), and a
    reply to one of our payment proposals is a comment on it."""
    if isinstance(activity.object, dict) and activity.object.get("type") == PaymentKind.STATEMENT:
        await receive_statement(activity.object, embedded(activity.object).raw_json, activity.actor, ctx)
        return
    proposal = replied_proposal(activity, ctx)
    if proposal is not None:
        await receive_comment(activity, proposal, ctx)  # a comment on a payment proposal of ours
        return
    if not await may_concern_us(activity, document, ctx):
        return  # decided before any fetch or parse: a stranger's Create costs a few queries
    if isinstance(activity.object, dict):
        remote = embedded(activity.object)
    elif isinstance(activity.object, str) and host_of(activity.object) == host_of(activity.actor):
        remote = await fetch_object(activity.object, ctx)  # a server creates only its own objects
    else:
        return
    if remote.document.get("type") == PaymentKind.STATEMENT:
        await receive_statement(remote.document, remote.raw_json, activity.actor, ctx)
        return
    await receive_note(remote, ctx, creator=activity.actor)


async def receive_note(
    remote: RemoteObject, ctx: HandlerContext, *, creator: str | None, tell: bool = True
) -> Contribution | None:
    """Check, store and tell local people (`side_effects`; whether it concerns anyone here, the caller has decided).
    `creator` is the actor that must be its author (None: whoever `attributedTo` names, on the
    object's own host — an Announce brings others' posts). `tell=False` stores without telling
    anyone: a work fetched from an outbox or by URL is old news, not a new reply or mention."""
    parsed = await read_contribution(remote, ctx)
    if parsed is None or (creator is not None and parsed.attributed_to != creator):
        return None
    if host_of(parsed.id) != host_of(parsed.attributed_to):
        return None  # Mastodon's `non_matching_uri_hosts?`: a server speaks only for its own objects
    author = await _author(parsed.attributed_to, ctx)
    in_reply_to = await find_remote_contribution(parsed.in_reply_to) if parsed.in_reply_to else None
    mentioned = await mentioned_local_people(parsed, ctx)
    contribution = await store_remote_note(
        parsed, remote.raw_json, author, mentioned_local=mentioned, in_reply_to=in_reply_to
    )
    if contribution is not None:
        await record_inbound_links(contribution, declared_sources(remote.document), read_quote_target(remote.document))
        if tell:
            await contribution_published(contribution)
    return contribution


def declared_sources(document: dict[str, Any]) -> RemixSources | None:
    """The sources a remote remix pins; None when it pins none or they are malformed (it may still
    be a quote)."""
    try:
        return parse_sources(document)
    except SourcesError:
        return None


async def _author(uri: str, ctx: HandlerContext) -> Actor:
    actor = await find_actor_by_uri(uri)
    return actor if actor is not None else await get_remote_actor(uri, fetcher=ctx.fetcher)


async def mentioned_local_people(parsed: ParsedNote, ctx: HandlerContext) -> list[Actor]:
    """Live local people the object mentions (Mention tags) or addresses (`to`, `cc`), and our
    projects it does so to (a submission: services/submissions.py)."""
    iris = [tag.href for tag in parsed.tags if tag.kind == TagType.MENTION and tag.href]
    iris += [*parsed.to, *parsed.cc]
    people: list[Actor] = []
    for iri in list(dict.fromkeys(iris))[:MAX_ADDRESSEES]:
        person = await ctx.local_followable(iri)
        if person is not None:
            people.append(person)
    return people

