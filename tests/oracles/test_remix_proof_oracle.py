"""An independent implementation verifies a remix made here: Fedify's `verifyObject` (see
test_proof_oracle.py) checks the eddsa-jcs-2022 proof of a remix Note as our outbox publishes it,
with its `fhit:sources`, quote fields and Link tags, and refuses it once a pinned digest changes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import load_public_key_pem, public_key_to_multibase
from fediverse_hit.store.models import Actor, ActorKey
from tests.oracles.conftest import FedifyOracle
from tests.remix_steps import fetch_note, person_with_token, post, remix

pytestmark = pytest.mark.anyio


async def _multikey(actor: Actor) -> dict[str, Any]:
    key = await ActorKey.get(actor=actor, algorithm="ed25519")
    return {
        "@context": "https://w3id.org/security/multikey/v1", "id": f"{actor.uri}#ed25519-key", "type": "Multikey",
        "controller": actor.uri, "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(key.public_pem)),
    }


async def test_fedify_verifies_the_proof_of_a_remix_and_refuses_a_changed_pin(
    fedify: FedifyOracle, client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    _, ada_token = await person_with_token("ada", urls)
    bo, bo_token = await person_with_token("bo", urls)
    first = (await post(client, "ada", ada_token, {"name": "Seed", "content": "A melody."})).headers["location"]
    second = (await post(client, "ada", ada_token, {"name": "Beat", "content": "A rhythm."})).headers["location"]
    response = await remix(client, "bo", bo_token, first, second)
    assert response.status_code == 201, response.text
    note, _ = await fetch_note(client, response.headers["location"])
    documents = {f"{bo.uri}#ed25519-key": await _multikey(bo)}

    assert fedify("verify-object", document=note, documents=documents)["verified"] is True
    changed = json.loads(json.dumps(note))
    changed["fhit:sources"][0]["digestMultibase"] = changed["fhit:sources"][1]["digestMultibase"]
    assert fedify("verify-object", document=changed, documents=documents)["verified"] is False
