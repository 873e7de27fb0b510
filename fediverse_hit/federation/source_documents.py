"""Fetching what a remix pins, byte for byte: a source as its origin serves it, its ancestors
(from the source server's chain bundle, else one by one), and its authors' actor documents.

Every GET is signed (Fetcher). Texts are kept exactly as they arrived, since a digest and a proof
hold only over the signed bytes' JSON, never a re-encoding (CONVENTIONS 9).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fediverse_hit.federation.fetcher import Fetcher, parse_json_object
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.urls import chain_bundle_of
from fediverse_hit.protocol.chain_bundles import BundleError, parse_chain_bundle
from fediverse_hit.protocol.media_types import FETCH_ACCEPT, is_activity_media_type
from fediverse_hit.protocol.remix_sources import SourcesError, parse_sources, read_authors
from fediverse_hit.protocol.source_digests import SourceDigestError, compute_digest_multibase

MAX_ANCESTOR_FETCHES = 100  # one-by-one fetches for one source's ancestors (the bundle is one GET)
BUNDLE_ACCEPT = "application/json, application/activity+json"


@dataclass(frozen=True)
class FetchedDocument:
    """A JSON object and the exact text it was parsed from."""

    document: dict[str, Any]
    text: str


@dataclass
class ChainMaterial:
    """What was gathered to check one source: pinned versions by (id, digest), actors by id."""

    objects: dict[tuple[str, str], FetchedDocument] = field(default_factory=dict)
    actors: dict[str, FetchedDocument] = field(default_factory=dict)

    def lookup_object(self, object_id: str, digest: str) -> dict[str, Any] | None:
        found = self.objects.get((object_id, digest))
        return found.document if found is not None else None

    def lookup_actor(self, actor_id: str) -> dict[str, Any] | None:
        found = self.actors.get(actor_id)
        return found.document if found is not None else None


def _decoded(body: bytes) -> str:
    return body.decode(json.detect_encoding(body))


async def fetch_exact(url: str, fetcher: Fetcher) -> FetchedDocument:
    """A signed GET of an AS2 document whose `id` must be the URL that answered."""
    fetched = await fetcher.fetch(url, accept=FETCH_ACCEPT, signed=True, accept_type=is_activity_media_type)
    document = parse_json_object(fetched.url, fetched.body)
    if document.get("id") != fetched.url:
        raise FetchError(url, f"document id {str(document.get('id'))[:200]!r} differs from the URL fetched")
    return FetchedDocument(document, _decoded(fetched.body))


async def gather_chain(source: FetchedDocument, fetcher: Fetcher) -> ChainMaterial:
    """The source's ancestors and every author's actor document, as far as they can be had;
    what is missing shows up as `unavailable` when the chain is verified."""
    material = ChainMaterial()
    if _cited(source.document):
        bundle_url = chain_bundle_of(str(source.document["id"]))
        if bundle_url is not None:  # only our kind of server serves bundles
            await _add_bundle(bundle_url, fetcher, material)
        await _add_ancestors(source.document, fetcher, material)
    authors = {author for item in [source, *material.objects.values()] for author in _authors(item.document)}
    await fetch_actors(authors, fetcher, material)
    return material


async def fetch_actors(actor_ids: Iterable[str], fetcher: Fetcher, material: ChainMaterial) -> None:
    """Add each actor's document not had yet (a failure leaves it out: verification says why)."""
    for actor_id in sorted(actor_ids):
        if actor_id in material.actors:
            continue
        try:
            material.actors[actor_id] = await fetch_exact(actor_id, fetcher)
        except FetchError:
            continue


async def _add_bundle(url: str, fetcher: Fetcher, material: ChainMaterial) -> None:
    """Everything a Fediverse Hit server's chain bundle holds; nothing when it has none."""
    try:
        fetched = await fetcher.fetch(url, accept=BUNDLE_ACCEPT, signed=True, accept_type=None)
        raw = json.loads(fetched.body)
        bundle = parse_chain_bundle(fetched.body)
    except (FetchError, BundleError, ValueError):
        return
    for entry in raw.get("objects", []):
        key = (entry["id"], entry["digestMultibase"])
        material.objects[key] = FetchedDocument(bundle.objects[key], entry["document"])
    for entry in raw.get("actors", []):
        material.actors[entry["id"]] = FetchedDocument(bundle.actors[entry["id"]], entry["document"])


async def _add_ancestors(root: dict[str, Any], fetcher: Fetcher, material: ChainMaterial) -> None:
    """Fetch, one by one, each pinned ancestor the bundle lacked, kept when its current version is
    the pinned one (an edited ancestor stays unavailable unless a bundle had it)."""
    pending = list(_cited(root))
    seen: set[tuple[str, str]] = set()
    fetches = 0
    while pending and fetches < MAX_ANCESTOR_FETCHES:
        object_id, digest = pending.pop()
        if (object_id, digest) in seen:
            continue
        seen.add((object_id, digest))
        if (object_id, digest) in material.objects:
            pending.extend(_cited(material.objects[(object_id, digest)].document))
            continue
        fetches += 1
        try:
            fetched = await fetch_exact(object_id, fetcher)
            matches = compute_digest_multibase(fetched.document) == digest
        except (FetchError, SourceDigestError):
            continue
        if matches:
            material.objects[(object_id, digest)] = fetched
            pending.extend(_cited(fetched.document))


def _cited(document: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        sources = parse_sources(document)
    except SourcesError:
        return []
    return [] if sources is None else [(source.object_id, source.digest) for source in sources.sources]


def _authors(document: dict[str, Any]) -> tuple[str, ...]:
    try:
        return read_authors(document.get("attributedTo"))
    except SourcesError:
        return ()
