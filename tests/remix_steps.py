"""Steps the remix tests take on the in-process instance: people with tokens, posting through the
client-to-server outbox, and reading a contribution's signed Note as a peer would."""

from __future__ import annotations

import json
from typing import Any

import httpx

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import load_public_key_pem
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.models import Actor, ActorKey

AS2 = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
PASSWORD = "correct horse battery"
BY = "https://creativecommons.org/licenses/by/4.0/"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/"
BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/"


async def person_with_token(username: str, urls: InstanceUrls) -> tuple[Actor, str]:
    """A local person and a bearer token for their outbox."""
    account = await create_account(username, PASSWORD, urls)
    actor: Actor = await account.actor
    return actor, await create_token(account, "script")


async def post(client: httpx.AsyncClient, username: str, token: str, note: dict[str, Any]) -> httpx.Response:
    """POST a bare object to `username`'s outbox."""
    body = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Note", "to": [PUBLIC], **note}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": AS2}
    return await client.post(f"/users/{username}/outbox", content=json.dumps(body), headers=headers)


async def remix(client: httpx.AsyncClient, username: str, token: str, *sources: str, **fields: Any) -> httpx.Response:
    """Post a remix of `sources` (equal weights unless `fhit:sources` is given in `fields`)."""
    note = {"name": "A remix", "content": "Built on others' work.", "fhit:sources": [{"object": s} for s in sources]}
    return await post(client, username, token, {**note, **fields})


async def fetch_note(client: httpx.AsyncClient, iri: str) -> tuple[dict[str, Any], str]:
    """A contribution's signed Note as served to peers: (parsed, exact text)."""
    response = await client.get(iri, headers={"Accept": AS2})
    assert response.status_code == 200, response.text
    return response.json(), response.text


async def ed25519_public_key(actor: Actor) -> Any:
    key = await ActorKey.get(actor=actor, algorithm="ed25519")
    return load_public_key_pem(key.public_pem)
