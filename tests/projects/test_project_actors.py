"""Projects as Group actors (FEP-1b12): found by WebFinger, followable from Mastodon with an
automatic Accept, their document naming curators and collections; names shared with people."""

from __future__ import annotations

import json

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fediverse_hit.errors import Conflict, ValidationFailed
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import multibase_to_public_key
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Actor, ActorKey, Follow, OutgoingActivity, Project
from tests.asgi_forms import PASSWORD
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio

AS_ACCEPT = {"Accept": "application/activity+json"}


async def test_project_is_a_group_found_by_webfinger(client: httpx.AsyncClient, mural: Project) -> None:
    finger = await client.get("/.well-known/webfinger", params={"resource": "acct:mural@hit.test"})
    assert finger.status_code == 200
    jrd = finger.json()
    assert jrd["subject"] == "acct:mural@hit.test"
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link == {"rel": "self", "type": "application/activity+json", "href": "http://hit.test/projects/mural"}

    group = (await client.get(self_link["href"], headers=AS_ACCEPT)).json()
    assert group["type"] == "Group"
    assert group["id"] == "http://hit.test/projects/mural"
    assert group["preferredUsername"] == "mural"
    assert group["name"] == "City Mural"
    assert group["attributedTo"] == ["http://hit.test/users/alice"]
    assert group["inbox"] == "http://hit.test/projects/mural/inbox"
    assert group["outbox"] == "http://hit.test/projects/mural/outbox"
    assert group["followers"] == "http://hit.test/projects/mural/followers"
    assert group["fhit:submissions"] == "http://hit.test/projects/mural/submissions"
    assert group["fhit:selected"] == "http://hit.test/projects/mural/selected"
    assert group["fhit:contributorPool"] == 5000
    assert group["fhit:commentDays"] == 14
    assert group["manuallyApprovesFollowers"] is False
    assert group["publicKey"]["id"] == "http://hit.test/projects/mural#main-key"
    [multikey] = group["assertionMethod"]
    assert multikey["id"] == "http://hit.test/projects/mural#ed25519-key"
    assert isinstance(multibase_to_public_key(multikey["publicKeyMultibase"]), Ed25519PublicKey)
    assert "may use it in the project's works" in group["fhit:terms"]


async def test_webfinger_by_project_url_finds_the_group(client: httpx.AsyncClient, mural: Project) -> None:
    finger = await client.get("/.well-known/webfinger", params={"resource": "http://hit.test/projects/mural"})
    assert finger.status_code == 200
    assert finger.json()["subject"] == "acct:mural@hit.test"


async def test_project_keys_are_a_persons_two_keys(mural: Project) -> None:
    keys = await ActorKey.filter(actor_id=mural.actor.id).order_by("algorithm")  # type: ignore[attr-defined]
    assert [(key.algorithm, key.private_pem is not None) for key in keys] == [("ed25519", True), ("rsa", True)]


async def test_curators_collection_lists_the_curators(client: httpx.AsyncClient, mural: Project) -> None:
    curators = (await client.get("/projects/mural/curators", headers=AS_ACCEPT)).json()
    assert curators["orderedItems"] == ["http://hit.test/users/alice"]


async def test_a_project_is_not_a_user(client: httpx.AsyncClient, mural: Project) -> None:
    response = await client.get("/users/mural", headers=AS_ACCEPT)
    assert response.status_code == 404


async def test_a_project_cannot_take_a_persons_name(urls: InstanceUrls, mural: Project) -> None:
    bob = await create_account("bob", PASSWORD, urls)
    with pytest.raises(Conflict, match="That name is taken by a person or a project."):
        await create_project(ProjectDraft(slug="bob", title="Bob's"), [await bob.actor], urls)


async def test_a_person_cannot_take_a_projects_name(urls: InstanceUrls, mural: Project) -> None:
    with pytest.raises(Conflict, match="That username is taken."):
        await create_account("mural", PASSWORD, urls)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pool_bp": 10001}, "The contributors' pool is between 0 and 10000 basis points (0–100%)."),
        ({"pool_bp": -1}, "The contributors' pool is between 0 and 10000 basis points (0–100%)."),
        ({"comment_days": -1}, "The comment window is between 0 and 365 days."),
        ({"title": "  "}, "A project needs a title."),
        ({"slug": "new"}, "That name is reserved."),
    ],
)
async def test_bad_project_settings_are_refused(
    urls: InstanceUrls, client: httpx.AsyncClient, changes: dict[str, object], message: str
) -> None:
    alice = await create_account("alice", PASSWORD, urls)
    draft = ProjectDraft(**{"slug": "mural", "title": "City Mural", **changes})  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as refused:
        await create_project(draft, [await alice.actor], urls)
    assert refused.value.message == message
    assert await Project.all().count() == 0
    assert await Actor.filter(kind="Group").count() == 0


async def test_comment_window_of_zero_days_is_allowed(urls: InstanceUrls, client: httpx.AsyncClient) -> None:
    alice = await create_account("alice", PASSWORD, urls)
    project = await create_project(ProjectDraft(slug="demo", title="Demo", comment_days=0), [await alice.actor], urls)
    assert project.comment_days == 0


async def test_mastodon_follow_of_a_project_is_accepted_at_once(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{zoe.actor_id}#follows/7",
        "type": "Follow",
        "actor": zoe.actor_id,
        "object": mural.actor.uri,
    }
    await inbox.deliver(follow, zoe, path="/projects/mural/inbox")
    assert await Follow.filter(followed_id=mural.actor.id, state="accepted").count() == 1  # type: ignore[attr-defined]
    [accept] = await OutgoingActivity.all()
    body = json.loads(accept.body)
    assert (body["type"], body["actor"], body["object"]["id"]) == ("Accept", mural.actor.uri, follow["id"])
    followers = (await inbox.client.get("/projects/mural/followers?page=1", headers=AS_ACCEPT)).json()
    assert followers["orderedItems"] == [zoe.actor_id]


async def test_undo_follow_of_a_project_ends_it(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    follow = zoe.activity("Follow", mural.actor.uri)
    await inbox.deliver(follow, zoe, path="/projects/mural/inbox")
    await inbox.deliver(zoe.activity("Undo", follow), zoe, path="/projects/mural/inbox")
    assert await Follow.all().count() == 0


async def test_inbox_of_an_unknown_project_is_404(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    response = await inbox.post(zoe.activity("Follow", mural.actor.uri), zoe, path="/projects/nope/inbox")
    assert response.status_code == 404
