"""Curators change with an `Add`/`Remove` on the project's curators collection, announced by the
Group to its followers (with an Update of the Group, whose attributedTo lists them); a curator on
another server acts through the project's inbox, exactly as a local curator's C2S does. Anyone
else is refused (403) and nothing changes."""

from __future__ import annotations

import json

import pytest

from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.models import Account, InboxItem, OutgoingActivity, Project, ProjectSubmission
from fediverse_hit.store.projects import list_curators
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio

AS_ACCEPT = {"Accept": "application/activity+json"}
PROJECT = "http://hit.test/projects/mural"
CURATORS = f"{PROJECT}/curators"
SELECTED = f"{PROJECT}/selected"


async def _token(username: str) -> dict[str, str]:
    account = await Account.get(username=username)
    return {"Authorization": f"Bearer {await create_token(account, 'test')}"}


async def _sent(kind: str) -> list[dict[str, object]]:
    bodies = [json.loads(row.body) for row in await OutgoingActivity.all().order_by("id")]
    return [body for body in bodies if body["type"] == kind]


async def _curator_uris(project: Project) -> list[str]:
    return [actor.uri for actor in await list_curators(project)]


async def _remote_curator(inbox: InboxHarness, mural: Project) -> RemotePerson:
    """Rae on another server, made a curator of the mural by Alice over C2S."""
    rae = inbox.network.person("rae", "other.example")
    add = {"type": "Add", "object": rae.actor_id, "target": CURATORS}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("alice"))
    assert response.status_code == 201, response.text
    return rae


async def _submission(inbox: InboxHarness, mural: Project) -> str:
    zoe = inbox.network.person("zoe", "mastodon.example")
    note = zoe.note(1, cc=[zoe.followers, PROJECT], tag=[{"type": "Mention", "href": PROJECT, "name": "@mural@hit.test"}])
    await inbox.deliver(zoe.create(note), zoe)
    return str(note["id"])


async def test_adding_a_remote_curator_announces_it_and_updates_the_group(inbox: InboxHarness, mural: Project) -> None:
    follower = inbox.network.person("fay", "follow.example")
    await inbox.follow(await inbox.remote_actor(follower), mural.actor)
    rae = await _remote_curator(inbox, mural)

    assert await _curator_uris(mural) == ["http://hit.test/users/alice", rae.actor_id]
    [add] = await _sent("Add")
    assert (add["actor"], add["object"], add["target"]) == (PROJECT, rae.actor_id, CURATORS)
    assert add["proof"]["verificationMethod"] == f"{PROJECT}#ed25519-key"  # type: ignore[index]
    delivered = {row.inbox_url for row in await (await OutgoingActivity.get(activity_id=add["id"])).deliveries}
    assert delivered == {"https://follow.example/inbox", "https://other.example/inbox"}
    [update] = await _sent("Update")
    assert update["object"]["attributedTo"] == ["http://hit.test/users/alice", rae.actor_id]  # type: ignore[index]
    group = (await inbox.client.get("/projects/mural", headers=AS_ACCEPT)).json()
    assert group["attributedTo"] == ["http://hit.test/users/alice", rae.actor_id]
    collection = (await inbox.client.get("/projects/mural/curators", headers=AS_ACCEPT)).json()
    assert collection["orderedItems"] == ["http://hit.test/users/alice", rae.actor_id]


async def test_adding_a_curator_twice_changes_nothing_the_second_time(inbox: InboxHarness, mural: Project) -> None:
    rae = await _remote_curator(inbox, mural)
    again = {"type": "Add", "object": rae.actor_id, "target": CURATORS}
    response = await inbox.client.post("/projects/mural/outbox", json=again, headers=await _token("alice"))
    assert response.status_code == 200
    assert len(await _sent("Add")) == 1


async def test_removing_a_curator_announces_the_remove(inbox: InboxHarness, mural: Project) -> None:
    rae = await _remote_curator(inbox, mural)
    remove = {"type": "Remove", "object": rae.actor_id, "target": CURATORS}
    response = await inbox.client.post("/projects/mural/outbox", json=remove, headers=await _token("alice"))
    assert response.status_code == 201
    [sent] = await _sent("Remove")
    assert (sent["object"], sent["target"], response.headers["location"]) == (rae.actor_id, CURATORS, sent["id"])
    assert await _curator_uris(mural) == ["http://hit.test/users/alice"]


