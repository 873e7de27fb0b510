"""The chain bundle: every version a chain pins, as exact JSON text, plus its authors' actor
documents, so the chain verifies with no network (DESIGN §7, `/contributions/{id}/chain`).

Documents travel as strings so the verifier hashes what the signer signed, not a re-encoding.
The format is specified in docs/attribution-chains.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fediverse_hit.protocol.author_keys import ActorLookup
from fediverse_hit.protocol.source_digests import SourceDigestError, check_digest_multibase

BUNDLE_TYPE = "fhit:ChainBundle"
MAX_BUNDLE_BYTES = 32 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024  # the same cap as any fetched document (DESIGN §5)
MAX_ENTRIES = 10000  # objects, and actors, per bundle: attribution.MAX_NODES

JsonObject = dict[str, Any]


class BundleError(ValueError):
    """A bundle that is not well formed or breaks a size cap; the message says which."""


@dataclass(frozen=True)
class BundledObject:
    """One pinned version: its id, the digest the bundle claims for it, and its exact JSON text."""

    object_id: str
    digest: str
    text: str


@dataclass(frozen=True)
class ChainBundle:
    """A parsed bundle. Claimed digests are not trusted: the verifier recomputes them."""

    root_id: str
    root_digest: str
    objects: Mapping[tuple[str, str], JsonObject]
    actors: Mapping[str, JsonObject]

    @property
    def root(self) -> JsonObject | None:
        """The root version the bundle names, parsed (None when the bundle lacks it)."""
        return self.objects.get((self.root_id, self.root_digest))

    def lookup_object(self, object_id: str, digest: str) -> JsonObject | None:
        """An `attribution.ObjectLookup` over this bundle."""
        return self.objects.get((object_id, digest))

    def actor_lookup(self) -> ActorLookup:
        """An `author_keys.ActorLookup` over this bundle's actor documents."""
        return self.actors.get


def build_chain_bundle(
    root: BundledObject, ancestors: Iterable[BundledObject], actors: Iterable[tuple[str, str]]
) -> JsonObject:
    """The bundle JSON: `root` and its ancestor versions, and (actor id, actor JSON text) pairs."""
    objects = [root, *(entry for entry in ancestors if entry != root)]
    return {
        "type": BUNDLE_TYPE,
        "root": {"id": root.object_id, "digestMultibase": root.digest},
        "objects": [
            {"id": entry.object_id, "digestMultibase": entry.digest, "document": entry.text}
            for entry in objects
        ],
        "actors": [{"id": actor_id, "document": text} for actor_id, text in actors],
    }


def parse_chain_bundle(data: bytes | str) -> ChainBundle:
    """Parse a bundle's bytes, refusing oversized input, duplicate keys and duplicate entries."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BUNDLE_BYTES:
        raise BundleError(f"bundle is {size} bytes; at most {MAX_BUNDLE_BYTES} are read")
    bundle = _load_json(data, "bundle")
    if bundle.get("type") != BUNDLE_TYPE:
        raise BundleError(f"bundle type must be {BUNDLE_TYPE!r}")
    root = bundle.get("root")
    if not isinstance(root, Mapping):
        raise BundleError("bundle root must be an object with id and digestMultibase")
    root_id, root_digest = _string(root.get("id"), "root.id"), _digest(root.get("digestMultibase"), "root")
    objects: dict[tuple[str, str], JsonObject] = {}
    for index, entry in enumerate(_entries(bundle, "objects")):
        key = (_string(entry.get("id"), f"objects[{index}].id"),
               _digest(entry.get("digestMultibase"), f"objects[{index}]"))
        if key in objects:
            raise BundleError(f"objects[{index}] repeats {key[0]} at the same digest")
        objects[key] = _document(entry.get("document"), f"objects[{index}]")
    actors: dict[str, JsonObject] = {}
    for index, entry in enumerate(_entries(bundle, "actors")):
        actor_id = _string(entry.get("id"), f"actors[{index}].id")
        if actor_id in actors:
            raise BundleError(f"actors[{index}] repeats {actor_id}")
        actors[actor_id] = _document(entry.get("document"), f"actors[{index}]")
    return ChainBundle(root_id, root_digest, objects, actors)


def _entries(bundle: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    entries = bundle.get(field)
    if not isinstance(entries, list) or not all(isinstance(entry, Mapping) for entry in entries):
        raise BundleError(f"bundle {field} must be a list of objects")
    if len(entries) > MAX_ENTRIES:
        raise BundleError(f"bundle has {len(entries)} {field}; at most {MAX_ENTRIES}")
    return entries


def _document(text: object, where: str) -> JsonObject:
    if not isinstance(text, str):
        raise BundleError(f"{where}.document must be the document's JSON text, as a string")
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise BundleError(f"{where}.document is over {MAX_DOCUMENT_BYTES} bytes")
    return _load_json(text, f"{where}.document")


def _load_json(data: bytes | str, where: str) -> JsonObject:
    try:
        # Duplicate keys are refused: parsers disagree on which one wins, so two verifiers could
        # hash different objects from one text.
        value = json.loads(
            data, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
        )
    except (ValueError, RecursionError) as exc:
        raise BundleError(f"{where} is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(value, dict):
        raise BundleError(f"{where} must be a JSON object")
    return value


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> JsonObject:
    result: JsonObject = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key[:100]!r}")
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _string(value: object, where: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise BundleError(f"{where} must be a non-empty string of at most 2048 characters")
    return value


def _digest(value: object, where: str) -> str:
    try:
        return check_digest_multibase(value)
    except SourceDigestError as exc:
        raise BundleError(f"{where}: {exc}") from None
