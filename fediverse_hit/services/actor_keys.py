"""Giving local actors their key pairs (RSA for HTTP signatures, Ed25519 for object proofs)."""

from __future__ import annotations

from fediverse_hit.protocol.keys import generate_ed25519_key, generate_rsa_key
from fediverse_hit.services.iris import ActorIris
from fediverse_hit.store.models import Actor, ActorKey


async def add_actor_keys(actor: Actor, iris: ActorIris) -> None:
    """Create the actor's RSA (`#main-key`) and Ed25519 (`#ed25519-key`) keys if missing."""
    existing = {key.algorithm for key in await ActorKey.filter(actor=actor, revoked_at=None)}
    if "rsa" not in existing:
        rsa = generate_rsa_key()
        await ActorKey.create(
            actor=actor,
            key_id=iris.rsa_key_id(actor.uri),
            algorithm="rsa",
            public_pem=rsa.public_pem,
            private_pem=rsa.private_pem,
        )
    if "ed25519" not in existing:
        ed = generate_ed25519_key()
        await ActorKey.create(
            actor=actor,
            key_id=iris.ed25519_key_id(actor.uri),
            algorithm="ed25519",
            public_pem=ed.public_pem,
            private_pem=ed.private_pem,
        )
