"""FEP-8b32: accepting an activity relayed by someone else when it carries the actor's proof."""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.protocol.integrity_proofs import ProofError, verify_proof
from fediverse_hit.protocol.keys import PublicKey, load_public_key_pem
from fediverse_hit.store.actors import list_active_keys


async def actor_proof_holds(document: dict[str, Any], actor_uri: str, fetcher: Fetcher) -> bool:
    """True when `document` has a valid eddsa-jcs-2022 proof by one of `actor_uri`'s
    `assertionMethod` keys (the key must belong to the actor, not just name it)."""
    if "proof" not in document:
        return False
    try:
        actor = await get_remote_actor(actor_uri, fetcher=fetcher)
    except FetchError:
        return False
    keys: dict[str, PublicKey] = {
        key.key_id: load_public_key_pem(key.public_pem)
        for key in await list_active_keys(actor)
        if key.algorithm == "ed25519"
    }
    try:
        verify_proof(document, keys.get)
    except ProofError:
        return False
    return True
