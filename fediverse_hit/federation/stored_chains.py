"""What this server holds of a contribution's attribution chain (DESIGN §7): every pinned version
of every ancestor as exact signed text, and every author's actor document. No network: this is what
`/contributions/{id}/chain` serves and what the work page verifies.

A pinned version is looked for, in order, among the snapshots kept when a remix was made
(ChainDocument, by digest), then our own contributions' versions and remote contributions' copies
(by IRI, hashed here). The walk follows sources as `attribution.verify_chain` would, bounded by its
limits, and never trusts what it finds: the verifier recomputes every digest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.actor_documents import actor_to_ap
from fediverse_hit.federation.contribution_documents import current_version_text
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import MAX_NODES
from fediverse_hit.protocol.chain_bundles import BundledObject
from fediverse_hit.protocol.remix_sources import SourcesError, parse_sources, read_authors
from fediverse_hit.protocol.source_digests import SourceDigestError, compute_digest_multibase
from fediverse_hit.store.actors import find_actor_by_uri, list_active_keys
from fediverse_hit.store.chain_documents import find_chain_documents, find_key_documents, find_stored_copies
from fediverse_hit.store.models import Contribution

Pinned = tuple[str, str]  # (object id, digestMultibase)


@dataclass(frozen=True)
class StoredChain:
    """A root version, the ancestor versions found here (exact text, by (id, digest)), and the
    actor documents of every author of them (text, by actor id)."""

    root: BundledObject
    versions: Mapping[Pinned, str]
    actors: Mapping[str, str]
    parsed: Mapping[Pinned, dict[str, Any]] = field(repr=False)

    @property
    def root_document(self) -> dict[str, Any]:
        return self.parsed[(self.root.object_id, self.root.digest)]

    def ancestors(self) -> list[BundledObject]:
        """The ancestor versions found, in the order the walk met them (the root left out)."""
        root_key = (self.root.object_id, self.root.digest)
        return [BundledObject(key[0], key[1], text) for key, text in self.versions.items() if key != root_key]

    def lookup_object(self, object_id: str, digest: str) -> dict[str, Any] | None:
        """An `attribution.ObjectLookup` over what was found."""
        return self.parsed.get((object_id, digest))

    def lookup_actor(self, actor_id: str) -> dict[str, Any] | None:
        """An `author_keys.ActorLookup` over the actor documents found."""
        text = self.actors.get(actor_id)
        return None if text is None else _parse(text)


async def root_version_text(contribution: Contribution, urls: InstanceUrls) -> str:
    """The text a chain starts from: our current signed version, or a remote copy as received."""
    if contribution.local:
        await contribution.fetch_related("author")
        return await current_version_text(contribution, urls)
    if contribution.raw_json is None:
        raise NotFound("No copy of this contribution is kept here.")
    return contribution.raw_json


async def collect_stored_chain(contribution: Contribution, urls: InstanceUrls) -> StoredChain:
    """Everything stored here that the chain of `contribution` (its current version) pins."""
    root_text = await root_version_text(contribution, urls)
    root_document = _parse(root_text)
    if root_document is None:
        raise NotFound("The kept copy of this contribution is not a JSON object.")
    try:
        root_digest = compute_digest_multibase(root_document)
    except SourceDigestError as exc:
        raise NotFound(f"The kept copy of this contribution cannot be hashed: {exc}") from None
    root_key = (contribution.uri, root_digest)
    versions: dict[Pinned, str] = {root_key: root_text}
    parsed: dict[Pinned, dict[str, Any]] = {root_key: root_document}
    frontier = _pinned_sources(root_document)
    while frontier and len(versions) < MAX_NODES:
        wanted = [key for key in dict.fromkeys(frontier) if key not in versions][: MAX_NODES - len(versions)]
        found = await _find_versions(wanted)
        frontier = []
        for key in wanted:
            if key in found:
                versions[key], parsed[key] = found[key]
                frontier.extend(_pinned_sources(found[key][1]))
    actors = await _find_actors(_authors_of(parsed.values()), urls)
    return StoredChain(BundledObject(contribution.uri, root_digest, root_text), versions, actors, parsed)


async def _find_versions(wanted: list[Pinned]) -> dict[Pinned, tuple[str, dict[str, Any]]]:
    """The copies of `wanted` kept here: snapshots by digest first, then our contributions."""
    found: dict[Pinned, tuple[str, dict[str, Any]]] = {}
    snapshots = await find_chain_documents(digest for _object_id, digest in wanted)
    for key in wanted:
        text = snapshots.get(key[1])
        document = None if text is None else _parse(text)
        if text is not None and document is not None and document.get("id") == key[0]:
            found[key] = (text, document)
    missing = [key for key in wanted if key not in found]
    copies = await find_stored_copies(object_id for object_id, _digest in missing)
    for key in missing:
        for text in copies.get(key[0], ()):
            document = _parse(text)
            if document is not None and _digest_of(document) == key[1]:
                found[key] = (text, document)
                break
    return found


async def _find_actors(actor_ids: Iterable[str], urls: InstanceUrls) -> dict[str, str]:
    """Actor document text of each author: ours built fresh (with our current keys), others' as
    kept when a chain through them was checked, else as last fetched."""
    wanted = list(dict.fromkeys(actor_ids))
    local = [actor_id for actor_id in wanted if urls.parse_user(actor_id) is not None]
    found = await find_key_documents(actor_id for actor_id in wanted if actor_id not in local)
    for actor_id in wanted:
        if actor_id in found:
            continue
        actor = await find_actor_by_uri(actor_id)
        if actor is None or actor.deleted_at is not None:
            continue
        if actor.local:
            document: Mapping[str, Any] | None = actor_to_ap(actor, await list_active_keys(actor), urls)
        else:
            document = actor.document
        if document is not None:
            found[actor_id] = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return found


def _pinned_sources(document: Mapping[str, Any]) -> list[Pinned]:
    try:
        sources = parse_sources(document)
    except SourcesError:
        return []  # the verifier reports the malformed list; there is nothing to follow
    return [] if sources is None else [(source.object_id, source.digest) for source in sources.sources]


def _authors_of(documents: Iterable[Mapping[str, Any]]) -> list[str]:
    authors: list[str] = []
    for document in documents:
        try:
            authors.extend(read_authors(document.get("attributedTo")))
        except SourcesError:
            continue
    return authors


def _digest_of(document: Mapping[str, Any]) -> str | None:
    try:
        return compute_digest_multibase(document)
    except SourceDigestError:
        return None


def _parse(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
