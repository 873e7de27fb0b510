"""Reading a remote actor document into a typed shape, validated once at the edge.

What Mastodon requires of an actor (app/services/activitypub/fetch_remote_actor_service.rb and
process_account_service.rb): the AS2 context, one of its actor types, `preferredUsername`, an
`inbox`, http(s) ids. Keys: the RSA `publicKey` (object or list) for HTTP signatures and FEP-521a
`Multikey`s in `assertionMethod` for object proofs. Each key must name the actor as its
owner/controller and live on the actor's host, so no server can claim another server's key.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.keys import (
    KeyFormatError,
    PublicKey,
    load_public_key_pem,
    multibase_to_public_key,
    public_key_to_pem,
)
from fediverse_hit.protocol.signature_primitives import authority_of
from fediverse_hit.protocol.vocab import AS_CONTEXT

ACTOR_TYPES = ("Person", "Service", "Application", "Group", "Organization")  # Mastodon's set
MAX_URL_LENGTH = 2048
# Text a remote actor may make us keep; longer text is cut, further fields dropped (docs/federation.md).
MAX_NAME_CHARS = 255
MAX_SUMMARY_CHARS = 10_000
MAX_PROFILE_FIELDS = 16
MAX_FIELD_NAME_CHARS = 255
MAX_FIELD_VALUE_CHARS = 2_047  # Mastodon's Account::Field::MAX_CHARACTERS_COMPAT
_USERNAME = re.compile(r"[^\s@/#?:]{1,255}")


class ActorParseError(ValueError):
    """The document is not an actor we can use; the message says which rule it breaks."""


@dataclass(frozen=True)
class ParsedKey:
    """One public key of the actor: `algorithm` is "rsa" or "ed25519"."""

    key_id: str
    algorithm: str
    public_key: PublicKey

    @property
    def public_pem(self) -> str:
        """The key as SubjectPublicKeyInfo PEM, however it was published."""
        return public_key_to_pem(self.public_key)


@dataclass(frozen=True)
class ParsedImage:
    url: str
    media_type: str = ""
    alt: str = ""


@dataclass(frozen=True)
class ParsedActor:
    """The parts of a remote actor we keep. Optional URLs are "" when absent or unusable."""

    id: str
    type: str
    preferred_username: str
    inbox: str
    shared_inbox: str
    outbox: str
    followers: str
    following: str
    name: str
    summary: str  # raw HTML as published; sanitized when rendered
    url: str
    icon: ParsedImage | None
    manually_approves_followers: bool
    discoverable: bool
    indexable: bool
    profile_fields: tuple[tuple[str, str], ...]
    keys: tuple[ParsedKey, ...]

    @property
    def authority(self) -> str:
        """host[:port] of the actor id: the actor's server."""
        return authority_of(self.id)


def parse_actor(document: Mapping[str, Any]) -> ParsedActor:
    """Validate an actor document and extract its fields and keys; ActorParseError otherwise."""
    if not isinstance(document, Mapping):
        raise ActorParseError("an actor document must be a JSON object")
    if AS_CONTEXT not in _as_list(document.get("@context")):
        raise ActorParseError(f"@context does not include {AS_CONTEXT}")
    actor_id = require_url(document.get("id"), "id")
    endpoints = document.get("endpoints")
    shared = endpoints.get("sharedInbox") if isinstance(endpoints, Mapping) else None
    return ParsedActor(
        id=actor_id,
        type=_actor_type(document.get("type")),
        preferred_username=_username(document.get("preferredUsername")),
        inbox=require_url(document.get("inbox"), "inbox"),
        shared_inbox=optional_url(shared),
        outbox=optional_url(document.get("outbox")),
        followers=optional_url(document.get("followers")),
        following=optional_url(document.get("following")),
        name=_text(document.get("name"))[:MAX_NAME_CHARS],
        summary=_text(document.get("summary"))[:MAX_SUMMARY_CHARS],
        url=_same_host(_first_href(document.get("url")), actor_id),
        icon=_image(document.get("icon")),
        manually_approves_followers=document.get("manuallyApprovesFollowers") is True,
        # Mastodon treats a missing flag as false (ProcessAccountService); so do we.
        discoverable=document.get("discoverable") is True,
        indexable=document.get("indexable") is True,
        profile_fields=_profile_fields(document.get("attachment")),
        keys=_keys(document, actor_id),
    )


