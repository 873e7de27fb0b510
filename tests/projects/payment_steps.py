"""A project with a credited work on the in-process instance, for the payment tests.

Ada's poem P; Bo's remix R of P (upstream 50 %); the project `mural`, curated by Alice, makes the
work W (upstream 60 %) of R (70 %) and P (30 %). Credits: Alice 2/5, Ada 39/100, Bo 21/100.
An earning of 100.00 EUR with no costs fills a 50.00 EUR pool: Alice 20.00, Ada 19.50, Bo 10.50.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Project
from tests.asgi_forms import csrf_from, log_in
from tests.remix_steps import AS2, PUBLIC, person_with_token, post, remix

H = "http://hit.test"
ALICE, ADA, BO = f"{H}/users/alice", f"{H}/users/ada", f"{H}/users/bo"
HAND_LINES = {ALICE: 2000, ADA: 1950, BO: 1050}


@dataclass(frozen=True)
class PaidWorld:
    project: Project
    work: str


async def paid_world(client: httpx.AsyncClient, urls: InstanceUrls, comment_days: int = 0) -> PaidWorld:
    """The world above, the project's comment window `comment_days` long."""
    _, ada_token = await person_with_token("ada", urls)
    _, bo_token = await person_with_token("bo", urls)
    alice, alice_token = await person_with_token("alice", urls)
    draft = ProjectDraft(slug="mural", title="City Mural", comment_days=comment_days)
    project = await create_project(draft, [alice], urls)
    poem = (await post(client, "ada", ada_token, {"name": "Tide", "content": "A poem."})).headers["location"]
    remixed = (await remix(client, "bo", bo_token, poem)).headers["location"]
    note = {"type": "Note", "name": "Harbour mural", "content": "Made of your pieces.", "to": [PUBLIC],
            "fhit:sources": [{"object": remixed, "fhit:weight": 7000}, {"object": poem, "fhit:weight": 3000}],
            "fhit:upstreamShare": 6000}
    body = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "object": note}
    headers = {"Authorization": f"Bearer {alice_token}", "Content-Type": AS2}
    created = await client.post("/projects/mural/outbox", content=json.dumps(body), headers=headers)
    assert created.status_code == 201, created.text
    return PaidWorld(project, created.headers["location"])


async def form_post(client: httpx.AsyncClient, page: str, action: str, fields: dict[str, str]) -> httpx.Response:
    """POST a form of `page` (its CSRF token included) to `action`."""
    token = await csrf_from(client, page)
    return await client.post(action, data={"csrf_token": token, **fields}, headers={"Accept": "text/html"})


async def record_as(client: httpx.AsyncClient, username: str, work: str, **fields: str) -> httpx.Response:
    """Log in as `username` and record an earning of `work` from the project page's form."""
    await log_in(client, username)
    values = {"work": work, "amount": "10000", "costs": "0", "currency": "EUR", "note": "Festival fee", **fields}
    return await form_post(client, "/projects/mural", "/projects/mural/payments", values)
