"""Named queries over actors and their keys."""

from __future__ import annotations

from fediverse_hit.store.models import Actor, ActorKey


async def find_actor_by_uri(uri: str) -> Actor | None:
    """The actor with this id IRI, local or remote."""
    return await Actor.get_or_none(uri=uri)


async def find_local_actor(username: str) -> Actor | None:
    """A local actor by username (deleted ones included; callers decide 404 vs 410)."""
    return await Actor.get_or_none(username=username, local=True)


async def list_active_keys(actor: Actor) -> list[ActorKey]:
    """The actor's keys that are not revoked, oldest first."""
    return await ActorKey.filter(actor=actor, revoked_at=None).order_by("id")


async def find_active_key(actor: Actor, algorithm: str) -> ActorKey | None:
    """The newest unrevoked key of `algorithm` ("rsa" or "ed25519")."""
    return (
        await ActorKey.filter(actor=actor, algorithm=algorithm, revoked_at=None)
        .order_by("-id")
        .first()
    )


async def count_local_people() -> int:
    """Local Person actors that are not deleted (NodeInfo `users.total`)."""
    return await Actor.filter(local=True, kind="Person", deleted_at=None).count()