def require_url(value: object, field: str) -> str:
    """An absolute http(s) URL with a host and no credentials; ActorParseError otherwise."""
    if not isinstance(value, str) or not value:
        raise ActorParseError(f"{field} must be a URL string, not {type(value).__name__}")
    if len(value) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ActorParseError(f"{field} is not a usable URL")
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise ActorParseError(f"{field} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("https", "http") or not host or len(host) > 253:
        raise ActorParseError(f"{field} must be an absolute http(s) URL, not {value[:80]!r}")
    if parts.username is not None or parts.password is not None:
        raise ActorParseError(f"{field} must not carry credentials")
    return value


def optional_url(value: object) -> str:
    """Like `require_url` for a URL or an object with an `id`, but "" when absent or unusable."""
    if isinstance(value, Mapping):
        value = value.get("id")
    try:
        return require_url(value, "url")
    except ActorParseError:
        return ""


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _actor_type(value: object) -> str:
    for candidate in _as_list(value):
        if candidate in ACTOR_TYPES:
            return str(candidate)
    raise ActorParseError(f"type {value!r} is not an actor type ({', '.join(ACTOR_TYPES)})")


def _username(value: object) -> str:
    if not isinstance(value, str) or not _USERNAME.fullmatch(value):
        raise ActorParseError("preferredUsername must be a non-empty name without spaces, @ or /")
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _first_href(value: object) -> str:
    """Mastodon's url_to_href: a string, a Link's href, or the first usable one of a list."""
    for item in _as_list(value):
        href = item.get("href") if isinstance(item, Mapping) else item
        if url := optional_url(href):
            return url
    return ""


def _same_host(url: str, actor_id: str) -> str:
    # Mastodon drops a profile `url` on another host (ProcessAccountService#mismatching_origin?).
    return url if url and authority_of(url) == authority_of(actor_id) else ""


def parse_header_image(document: Mapping[str, Any]) -> ParsedImage | None:
    """The actor's header (banner) image: AS2 `image`, as Mastodon publishes it."""
    return _image(document.get("image"))


def _image(value: object) -> ParsedImage | None:
    for item in _as_list(value):
        if isinstance(item, str):
            url, media_type, alt = optional_url(item), "", ""
        elif isinstance(item, Mapping):
            url = _first_href(item.get("url"))
            media_type, alt = _text(item.get("mediaType")), _text(item.get("name") or item.get("summary"))
        else:
            continue
        if url:
            return ParsedImage(url, media_type, alt)
    return None


def _profile_fields(value: object) -> tuple[tuple[str, str], ...]:
    fields = (
        (item["name"][:MAX_FIELD_NAME_CHARS], item["value"][:MAX_FIELD_VALUE_CHARS])
        for item in _as_list(value)
        if isinstance(item, Mapping)
        and item.get("type") == "PropertyValue"
        and isinstance(item.get("name"), str)
        and isinstance(item.get("value"), str)
    )
    return tuple(itertools.islice(fields, MAX_PROFILE_FIELDS))


def _keys(document: Mapping[str, Any], actor_id: str) -> tuple[ParsedKey, ...]:
    keys: dict[str, ParsedKey] = {}
    for entry in _as_list(document.get("publicKey")):
        if isinstance(entry, Mapping):  # a bare key id string is a reference we do not follow
            key = _pem_key(entry, actor_id)
            keys.setdefault(key.key_id, key)
    for entry in _as_list(document.get("assertionMethod")):
        if isinstance(entry, Mapping) and "Multikey" in _as_list(entry.get("type")):
            multikey = _multikey(entry, actor_id)
            if multikey is not None:
                # Mitra lists its RSA key under both names with one id; the first one wins.
                keys.setdefault(multikey.key_id, multikey)
    return tuple(keys.values())


def _check_key_ownership(key_id: str, owner: object, actor_id: str, owner_field: str) -> None:
    if owner != actor_id:
        raise ActorParseError(f"key {key_id} names {owner_field} {owner!r}, not the actor {actor_id}")
    if authority_of(key_id) != authority_of(actor_id):
        raise ActorParseError(f"key {key_id} is not on the actor's host {authority_of(actor_id)}")


def _pem_key(entry: Mapping[str, Any], actor_id: str) -> ParsedKey:
    key_id = require_url(entry.get("id"), "publicKey.id")
    _check_key_ownership(key_id, entry.get("owner"), actor_id, "owner")
    pem = entry.get("publicKeyPem")
    if not isinstance(pem, str):
        raise ActorParseError(f"key {key_id} has no publicKeyPem string")
    try:
        public_key = load_public_key_pem(pem)
    except KeyFormatError as exc:
        raise ActorParseError(f"key {key_id}: {exc}") from exc
    return ParsedKey(key_id, _algorithm(public_key), public_key)


def _multikey(entry: Mapping[str, Any], actor_id: str) -> ParsedKey | None:
    key_id = require_url(entry.get("id"), "assertionMethod.id")
    _check_key_ownership(key_id, entry.get("controller"), actor_id, "controller")
    value = entry.get("publicKeyMultibase")
    if not isinstance(value, str):
        raise ActorParseError(f"Multikey {key_id} has no publicKeyMultibase string")
    try:
        public_key = multibase_to_public_key(value)
    except KeyFormatError:
        return None  # a key type we do not know (P-256, …) is skipped, not fatal (FEP-521a)
    return ParsedKey(key_id, _algorithm(public_key), public_key)


def _algorithm(key: PublicKey) -> str:
    return "ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "rsa"
