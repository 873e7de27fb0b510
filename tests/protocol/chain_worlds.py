"""Test helper: authors on three servers with real Ed25519 keys, and signed contributions citing
each other, so attribution chains can be built, served and tampered with."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.keys import public_key_to_multibase
from fediverse_hit.protocol.remix_sources import RemixSources, Source, build_sources_fields
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from fediverse_hit.protocol.vocab import ACTOR_CONTEXT, REMIX_NOTE_CONTEXT

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
JsonObject = dict[str, Any]


@dataclass
class Author:
    """An actor on `host` with one Ed25519 key listed in its assertionMethod."""

    host: str
    name: str
    key: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)

    @property
    def id(self) -> str:
        return f"https://{self.host}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return f"{self.id}#ed25519-key"

    def actor_document(self) -> JsonObject:
        return {
            "@context": ACTOR_CONTEXT,
            "id": self.id,
            "type": "Person",
            "preferredUsername": self.name,
            "inbox": f"{self.id}/inbox",
            "assertionMethod": [{
                "id": self.key_id,
                "type": "Multikey",
                "controller": self.id,
                "publicKeyMultibase": public_key_to_multibase(self.key.public_key()),
            }],
        }


@dataclass(frozen=True)
class Cite:
    """A source to pin: the exact document, and its weight."""

    document: Mapping[str, Any]
    weight: int


def make_note(
    author: Author,
    number: int,
    content: str,
    sources: Sequence[Cite] = (),
    signer: Author | None = None,
    sign: bool = True,
    key_id: str | None = None,
) -> JsonObject:
    """A contribution by `author` on its host, pinning `sources`, signed by `signer` (the author)."""
    note: JsonObject = {
        "@context": copy.deepcopy(REMIX_NOTE_CONTEXT),
        "id": f"https://{author.host}/contributions/{number}",
        "type": "Note",
        "attributedTo": author.id,
        "content": f"<p>{content}</p>",
        "published": "2026-01-02T03:04:05Z",
        "license": "https://creativecommons.org/licenses/by-sa/4.0/",
    }
    if sources:
        pinned = tuple(
            Source(str(cite.document["id"]), _authors(cite.document), compute_digest_multibase(cite.document), cite.weight)
            for cite in sources
        )
        note.update(build_sources_fields(RemixSources(pinned, 5000)))
    if not sign:
        return note
    signer = signer or author
    return create_proof(note, signer.key, key_id or signer.key_id, created=CREATED)


def resign(document: Mapping[str, Any], signer: Author) -> JsonObject:
    """`document` with its proof replaced by a fresh one from `signer` (a signer lying on purpose)."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    return create_proof(unsigned, signer.key, signer.key_id, created=CREATED)


def _authors(document: Mapping[str, Any]) -> tuple[str, ...]:
    value = document["attributedTo"]
    return tuple(value) if isinstance(value, list) else (value,)


class World:
    """Servers' stores: each object's current copy by id, and actors by id. Lookups count calls."""

    def __init__(self, authors: Sequence[Author], objects: Sequence[Mapping[str, Any]]) -> None:
        self.actors: dict[str, JsonObject] = {a.id: a.actor_document() for a in authors}
        self.objects: dict[str, JsonObject] = {str(o["id"]): copy.deepcopy(dict(o)) for o in objects}
        self.object_calls: list[tuple[str, str]] = []
        self.actor_calls: list[str] = []

    def lookup_object(self, object_id: str, digest: str) -> JsonObject | None:
        """The current copy, whatever the digest (what a server serves at the object's id)."""
        self.object_calls.append((object_id, digest))
        return self.objects.get(object_id)

    def lookup_actor(self, actor_id: str) -> JsonObject | None:
        self.actor_calls.append(actor_id)
        return self.actors.get(actor_id)
