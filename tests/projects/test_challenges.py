"""Challenges: a curator posts a Note to the project's outbox with a bearer token; the project's
Group actor publishes it, signed with the project's key, to the project's followers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.integrity_proofs import verify_proof
from fediverse_hit.protocol.keys import load_public_key_pem
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.models import Account, ActorKey, Contribution, Delivery, OutgoingActivity, Project, ProjectChallenge
from tests.asgi_forms import HTML, PASSWORD
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio

AS_ACCEPT = {"Accept": "application/activity+json"}


def _deadline(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _challenge(end_time: str | None) -> dict[str, object]:
    note: dict[str, object] = {"type": "Note", "name": "Sounds of the harbour", "content": "Send us field recordings."}
    if end_time is not None:
        note["endTime"] = end_time
    return {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "object": note}


async def _token(username: str) -> dict[str, str]:
    account = await Account.get(username=username)
    return {"Authorization": f"Bearer {await create_token(account, 'test')}"}


async def test_curator_posts_a_challenge_delivered_to_followers_with_the_projects_proof(
    inbox: InboxHarness, mural: Project
) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    await inbox.deliver(zoe.activity("Follow", mural.actor.uri), zoe, path="/projects/mural/inbox")
    deadline = _deadline()
    response = await inbox.client.post("/projects/mural/outbox", json=_challenge(deadline), headers=await _token("alice"))
    assert response.status_code == 201
    challenge = await Contribution.get(uri=response.headers["location"]).prefetch_related("author")
    assert challenge.author.uri == mural.actor.uri
    assert await ProjectChallenge.filter(contribution=challenge).count() == 1

    create = [json.loads(row.body) for row in await OutgoingActivity.all() if json.loads(row.body)["type"] == "Create"]
    [sent] = create
    note = sent["object"]
    assert (note["attributedTo"], note["endTime"], note["audience"], note["context"]) == (
        mural.actor.uri, deadline, mural.actor.uri, mural.actor.uri,
    )
    assert "http://hit.test/projects/mural/followers" in note["cc"]
    assert note["proof"]["verificationMethod"] == "http://hit.test/projects/mural#ed25519-key"
    key = await ActorKey.get(key_id="http://hit.test/projects/mural#ed25519-key")
    public = load_public_key_pem(key.public_pem)
    served = (await inbox.client.get(challenge.uri, headers=AS_ACCEPT)).json()
    verified = verify_proof(served, lambda key_id: public if key_id == key.key_id else None)
    assert verified.document["endTime"] == deadline
    inboxes = [row.inbox_url for row in await Delivery.all()]
    assert "https://mastodon.example/inbox" in inboxes


async def test_a_non_curator_acting_as_the_project_is_refused(client: httpx.AsyncClient, urls: InstanceUrls, mural: Project) -> None:
    await create_account("bob", PASSWORD, urls)
    response = await client.post("/projects/mural/outbox", json=_challenge(_deadline()), headers=await _token("bob"))
    assert response.status_code == 403
    assert response.json()["error"] == "Only the project's curators may act as the project."
    assert await Contribution.all().count() == 0


async def test_without_a_token_the_project_outbox_is_401(client: httpx.AsyncClient, mural: Project) -> None:
    response = await client.post("/projects/mural/outbox", json=_challenge(_deadline()))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("end_time", "message"),
    [
        (None, "A challenge needs an `endTime`: its deadline, as an ISO 8601 date and time."),
        ("next tuesday", "The challenge's `endTime` is not an ISO 8601 date and time."),
        ("2030-01-01T00:00:00", "The challenge's `endTime` needs a time zone (for example `Z`)."),
        ("2001-01-01T00:00:00Z", "The challenge's deadline (`endTime`) must be in the future."),
    ],
)
async def test_a_challenge_without_a_usable_deadline_is_refused(
    client: httpx.AsyncClient, mural: Project, end_time: str | None, message: str
) -> None:
    response = await client.post("/projects/mural/outbox", json=_challenge(end_time), headers=await _token("alice"))
    assert response.status_code == 422
    assert response.json()["error"] == message
    assert await Contribution.all().count() == 0


async def test_project_page_shows_challenges_open_then_closed(client: httpx.AsyncClient, mural: Project) -> None:
    response = await client.post("/projects/mural/outbox", json=_challenge(_deadline()), headers=await _token("alice"))
    assert response.status_code == 201
    page = await client.get("/projects/mural", headers=HTML)
    assert "Sounds of the harbour" in page.text and "Open until" in page.text
    await ProjectChallenge.all().update(end_time=datetime.now(UTC) - timedelta(days=1))
    page = await client.get("/projects/mural", headers=HTML)
    assert "Closed on" in page.text and "Open until" not in page.text


async def test_project_outbox_collection_lists_the_challenge(client: httpx.AsyncClient, mural: Project) -> None:
    response = await client.post("/projects/mural/outbox", json=_challenge(_deadline()), headers=await _token("alice"))
    outbox = (await client.get("/projects/mural/outbox?page=1", headers=AS_ACCEPT)).json()
    assert outbox["id"] == "http://hit.test/projects/mural/outbox?page=1"
    assert [item["object"]["id"] for item in outbox["orderedItems"]] == [response.headers["location"]]
