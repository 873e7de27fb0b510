"""Accepting inbound activities fast, in the fixed order of DESIGN §6; processing comes later.

Order: size (413, at the web edge) → JSON, shape and every stored field (400) → signature over a
`Host` naming this instance (401) → the signer owns `actor` or a FEP-8b32 proof by `actor` holds
(401) → origin (403) → blocked domain (403) → the raw body stored verbatim as an inbox item → 202.
One departure: a keyId on a blocked domain is refused (403) before its key would be fetched,
so a blocked server cannot make us fetch from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fediverse_hit.errors import BadRequest, Forbidden, Unauthorized
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.host_health import host_of, mark_host_available
from fediverse_hit.federation.inbox_proofs import actor_proof_holds
from fediverse_hit.federation.inbox_writer import INBOX_WRITER
from fediverse_hit.federation.project_requests import check_project_request
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.federation.remote_actors import lookup_key
from fediverse_hit.protocol.activities import ActivityShapeError, ParsedActivity, parse_activity
from fediverse_hit.protocol.http_signatures import signature_key_ids, verify_request
from fediverse_hit.protocol.json_documents import JsonDocumentError, read_json_object
from fediverse_hit.protocol.keys import PublicKey
from fediverse_hit.protocol.signature_primitives import BadSignature, SignatureError, authority_of
from fediverse_hit.federation.domain_block_cache import domain_blocked
from fediverse_hit.federation.ttl_cache import TtlCache
from fediverse_hit.store.change_feed import KEYS, on_change
from fediverse_hit.store.inbox_items import column_limit
from fediverse_hit.store.models import Actor, InboxItem

MAX_INBOX_BYTES = 1024 * 1024
# Verified keys by key id, so a busy peer's deliveries cost no key query; a key that stops
# verifying is refetched at once (the refresh path bypasses this cache).
_KEYS: TtlCache[str, tuple[Actor, PublicKey]] = TtlCache(ttl=300)
# Types whose embedded object must come from the actor's own server (Mastodon's origin rule).
SAME_ORIGIN_OBJECT_TYPES = frozenset({"Create", "Update", "Delete"})


def forget_verified_keys() -> None:
    """Drop the verified keys this process remembers (after keys were revoked or rotated)."""
    _KEYS.clear()


on_change(KEYS, forget_verified_keys)


@dataclass(frozen=True)
class InboundPost:
    """A POST to an inbox exactly as received: target URI (Host as sent), headers, raw body."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_body(body: bytes) -> tuple[dict[str, Any], ParsedActivity]:
    """The JSON document and its activity shape; BadRequest says what is malformed."""
    try:
        body.decode("utf-8")  # stored as text, verbatim: UTF-16/32 JSON would decode but not store
        document = read_json_object(body)
    except UnicodeDecodeError as exc:
        raise BadRequest(f"Body is not UTF-8: {exc}") from exc
    except JsonDocumentError as exc:
        raise BadRequest(f"Body is {exc}.") from exc
    try:
        return document, parse_activity(document)
    except ActivityShapeError as exc:
        raise BadRequest(f"Not an activity: {exc}") from exc


