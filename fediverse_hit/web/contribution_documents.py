"""ActivityPub documents of contributions: the Note (HTML for browsers on the same URL), its
kept versions, its chain bundle, its replies/likes/shares collections, and the outbox and
featured collections.

Signed Notes are served from the stored text byte for byte, so proofs and pinned digests hold.
Only what an anonymous visitor may see (`can_view(None, …)`: public and unlisted) is served as
AS2; others answer 404 (they reach their audience by delivery).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.federation.collections import (
    PAGE_SIZE,
    build_collection,
    build_collection_page,
    parse_page_number,
)
from fediverse_hit.federation.contribution_documents import (
    current_version_text,
    current_version_texts,
    publish_version,
)
from fediverse_hit.federation.stored_chains import collect_stored_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.chain_bundles import build_chain_bundle
from fediverse_hit.protocol.content_activities import build_create, build_tombstone
from fediverse_hit.protocol.vocab import AS_CONTEXT
from fediverse_hit.services.contribution_rules import can_view
from fediverse_hit.store.contributions import (
    count_public_by,
    count_replies,
    find_local_contribution,
    find_version,
    list_pinned,
    list_public_by,
    list_reply_uris,
)
from fediverse_hit.store.interactions import boosters, interaction_counts, likers
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.web import contribution_pages
from fediverse_hit.web.negotiation import (
    activity_response,
    json_response,
    stored_activity_response,
    wants_activity_json,
)

CONTRIBUTION_COLLECTIONS = ("replies", "likes", "shares")


async def _contribution(request: Request) -> Contribution:
    contribution = await find_local_contribution(str(request.path_params["local_id"]))
    if contribution is None:
        raise NotFound("No such contribution.")
    return contribution


def _gone(contribution: Contribution) -> Response:
    assert contribution.deleted_at is not None
    return activity_response(
        {"@context": AS_CONTEXT, **build_tombstone(contribution.uri, contribution.deleted_at)}, 410
    )


async def contribution(request: Request) -> Response:
    """`/contributions/{id}`: the signed Note, or the work page for browsers."""
    found = await _contribution(request)
    if not wants_activity_json(request):
        return await contribution_pages.render_contribution(request, found)
    if found.deleted_at is not None:
        return _gone(found)
    if not await can_view(None, found):
        raise NotFound("No such contribution.")
    return stored_activity_response(await current_version_text(found, request.app.state.urls), request=request)


async def contribution_activity(request: Request) -> Response:
    """`/contributions/{id}/activity`: the Create that published it (Mastodon serves these too)."""
    found = await _contribution(request)
    if found.deleted_at is not None:
        return _gone(found)
    if not await can_view(None, found):
        raise NotFound("No such activity.")
    urls: InstanceUrls = request.app.state.urls
    note = await publish_version(found, urls)
    return activity_response(build_create(urls.contribution_activity(str(found.local_id)), note), request=request)


async def contribution_version(request: Request) -> Response:
    """`/contributions/{id}/versions/{n}`: version n exactly as it was signed and published."""
    found = await _contribution(request)
    if found.deleted_at is not None:
        return _gone(found)
    version = await find_version(found, int(request.path_params["number"]))
    if version is None or not await can_view(None, found):
        raise NotFound("No such version.")
    return stored_activity_response(version.document_json, request=request)


async def contribution_chain(request: Request) -> Response:
    """`/contributions/{id}/chain`: the chain bundle, every version the chain pins as exact text
    and every author's actor document, so it verifies with no network (docs/attribution-chains.md §4)."""
    found = await _contribution(request)
    if found.deleted_at is not None:
        raise Gone("This contribution was deleted.")
    if not await can_view(None, found):
        raise NotFound("No such contribution.")
    chain = await collect_stored_chain(found, request.app.state.urls)
    bundle = build_chain_bundle(chain.root, chain.ancestors(), sorted(chain.actors.items()))
    return json_response(bundle, "application/json", max_age=60)


async def contribution_collection(request: Request) -> Response:
    """`replies` (reply IRIs, oldest first), `likes` and `shares` (actor IRIs) of a contribution."""
    found = await _contribution(request)
    name = request.url.path.rsplit("/", 1)[-1]
    if found.deleted_at is not None:
        raise Gone("This contribution was deleted.")
    if not await can_view(None, found):
        raise NotFound("No such collection.")
    urls: InstanceUrls = request.app.state.urls
    collection_id = urls.contribution_collection(str(found.local_id), name)
    if name == "replies":
        total = await count_replies(found)
    else:
        counts = (await interaction_counts([found.id])).get(found.id)
        total = 0 if counts is None else (counts.likes if name == "likes" else counts.shares)
    page = parse_page_number(request.query_params.get("page"))
    if page is None:
        return activity_response(build_collection(collection_id, total), request=request)
    offset = (page - 1) * PAGE_SIZE
    if name == "replies":
        items = await list_reply_uris(found, offset, PAGE_SIZE)
    else:
        lister = likers if name == "likes" else boosters
        items = [actor.uri for actor in await lister(found, offset, PAGE_SIZE)]
    return activity_response(build_collection_page(collection_id, page, total, items), request=request)


async def _signed_notes(contributions: list[Contribution], urls: InstanceUrls) -> list[dict[str, Any]]:
    return [json.loads(text) for text in await current_version_texts(contributions, urls)]


async def user_outbox(request: Request, actor: Actor) -> Response:
    """A person's outbox: the Creates of their public and unlisted contributions, newest first."""
    urls: InstanceUrls = request.app.state.urls
    collection_id = urls.actor_collection(actor.kind, actor.username, "outbox")
    total = await count_public_by(actor)
    page = parse_page_number(request.query_params.get("page"))
    if page is None:
        return activity_response(build_collection(collection_id, total), request=request)
    rows = await list_public_by(actor, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    for row in rows:
        row.author = actor
    creates = []
    for row, note in zip(rows, await _signed_notes(rows, urls), strict=True):
        create = build_create(urls.contribution_activity(str(row.local_id)), note)
        creates.append({key: value for key, value in create.items() if key != "@context"})
    return activity_response(build_collection_page(collection_id, page, total, creates), request=request)


async def user_featured(request: Request, actor: Actor) -> Response:
    """A person's pinned public contributions, embedded, as Mastodon serves `featured`."""
    urls: InstanceUrls = request.app.state.urls
    pinned = await list_pinned(actor, public_only=True)
    notes = await _signed_notes(pinned, urls)
    return activity_response(
        {
            "@context": AS_CONTEXT,
            "id": urls.actor_collection(actor.kind, actor.username, "featured"),
            "type": "OrderedCollection",
            "totalItems": len(notes),
            "orderedItems": notes,
        },
        request=request,
    )
