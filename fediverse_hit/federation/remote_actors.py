"""Remote actors: fetched, validated and cached for a day; their keys for signature checks;
`user@host` handles resolved through WebFinger (RFC 7033).

Key lookup follows Mastodon (app/services/activitypub/fetch_remote_key_service.rb): a key id with
a fragment lives in its actor's document; any other key id is fetched and names its owner (as
GoToSocial's `…/main-key` stubs do), and the owner's document must list the key back.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urldefrag, urlencode

from fediverse_hit.federation.fetcher import Fetcher, FetchError
from fediverse_hit.protocol.actor_parsing import (
    ActorParseError,
    ParsedActor,
    optional_url,
    parse_actor,
    parse_header_image,
)
from fediverse_hit.protocol.discovery import ResourceError, parse_webfinger_resource
from fediverse_hit.protocol.keys import PublicKey, load_public_key_pem
from fediverse_hit.protocol.media_types import is_activity_media_type
from fediverse_hit.protocol.signature_primitives import authority_of, utc_now
from fediverse_hit.store.actors import find_actor_by_uri, find_local_actor
from fediverse_hit.store.models import Actor
from fediverse_hit.store.remote_actors import (
    ActorConflict,
    KeyRecord,
    find_actor_key,
    find_key,
    mark_remote_actor_gone,
    save_remote_actor,
)

REFRESH_AGE = timedelta(hours=24)
MAX_IMAGE_URL = 2048  # the column; a cut URL would point elsewhere
# A failed signature may ask for the signer's key to be refetched (rotation); not more often than
# this per actor, so that a stream of bad signatures cannot make us hammer a third server.
KEY_REFETCH_COOLDOWN = timedelta(seconds=30)


async def get_remote_actor(uri: str, *, fetcher: Fetcher, refresh: bool = False) -> Actor:
    """The actor with id `uri`: our own from the database, a remote one from the cache while it
    is younger than REFRESH_AGE (unless `refresh`), else fetched, validated and stored.

    If a refresh fails for a reason other than 410 Gone, the stale copy is returned (unless
    `refresh` demanded a fresh one). FetchError when there is no usable actor; `gone` is set when
    the actor was deleted.
    """
    if fetcher.urls.is_local(uri):
        return await _local_actor(uri)
    cached = await find_actor_by_uri(uri)
    if cached is not None:
        if cached.local:
            return cached
        if cached.deleted_at is not None:
            raise FetchError(uri, "the actor was deleted", status=410, gone=True)
        if not refresh and _age(cached) < REFRESH_AGE:
            return cached
    try:
        document = await fetcher.fetch_document(uri)
    except FetchError as exc:
        if exc.gone and cached is not None:
            await mark_remote_actor_gone(cached, utc_now())
        elif cached is not None and not refresh:
            return cached
        raise
    return await store_actor_document(uri, document, fetcher)


async def store_actor_document(requested: str, document: dict[str, Any], fetcher: Fetcher) -> Actor:
    """Validate an actor document fetched from `requested` and upsert the actor and its keys."""
    try:
        parsed = parse_actor(document)
    except ActorParseError as exc:
        raise FetchError(requested, f"not a usable actor: {exc}") from exc
    if authority_of(parsed.id) != authority_of(requested):
        raise FetchError(requested, f"actor id {parsed.id} is not on the host it was fetched from")
    if fetcher.urls.is_local(parsed.id):
        raise FetchError(requested, "a remote document claims one of our ids")
    now = utc_now()
    keys = [KeyRecord(key.key_id, key.algorithm, key.public_pem) for key in parsed.keys]
    try:
        return await save_remote_actor(parsed.id, actor_fields(parsed, document, now), keys, now)
    except ActorConflict as exc:
        raise FetchError(requested, str(exc)) from exc


def actor_fields(parsed: ParsedActor, document: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Actor model fields for a parsed remote actor (text cut to the column sizes)."""
    icon = parsed.icon
    header = parse_header_image(document)
    return {
        "kind": parsed.type,
        "username": parsed.preferred_username,
        "domain": parsed.authority,
        "name": parsed.name[:255],
        "summary": parsed.summary,
        "url": parsed.url,
        "inbox": parsed.inbox,
        "outbox": parsed.outbox,
        "shared_inbox": parsed.shared_inbox,
        "followers_url": parsed.followers,
        "following_url": parsed.following,
        "icon_url": icon.url if icon else "",
        "icon_media_type": icon.media_type[:64] if icon else "",
        "icon_alt": icon.alt[:1500] if icon else "",
        "image_url": header.url if header and len(header.url) <= MAX_IMAGE_URL else "",
        "image_media_type": header.media_type[:64] if header else "",
        "image_alt": header.alt[:1500] if header else "",
        "profile_fields": [{"name": name, "value": value} for name, value in parsed.profile_fields],
        "manually_approves_followers": parsed.manually_approves_followers,
        "discoverable": parsed.discoverable,
        "indexable": parsed.indexable,
        "document": document,
        "fetched_at": now,
    }