def check_storable(name: str, value: str, column: str) -> None:
    """BadRequest unless `value` fits inbox item column `column`: its length, no NUL (PostgreSQL
    text cannot hold it), no lone surrogate (from a `\\ud800` escape; not encodable)."""
    limit = column_limit(column)
    if len(value) > limit:
        raise BadRequest(f"The {name} is longer than {limit} characters.")
    if "\x00" in value:
        raise BadRequest(f"The {name} contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(f"The {name} is not valid Unicode.") from exc


def check_stored_fields(activity: ParsedActivity) -> None:
    """Every field of the activity an inbox item stores fits its column (checked before any
    batch, so one bad activity is refused alone and never fails the writes of others)."""
    check_storable("activity id", activity.id, "activity_id")
    check_storable("activity type", activity.type, "activity_type")
    check_storable("actor IRI", activity.actor, "actor_uri")


def check_addressed_here(post: InboundPost, urls: InstanceUrls) -> None:
    """The request's Host must name this instance: a request signed for another server and
    replayed here is refused. The host without the port counts too (some servers sign `Host`
    without it, and nginx's `$host` drops it)."""
    ours = authority_of(urls.base)
    host = urlsplit(urls.base).hostname or ours
    try:
        received = authority_of(post.url)
    except ValueError as exc:
        raise Unauthorized(f"The Host header is not valid: {exc}") from exc
    if received not in (ours, f"[{host}]" if ":" in host else host):
        raise Unauthorized(f"The request was addressed to {received!r}, not to this server ({ours}).")


async def verify_signer(post: InboundPost, fetcher: Fetcher) -> tuple[Actor, str]:
    """The actor whose key signed the request, and that key's id; Unauthorized otherwise.

    When the signature does not verify, the key is fetched again once (it may have rotated).
    """
    key_ids = signature_key_ids(post.headers)
    if not key_ids:
        raise Unauthorized("Request is not signed (no Signature or Signature-Input header).")
    for key_id in key_ids:
        check_storable("keyId", key_id, "signer_key_id")
        if await domain_blocked(host_of(key_id)):
            raise Forbidden("Requests from this domain are refused.")
    for refresh in (False, True):
        signers: dict[str, Actor] = {}

        async def lookup(key_id: str) -> PublicKey:
            cached = None if refresh else _KEYS.get(key_id)
            actor, key = cached or await lookup_key(key_id, fetcher=fetcher, refresh=refresh)
            _KEYS.put(key_id, (actor, key))
            signers[key_id] = actor
            return key

        try:
            verified = await verify_request(post.method, post.url, post.headers, post.body, lookup)
        except BadSignature as exc:
            if refresh:
                raise Unauthorized(f"Signature does not verify: {exc}") from exc
            continue
        except SignatureError as exc:
            raise Unauthorized(f"Invalid signature: {exc}") from exc
        except FetchError as exc:
            raise Unauthorized(f"Could not fetch the signing key: {exc}") from exc
        return signers[verified.key_id], verified.key_id
    raise AssertionError("unreachable")


def check_origin(activity: ParsedActivity) -> None:
    """The activity, and the objects it creates or changes, must come from the actor's server."""
    actor_host = host_of(activity.actor)
    if host_of(activity.id) != actor_host:
        raise Forbidden("The activity id is not on the actor's server.")
    if activity.type in SAME_ORIGIN_OBJECT_TYPES and isinstance(activity.object, dict):
        object_id = activity.object_id
        if object_id is not None and host_of(object_id) != actor_host:
            raise Forbidden("The object is not on the actor's server.")


async def accept_inbox_post(post: InboundPost, fetcher: Fetcher, urls: InstanceUrls) -> None:
    """Validate and store an inbound activity (a repeated activity id is accepted, stored once)."""
    document, activity = parse_body(post.body)
    check_stored_fields(activity)
    check_addressed_here(post, urls)
    signer, key_id = await verify_signer(post, fetcher)
    if signer.uri != activity.actor and not await actor_proof_holds(document, activity.actor, fetcher):
        raise Unauthorized("The signer is not the activity's actor and no proof by the actor holds.")
    check_origin(activity)
    if await domain_blocked(host_of(activity.actor)):
        raise Forbidden("Activities from this domain are refused.")
    await check_project_request(activity, document, urls)
    await mark_host_available(host_of(signer.uri))
    await INBOX_WRITER.store(
        InboxItem(
            activity_id=activity.id,
            activity_type=activity.type,
            actor_uri=activity.actor,
            signer_key_id=key_id,
            body=post.body.decode("utf-8"),
            next_attempt_at=datetime.now(UTC),
        )
    )
