"""Pinning the sources of a remix made here (DESIGN §7, docs/attribution-chains.md §1).

Each source a client names is read exactly: ours from the signed version we keep, another
server's by a signed GET of its origin. Its proof and its own chain are verified (a source with no
proof is `attested`), its author's quote policy must admit the remixer, and its digest is pinned.
Every refusal is a 4xx whose message names the source and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fediverse_hit.errors import Forbidden, ValidationFailed
from fediverse_hit.federation.contribution_documents import current_version_text
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.source_documents import ChainMaterial, FetchedDocument, fetch_exact, gather_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import ChainReport, Verdict, verify_chain
from fediverse_hit.protocol.chain_graphs import ChainError
from fediverse_hit.protocol.notes import ObjectShapeError, parse_note
from fediverse_hit.protocol.quote_permissions import QuoteApproval, read_quote_approval
from fediverse_hit.protocol.remix_sources import Source, SourceRequest, SourcesError, assign_weights, read_authors
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.protocol.vocabulary import FollowState
from fediverse_hit.services.remixes import KeptDocument, LinkState, PinnedSource, check_local_source
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.contributions import find_local_contribution
from fediverse_hit.store.follows import find_follow
from fediverse_hit.store.models import Actor


async def pin_sources(remixer: Actor, requests: Sequence[SourceRequest], fetcher: Fetcher) -> tuple[PinnedSource, ...]:
    """Every requested source, pinned, in order; ValidationFailed or Forbidden naming the first
    source that cannot be remixed by `remixer`."""
    try:
        weights = assign_weights([request.weight for request in requests])
    except SourcesError as exc:
        raise ValidationFailed(f"This remix cannot be made: {exc}.") from None
    pinned = []
    for request, weight in zip(requests, weights, strict=True):
        if fetcher.urls.parse_contribution(request.object_id) is not None:
            pinned.append(await _pin_local(remixer, request.object_id, weight, fetcher.urls))
        else:
            pinned.append(await _pin_remote(remixer, request.object_id, weight, fetcher))
    return tuple(pinned)


async def _pin_local(remixer: Actor, object_id: str, weight: int, urls: InstanceUrls) -> PinnedSource:
    """One of ours: the signed current version as kept (its ancestors were kept when it was made)."""
    found = await find_local_contribution(urls.parse_contribution(object_id) or "")
    if found is not None and found.deleted_at is not None:
        raise ValidationFailed(f"Source {object_id} was deleted.")
    contribution = await check_local_source(remixer, found, object_id)
    text = await current_version_text(contribution, urls)
    digest = compute_digest_multibase(json.loads(text))
    source = Source(object_id, (contribution.author.uri,), digest, weight)
    return PinnedSource(source, text, contribution.license or None, LinkState.VERIFIED)


async def _pin_remote(remixer: Actor, object_id: str, weight: int, fetcher: Fetcher) -> PinnedSource:
    fetched = await _fetch_source(object_id, fetcher)
    document = fetched.document
    try:
        parsed = parse_note(document)
        authors = read_authors(document.get("attributedTo"))
    except (ObjectShapeError, SourcesError) as exc:
        raise ValidationFailed(f"Source {object_id} is not a contribution that can be remixed: {exc}.") from None
    if host_of(parsed.attributed_to) != host_of(object_id):
        raise ValidationFailed(f"Source {object_id} names an author on another server ({parsed.attributed_to}).")
    material = await gather_chain(fetched, fetcher)
    try:
        report = verify_chain(document, material.lookup_object, material.lookup_actor)
    except ChainError as exc:
        raise ValidationFailed(f"The chain of source {object_id} cannot be accepted: {exc}.") from None
    _check_report(object_id, report)
    await _check_quote_policy(remixer, object_id, document, parsed.attributed_to, material)
    source = Source(object_id, authors, report.links[0].digest, weight)
    state = LinkState.VERIFIED if report.links[0].verdict is Verdict.VERIFIED else LinkState.ATTESTED
    return PinnedSource(
        source, fetched.text, parsed.license, state,
        ancestors=_kept_ancestors(report, material),
        key_documents=tuple((actor_id, item.text) for actor_id, item in sorted(material.actors.items())),
    )


async def _fetch_source(object_id: str, fetcher: Fetcher) -> FetchedDocument:
    try:
        fetched = await fetch_exact(object_id, fetcher)
    except FetchError as exc:
        if exc.gone:
            raise ValidationFailed(f"Source {object_id} is gone (its server answers HTTP 410).") from None
        if exc.status == 404:
            raise ValidationFailed(f"Source {object_id} does not exist (its server answers HTTP 404).") from None
        raise ValidationFailed(f"Source {object_id} could not be fetched: {exc.reason}.") from None
    if fetched.document.get("type") == "Tombstone":
        raise ValidationFailed(f"Source {object_id} is gone (its server serves a Tombstone).")
    return fetched


def _check_report(object_id: str, report: ChainReport) -> None:
    """The source itself must be verified or attested, and so must every ancestor it pins."""
    for link in report.links:
        if link.verdict.holds:
            continue
        if link.parent_id is None:
            raise ValidationFailed(f"Source {object_id} cannot be remixed: {link.verdict}: {link.reason}.")
        raise ValidationFailed(
            f"Source {object_id} builds on {link.object_id}, whose link cannot be checked "
            f"({link.verdict}: {link.reason})."
        )


async def _check_quote_policy(
    remixer: Actor, object_id: str, document: dict[str, object], author_id: str, material: ChainMaterial
) -> None:
    """The source's `interactionPolicy.canQuote` must admit the remixer (unstated admits all)."""
    author_document = material.lookup_actor(author_id) or {}
    followers = author_document.get("followers")
    author = await find_actor_by_uri(author_id)
    follow = await find_follow(remixer, author) if author is not None else None
    approval = read_quote_approval(
        document, remixer.uri, follows_author=follow is not None and follow.state == FollowState.ACCEPTED,
        author_followers=followers if isinstance(followers, str) else None,
    )
    if approval is QuoteApproval.DENIED:
        raise Forbidden(
            f"Source {object_id} cannot be remixed by you: its author's quote policy (interactionPolicy "
            "canQuote) does not include you."
        )


def _kept_ancestors(report: ChainReport, material: ChainMaterial) -> tuple[KeptDocument, ...]:
    """The ancestors whose links hold, each once, with the exact text they were checked from."""
    kept: dict[tuple[str, str], KeptDocument] = {}
    for link in report.links[1:]:
        key = (link.object_id, link.digest)
        if link.verdict.holds and key in material.objects and key not in kept:
            kept[key] = KeptDocument(link.object_id, link.digest, material.objects[key].text)
    return tuple(kept.values())
