"""Verifying an attribution chain: every pinned source of a remix, down to the originals (DESIGN §7).

From the root down, each object's FEP-8b32 proof is checked with its author's key
(protocol/author_keys.py) and each `fhit:Source` is matched by its pinned `digestMultibase`
(protocol/source_digests.py). Lookups are injected; the algorithm is in docs/attribution-chains.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.author_keys import (
    ActorLookup,
    AuthorKeyMismatch,
    AuthorKeyUnavailable,
    resolve_author_key,
)
from fediverse_hit.protocol.canonical_json import CanonicalJson
from fediverse_hit.protocol.chain_graphs import ChainError, check_chain_shape
from fediverse_hit.protocol.integrity_proofs import (
    DEFAULT_POLICY,
    ProofError,
    VerificationPolicy,
    verify_proof,
)
from fediverse_hit.protocol.remix_sources import Source, SourcesError, parse_sources, read_authors
from fediverse_hit.protocol.source_digests import (
    SourceDigestError,
    compute_digest_multibase,
    digest_matches,
)

MAX_DEPTH = 1000  # DESIGN §7: deeper chains are refused
MAX_NODES = 10000  # distinct (object, version) pairs one verification will look up

_KeyResolution = Callable[[str, tuple[str, ...]], tuple[str, ed25519.Ed25519PublicKey]]
ObjectLookup = Callable[[str, str], Mapping[str, Any] | None]
"""(object id, pinned digest) → the copy claimed to be that version (current copy, versions
collection or bundle); None, or LookupError with a reason, when there is none. Its digest is
recomputed here, so a lookup may return a wrong copy without making it look right."""


class Verdict(StrEnum):
    """What one link of the chain proves."""

    VERIFIED = "verified"  # the author's own proof holds over the pinned version
    ATTESTED = "attested"  # no proof: only the digest pinned by the citing object vouches for it
    TAMPERED = "tampered"  # digest, proof or pinned fields do not match
    UNAVAILABLE = "unavailable"  # no copy of the pinned version, or no key document, to check
    KEY_MISMATCH = "key mismatch"  # signed with a key that is not its author's

    @property
    def holds(self) -> bool:
        return self in (Verdict.VERIFIED, Verdict.ATTESTED)


@dataclass(frozen=True)
class LinkReport:
    """One link: `object_id` as cited by `parent_id` (None for the root) at `digest`."""

    parent_id: str | None
    object_id: str
    digest: str
    depth: int
    verdict: Verdict
    reason: str
    signer: str | None = None  # the author whose key verified the proof


@dataclass(frozen=True)
class ChainReport:
    """Every link of a chain in depth-first order, the root first; shared ancestors are checked
    once but listed once per citing object (a source reached twice is credited twice)."""

    root_id: str
    links: tuple[LinkReport, ...]

    def holds(self, strict: bool = False) -> bool:
        """Every link verified (strict) or verified/attested (not strict)."""
        if strict:
            return all(link.verdict is Verdict.VERIFIED for link in self.links)
        return all(link.verdict.holds for link in self.links)


@dataclass(frozen=True)
class _Node:
    verdict: Verdict
    reason: str
    authors: tuple[str, ...] = ()
    signer: str | None = None
    sources: tuple[Source, ...] = ()


def verify_chain(
    root: Mapping[str, Any],
    lookup_object: ObjectLookup,
    lookup_actor: ActorLookup,
    policy: VerificationPolicy = DEFAULT_POLICY,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> ChainReport:
    """Check `root` (exactly as received) and every source it pins, recursively.

    Raises ChainError for a cycle, a chain deeper than `max_depth` or larger than `max_nodes`;
    every other failure is a link's verdict with its reason.
    """
    root_id = str(root.get("id", ""))
    canonicalize = CanonicalJson()
    try:
        root_digest = compute_digest_multibase(root, canonicalize)
    except SourceDigestError as exc:
        return ChainReport(root_id, (LinkReport(None, root_id, "", 0, Verdict.TAMPERED, str(exc)),))
    resolve_key = _memoize_key_resolution(lookup_actor)
    root_node = _check_object(root, None, resolve_key, policy, canonicalize)
    links = [LinkReport(None, root_id, root_digest, 0, root_node.verdict, root_node.reason, root_node.signer)]
    checked: dict[tuple[str, str], _Node] = {(root_id, root_digest): root_node}
    edges: list[tuple[str, str]] = []
    stack = [(root_id, iter(root_node.sources), 0)]
    while stack:
        parent_id, pending, depth = stack[-1]
        source = next(pending, None)
        if source is None:
            stack.pop()
            continue
        edges.append((parent_id, source.object_id))
        key = (source.object_id, source.digest)
        node = checked.get(key)
        if node is None:
            if len(checked) >= max_nodes:
                raise ChainError(f"the chain holds more than {max_nodes} objects")
            node = checked[key] = _check_source(source, lookup_object, resolve_key, policy)
            # Only a verified or attested node carries its sources, so nothing below a broken
            # link is followed.
            stack.append((source.object_id, iter(node.sources), depth + 1))
        links.append(_link(parent_id, source, depth + 1, node))
    check_chain_shape(root_id, edges, max_depth)
    return ChainReport(root_id, tuple(links))


def _memoize_key_resolution(lookup_actor: ActorLookup) -> _KeyResolution:
    """`resolve_author_key` remembered per (key, authors) for one verification: most authors sign
    many objects of a chain, and decoding a key (and looking up its actor) once is enough."""
    memo: dict[tuple[str, tuple[str, ...]], tuple[str, ed25519.Ed25519PublicKey] | ValueError | LookupError] = {}

    def resolve(method: str, authors: tuple[str, ...]) -> tuple[str, ed25519.Ed25519PublicKey]:
        key = (method, authors)
        if key not in memo:
            try:
                memo[key] = resolve_author_key(method, authors, lookup_actor)
            except (AuthorKeyMismatch, AuthorKeyUnavailable) as exc:
                memo[key] = exc
        found = memo[key]
        if isinstance(found, (ValueError, LookupError)):
            raise found
        return found

    return resolve


def _check_source(
    source: Source, lookup_object: ObjectLookup, resolve_key: _KeyResolution, policy: VerificationPolicy
) -> _Node:
    """Find the pinned version of a source and check it (digest first, then its proof)."""
    try:
        document = lookup_object(source.object_id, source.digest)
    except LookupError as exc:
        return _Node(Verdict.UNAVAILABLE, f"no copy of the pinned version: {exc}")
    if document is None:
        return _Node(Verdict.UNAVAILABLE, "no copy of the pinned version was found")
    if document.get("id") != source.object_id:
        return _Node(Verdict.TAMPERED, f"the copy found has id {str(document.get('id'))[:200]!r}")
    # One memo per object: its digest and its proof's two hashes share most members' JCS bytes.
    canonicalize = CanonicalJson()
    try:
        if not digest_matches(document, source.digest, canonicalize):
            actual = compute_digest_multibase(document, canonicalize)
            return _Node(Verdict.TAMPERED, f"digest mismatch: pinned {source.digest}, copy has {actual}")
    except SourceDigestError as exc:
        return _Node(Verdict.TAMPERED, str(exc))
    return _check_object(document, source, resolve_key, policy, canonicalize)


def _check_object(
    document: Mapping[str, Any],
    pinned_by: Source | None,
    resolve_key: _KeyResolution,
    policy: VerificationPolicy,
    canonicalize: CanonicalJson,
) -> _Node:
    """The object's own proof and sources; `pinned_by` is None for the root."""
    try:
        authors = read_authors(document.get("attributedTo"))
        sources = parse_sources(document)
    except SourcesError as exc:
        return _Node(Verdict.TAMPERED, f"not a valid contribution: {exc}")
    cited = () if sources is None else sources.sources
    if "proof" not in document:
        reason = (
            "carries no proof; nothing but its origin vouches for it"
            if pinned_by is None
            else "carries no proof; its digest is pinned under the citing object"
        )
        return _Node(Verdict.ATTESTED, reason, authors, None, cited)
    method = _verification_method(document)
    if not method:
        try:  # malformed proof: let the proof checker name what is wrong with it
            verify_proof(document, lambda _method: None, policy, canonicalize)
        except ProofError as exc:
            return _Node(Verdict.TAMPERED, f"proof does not verify: {exc.reason}", authors)
    try:
        signer, key = resolve_key(method, authors)
    except AuthorKeyUnavailable as exc:
        return _Node(Verdict.UNAVAILABLE, f"author's key document unavailable: {exc}", authors)
    except AuthorKeyMismatch as exc:
        return _Node(Verdict.KEY_MISMATCH, str(exc), authors)
    try:
        verify_proof(document, lambda wanted: key if wanted == method else None, policy, canonicalize)
    except ProofError as exc:
        return _Node(Verdict.TAMPERED, f"proof does not verify: {exc.reason}", authors)
    return _Node(Verdict.VERIFIED, f"proof by {signer} holds", authors, signer, cited)


def _verification_method(document: Mapping[str, Any]) -> str:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    return method if isinstance(method, str) else ""


def _link(parent_id: str, source: Source, depth: int, node: _Node) -> LinkReport:
    """A link's verdict: the node's own, unless the citing object misnames its authors."""
    if node.authors and set(source.authors) != set(node.authors):
        reason = (
            f"the citing object credits {', '.join(source.authors)} but the source is "
            f"attributed to {', '.join(node.authors)}"
        )
        return LinkReport(parent_id, source.object_id, source.digest, depth, Verdict.TAMPERED, reason)
    return LinkReport(
        parent_id, source.object_id, source.digest, depth, node.verdict, node.reason, node.signer
    )
