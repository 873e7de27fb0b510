"""Named queries that keep copies of remote actors and their public keys.

A remote actor row is keyed by its id IRI (`uri`). Keys are synced with what the actor document
lists: new ones are added, ones that disappeared are revoked (never deleted, so what they signed
can still be attributed), and a key id that reappears is reinstated with its current material.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.store.change_feed import KEYS, publish_change
from fediverse_hit.store.follows import delete_follows_involving
from fediverse_hit.store.models import Actor, ActorKey


@dataclass(frozen=True)
class KeyRecord:
    """A public key as published: id IRI, "rsa" or "ed25519", SubjectPublicKeyInfo PEM."""

    key_id: str
    algorithm: str
    public_pem: str


class ActorConflict(ValueError):
    """The remote actor cannot be stored: its name or key ids belong to a local actor."""


async def find_key(key_id: str) -> ActorKey | None:
    """The key with this id (revoked or not), with its actor loaded."""
    return await ActorKey.get_or_none(key_id=key_id).select_related("actor")


async def find_actor_key(actor: Actor, key_id: str) -> ActorKey | None:
    """The actor's unrevoked key with this id."""
    return await ActorKey.get_or_none(actor=actor, key_id=key_id, revoked_at=None)


async def save_remote_actor(
    uri: str, values: Mapping[str, Any], keys: Sequence[KeyRecord], now: datetime
) -> Actor:
    """Insert or update the remote actor `uri` with `values` (model fields, `username` and
    `domain` included) and sync its keys, in one transaction. Retried once when a concurrent
    fetch of the same actor inserted it first."""
    try:
        return await _save(uri, values, keys, now)
    except IntegrityError:
        return await _save(uri, values, keys, now)


async def mark_remote_actor_gone(actor: Actor, now: datetime) -> None:
    """The actor is gone (its server answered 410, or it sent Delete of itself): mark the copy
    deleted, revoke its keys and end its follow relationships."""
    async with in_transaction():
        actor.deleted_at = now
        await actor.save(update_fields=["deleted_at"])
        await ActorKey.filter(actor=actor, revoked_at=None).update(revoked_at=now)
        await delete_follows_involving([actor.id])


async def _save(uri: str, values: Mapping[str, Any], keys: Sequence[KeyRecord], now: datetime) -> Actor:
    async with in_transaction():
        actor = await Actor.get_or_none(uri=uri)
        if actor is not None and actor.local:
            raise ActorConflict(f"{uri} is a local actor")
        fields = {**values, "username": await _free_username(uri, values["username"], values["domain"])}
        if actor is None:
            actor = await Actor.create(uri=uri, local=False, **fields)
        else:
            actor.update_from_dict(fields)
            await actor.save()
        await _sync_keys(actor, keys, now)
        return actor


async def _free_username(uri: str, username: str, domain: str) -> str:
    """`username`, unless another actor of the domain holds it (usernames are unique per domain).

    Lemmy gives a user and a community the same preferredUsername; the id is the identity, so
    the first holder keeps the name and a later one gets a stable suffix. A deleted holder gives
    the name up and takes the suffix itself.
    """
    holder = await Actor.get_or_none(username=username, domain=domain)
    if holder is None or holder.uri == uri:
        return username
    if holder.local:
        raise ActorConflict(f"{username}@{domain} is a local actor")
    if holder.deleted_at is None:
        return _suffixed(username, uri)
    holder.username = _suffixed(username, holder.uri)
    await holder.save(update_fields=["username"])
    return username


def _suffixed(username: str, uri: str) -> str:
    digest = hashlib.sha256(uri.encode("utf-8")).hexdigest()[:10]
    return f"{username[:240]}~{digest}"


async def _sync_keys(actor: Actor, keys: Sequence[KeyRecord], now: datetime) -> None:
    stale = ActorKey.filter(actor=actor, revoked_at=None)
    if keys:
        stale = stale.exclude(key_id__in=[key.key_id for key in keys])
    changed = await stale.update(revoked_at=now) > 0
    for key in keys:
        row = await ActorKey.get_or_none(key_id=key.key_id).select_related("actor")
        if row is None:
            await ActorKey.create(
                actor=actor, key_id=key.key_id, algorithm=key.algorithm, public_pem=key.public_pem
            )
        elif row.actor.local:
            raise ActorConflict(f"key {key.key_id} belongs to a local actor")
        elif (row.actor.id, row.algorithm, row.public_pem, row.revoked_at) != (
            actor.id, key.algorithm, key.public_pem, None
        ):
            # Same id, new material or a move between the server's own actors (key ids are
            # checked to be on the actor's host before we get here): the document wins.
            row.actor = actor
            row.algorithm, row.public_pem, row.revoked_at = key.algorithm, key.public_pem, None
            await row.save()
            changed = True
    if changed:  # every process forgets the keys it verified with
        await publish_change(KEYS)
