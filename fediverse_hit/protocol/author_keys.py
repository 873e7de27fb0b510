"""Which author's key signed an object's proof, checked against that author's own actor document.

DESIGN §7: the key must be listed in the author's `assertionMethod` (FEP-521a Multikey, the author
as `controller`) and live on the author's host, so no server can sign for another server's people.
The lookup from an author id to its actor document is injected (fetcher, database or bundle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.keys import KeyFormatError, multibase_to_public_key
from fediverse_hit.protocol.signature_primitives import authority_of

ActorLookup = Callable[[str], Mapping[str, Any] | None]
"""An author id → that actor's document (None, or LookupError with a reason, when unavailable)."""


class AuthorKeyMismatch(ValueError):
    """The proof's key is not a key of any of the object's authors."""


class AuthorKeyUnavailable(LookupError):
    """No actor document could be had for the author who would own the key."""


def resolve_author_key(
    verification_method: str, authors: Sequence[str], lookup_actor: ActorLookup
) -> tuple[str, ed25519.Ed25519PublicKey]:
    """(author id, Ed25519 key) for `verification_method`, which must belong to one of `authors`.

    Only authors on the key's host are looked up, so a hostile object cannot make the verifier
    fetch every actor it names.
    """
    key_host = _authority(verification_method)
    candidates = [author for author in authors if _authority(author) == key_host]
    if not candidates:
        raise AuthorKeyMismatch(
            f"key {verification_method} is not on the host of any author ({', '.join(authors)})"
        )
    unavailable = []
    for author in candidates:
        try:
            actor = lookup_actor(author)
        except LookupError as exc:
            unavailable.append(f"{author}: {exc}")
            continue
        if actor is None:
            unavailable.append(f"{author}: no actor document")
            continue
        key = _assertion_key(actor, author, verification_method)
        if key is not None:
            return author, key
    if unavailable and len(unavailable) == len(candidates):
        raise AuthorKeyUnavailable("; ".join(unavailable))
    raise AuthorKeyMismatch(
        f"key {verification_method} is not in the assertionMethod of {', '.join(candidates)}"
    )


def _assertion_key(
    actor: Mapping[str, Any], author: str, verification_method: str
) -> ed25519.Ed25519PublicKey | None:
    if actor.get("id") != author:
        return None  # a document for someone else proves nothing about this author
    entries = actor.get("assertionMethod")
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, Mapping) or entry.get("id") != verification_method:
            continue
        if entry.get("controller") != author:
            return None
        try:
            key = multibase_to_public_key(str(entry.get("publicKeyMultibase")))
        except (KeyFormatError, ValueError):
            return None
        return key if isinstance(key, ed25519.Ed25519PublicKey) else None
    return None


def _authority(url: str) -> str:
    try:
        return authority_of(url).lower()
    except ValueError:
        return ""
