"""Named queries over the verbatim documents attribution chains are verified from: signed object
versions found by their pinned digest, and authors' actor documents (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Iterable

from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES
from fediverse_hit.store.models import ChainDocument, ChainKeyDocument, Contribution, ContributionVersion


async def keep_chain_document(digest_multibase: str, object_uri: str, document_json: str) -> None:
    """Keep one object version under its digest; a digest already kept is never overwritten
    (the same digest means the same canonical document)."""
    await ChainDocument.get_or_create(
        digest_multibase=digest_multibase, defaults={"object_uri": object_uri, "document_json": document_json}
    )


async def find_chain_documents(digests: Iterable[str]) -> dict[str, str]:
    """The kept document text of each of `digests` that is known here, by digest."""
    wanted = list(dict.fromkeys(digests))
    if not wanted:
        return {}
    rows = await ChainDocument.filter(digest_multibase__in=wanted).values_list("digest_multibase", "document_json")
    return {str(digest): str(text) for digest, text in rows}


async def keep_key_document(actor_uri: str, document_json: str) -> None:
    """Keep (or refresh) the actor document that holds an author's keys."""
    await ChainKeyDocument.update_or_create(actor_uri=actor_uri, defaults={"document_json": document_json})


async def find_key_documents(actor_uris: Iterable[str]) -> dict[str, str]:
    """The kept actor document text of each of `actor_uris` that is known here, by actor IRI."""
    wanted = list(dict.fromkeys(actor_uris))
    if not wanted:
        return {}
    rows = await ChainKeyDocument.filter(actor_uri__in=wanted).values_list("actor_uri", "document_json")
    return {str(uri): str(text) for uri, text in rows}


async def find_stored_copies(object_uris: Iterable[str]) -> dict[str, list[str]]:
    """Every copy of each of `object_uris` kept as a contribution here, by IRI: each version of a
    local contribution as signed, and a remote contribution's current copy as received. Only
    what anyone may see (public or unlisted, not deleted): chain bundles are public."""
    wanted = list(dict.fromkeys(object_uris))
    if not wanted:
        return {}
    copies: dict[str, list[str]] = {}
    versions = await ContributionVersion.filter(
        contribution__uri__in=wanted,
        contribution__deleted_at__isnull=True,
        contribution__visibility__in=OPEN_VISIBILITIES,
    ).order_by("number").values_list(
        "contribution__uri", "document_json"
    )
    for uri, text in versions:
        copies.setdefault(str(uri), []).append(str(text))
    remote = await Contribution.filter(
        uri__in=wanted, local=False, raw_json__isnull=False, deleted_at__isnull=True, visibility__in=OPEN_VISIBILITIES
    ).values_list("uri", "raw_json")
    for uri, text in remote:
        copies.setdefault(str(uri), []).append(str(text))
    return copies