async def test_the_last_curator_cannot_be_removed(inbox: InboxHarness, mural: Project) -> None:
    remove = {"type": "Remove", "object": "http://hit.test/users/alice", "target": CURATORS}
    response = await inbox.client.post("/projects/mural/outbox", json=remove, headers=await _token("alice"))
    assert response.status_code == 422
    assert "at least one curator" in response.json()["error"]
    assert await _curator_uris(mural) == ["http://hit.test/users/alice"]


async def test_a_non_curator_cannot_add_a_curator(inbox: InboxHarness, mural: Project) -> None:
    # Tried: Bob, a local person who curates nothing, adds himself over the project's outbox.
    await inbox.local_person("bob")
    add = {"type": "Add", "object": "http://hit.test/users/bob", "target": CURATORS}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("bob"))
    assert response.status_code == 403
    assert await _curator_uris(mural) == ["http://hit.test/users/alice"]
    assert await _sent("Add") == []


async def test_a_remote_curator_selects_through_the_project_inbox(inbox: InboxHarness, mural: Project) -> None:
    rae = await _remote_curator(inbox, mural)
    note_id = await _submission(inbox, mural)
    select = rae.activity("Add", note_id, target=SELECTED, to=[PROJECT], audience=PROJECT)
    await inbox.deliver(select, rae, path="/projects/mural/inbox")

    submission = await ProjectSubmission.get().prefetch_related("decided_by")
    assert (submission.state, submission.decided_by.uri) == ("selected", rae.actor_id)  # type: ignore[union-attr]
    [announce] = await _sent("Announce")
    assert (announce["actor"], announce["object"]) == (PROJECT, note_id)
    selection = [add for add in await _sent("Add") if add["target"] == SELECTED]
    assert [(add["actor"], add["object"]) for add in selection] == [(PROJECT, note_id)]


async def test_a_remote_curator_declines_with_a_note(inbox: InboxHarness, mural: Project) -> None:
    rae = await _remote_curator(inbox, mural)
    note_id = await _submission(inbox, mural)
    decline = rae.activity("Reject", note_id, to=[PROJECT], audience=PROJECT, content="Not this time.")
    await inbox.deliver(decline, rae, path="/projects/mural/inbox")
    submission = await ProjectSubmission.get()
    assert (submission.state, submission.decision_note) == ("declined", "Not this time.")
    [reject] = await _sent("Reject")
    assert (reject["actor"], reject["object"]) == (PROJECT, note_id)


async def test_a_remote_non_curator_is_refused_at_the_inbox(inbox: InboxHarness, mural: Project) -> None:
    # Tried: Mallory, who curates nothing, signs a valid Add to fhit:selected and one adding herself.
    note_id = await _submission(inbox, mural)
    mallory = inbox.network.person("mallory", "evil.example")
    select = mallory.activity("Add", note_id, target=SELECTED, to=[PROJECT], audience=PROJECT)
    response = await inbox.post(select, mallory, path="/projects/mural/inbox")
    assert response.status_code == 403
    assert response.json()["error"] == "Only the project's curators may act as the project."
    join = mallory.activity("Add", mallory.actor_id, suffix="2", target=CURATORS, to=[PROJECT])
    assert (await inbox.post(join, mallory, path="/projects/mural/inbox")).status_code == 403
    assert not await InboxItem.filter(actor_uri=mallory.actor_id).exists()
    assert (await ProjectSubmission.get()).state == "pending"
    assert await _curator_uris(mural) == ["http://hit.test/users/alice"]


async def test_a_remote_curator_cannot_select_what_was_never_submitted(inbox: InboxHarness, mural: Project) -> None:
    # Tried: a curator selects a post of theirs that was never addressed to the project.
    rae = await _remote_curator(inbox, mural)
    select = rae.activity("Add", f"{rae.actor_id}/statuses/9", target=SELECTED, to=[PROJECT], audience=PROJECT)
    response = await inbox.post(select, rae, path="/projects/mural/inbox")
    assert response.status_code == 422
    assert response.json()["error"] == "That contribution was never submitted to this project."
    assert await _sent("Announce") == []


async def test_a_removed_remote_curator_can_no_longer_act(inbox: InboxHarness, mural: Project) -> None:
    rae = await _remote_curator(inbox, mural)
    note_id = await _submission(inbox, mural)
    remove = rae.activity("Remove", rae.actor_id, target=CURATORS, to=[PROJECT], audience=PROJECT)
    await inbox.deliver(remove, rae, path="/projects/mural/inbox")  # a curator may step down
    assert await _curator_uris(mural) == ["http://hit.test/users/alice"]
    select = rae.activity("Add", note_id, suffix="2", target=SELECTED, to=[PROJECT], audience=PROJECT)
    assert (await inbox.post(select, rae, path="/projects/mural/inbox")).status_code == 403