async def lookup_key(key_id: str, *, fetcher: Fetcher, refresh: bool = False) -> tuple[Actor, PublicKey]:
    """The actor owning `key_id` and the public key, for verifying a signature.

    Our own keys come from the database. A known, unrevoked remote key is returned from the
    cache; `refresh=True` (after a signature failed to verify) refetches its actor once, at most
    every KEY_REFETCH_COOLDOWN. FetchError when the key cannot be found or is not the actor's.
    """
    if fetcher.urls.is_local(key_id):
        return await _local_key(key_id)
    row = await find_key(key_id)
    if row is not None and not refresh and row.revoked_at is None and row.actor.deleted_at is None:
        return row.actor, load_public_key_pem(row.public_pem)
    owner_uri = row.actor.uri if row is not None else await _key_owner(key_id, fetcher)
    actor = await _actor_for_key(owner_uri, fetcher)
    key = await find_actor_key(actor, key_id)
    if key is None:
        raise FetchError(key_id, f"the key is not among the current keys of {actor.uri}")
    return actor, load_public_key_pem(key.public_pem)


async def resolve_handle(handle: str, *, fetcher: Fetcher) -> Actor:
    """The actor behind `@user@host`, `user@host` or `acct:user@host`, through WebFinger's
    `self` link of an ActivityStreams type."""
    try:
        resource = parse_webfinger_resource(handle)
    except ResourceError as exc:
        raise FetchError(handle, str(exc)) from exc
    user, host = resource.user, resource.host
    if user is None or host is None:
        raise FetchError(handle, "not a user@host handle")
    if host == fetcher.urls.domain.lower():
        local = await find_local_actor(user)
        if local is None or local.deleted_at is not None:
            raise FetchError(handle, "no such user here", status=404)
        return local
    href = self_link(await fetch_webfinger(user, host, fetcher=fetcher))
    if href is None:
        raise FetchError(handle, "WebFinger answer has no ActivityPub self link")
    return await get_remote_actor(href, fetcher=fetcher)


async def fetch_webfinger(user: str, host: str, *, fetcher: Fetcher) -> dict[str, Any]:
    """The JRD `host` serves for `acct:user@host` (unsigned, through the SSRF guard)."""
    # Tests and development run instances on http://127.0.0.1:PORT; everything else is https.
    scheme = "http" if fetcher.settings.allow_private_addresses and _is_loopback(host) else "https"
    query = urlencode({"resource": f"acct:{user}@{host}"})
    return await fetcher.fetch_json(f"{scheme}://{host}/.well-known/webfinger?{query}")


def self_link(jrd: dict[str, Any]) -> str | None:
    """The href of the JRD's `self` link typed activity+json (or ld+json with the AS profile)."""
    links = jrd.get("links")
    for link in links if isinstance(links, list) else []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and is_activity_media_type(str(link.get("type", "")))
            and (href := optional_url(link.get("href")))
        ):
            return href
    return None


def _age(actor: Actor) -> timedelta:
    return utc_now() - actor.fetched_at if actor.fetched_at is not None else timedelta.max


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def _local_actor(uri: str) -> Actor:
    actor = await find_actor_by_uri(uri)
    if actor is None or not actor.local:
        raise FetchError(uri, "no such actor on this instance", status=404)
    if actor.deleted_at is not None:
        raise FetchError(uri, "the actor was deleted", status=410, gone=True)
    return actor


async def _local_key(key_id: str) -> tuple[Actor, PublicKey]:
    row = await find_key(key_id)
    if row is None or row.revoked_at is not None or not row.actor.local or row.actor.deleted_at:
        raise FetchError(key_id, "no such key on this instance", status=404)
    return row.actor, load_public_key_pem(row.public_pem)


async def _key_owner(key_id: str, fetcher: Fetcher) -> str:
    """The IRI of the actor that claims `key_id`, before that actor is fetched."""
    document_url, fragment = urldefrag(key_id)
    if fragment:
        return document_url
    document = await fetcher.fetch_document(key_id, check_id=False)
    owner = _claimed_owner(document, key_id)
    if not owner or authority_of(owner) != authority_of(key_id):
        raise FetchError(key_id, "the key document names no owner on the key's host")
    return owner


def _claimed_owner(document: dict[str, Any], key_id: str) -> str:
    if document.get("id") == key_id:  # a bare key: `owner` (security/v1) or `controller` (Multikey)
        return optional_url(document.get("owner") or document.get("controller"))
    # GoToSocial serves an actor stub at the key URL; its publicKey names the owner.
    entries = document.get("publicKey")
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict) and entry.get("id") == key_id:
            return optional_url(entry.get("owner"))
    return ""


async def _actor_for_key(owner_uri: str, fetcher: Fetcher) -> Actor:
    cached = await find_actor_by_uri(owner_uri)
    if cached is None:
        return await get_remote_actor(owner_uri, fetcher=fetcher)
    if cached.deleted_at is None and not cached.local and _age(cached) < KEY_REFETCH_COOLDOWN:
        return cached
    return await get_remote_actor(owner_uri, fetcher=fetcher, refresh=True)

