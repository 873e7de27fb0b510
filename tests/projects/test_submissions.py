"""Submissions: a post addressed to a project or mentioning it (a plain Mastodon post) is queued;
curators select (Announce + Add to fhit:selected) or decline (Reject with a note) over C2S; the
creator is told either way; non-curators and never-submitted things are refused."""

from __future__ import annotations

import json

import pytest

from fediverse_hit.store.models import Account, Notification, OutgoingActivity, Project, ProjectSubmission
from fediverse_hit.services.tokens import create_token
from tests.inbox_harness import InboxHarness, RemotePerson

pytestmark = pytest.mark.anyio

AS_ACCEPT = {"Accept": "application/activity+json"}


async def _token(username: str) -> dict[str, str]:
    account = await Account.get(username=username)
    return {"Authorization": f"Bearer {await create_token(account, 'test')}"}


def _mastodon_mention(zoe: RemotePerson, project: Project, number: int = 1) -> dict[str, object]:
    """A public Mastodon status that mentions the project, shaped as Mastodon sends it."""
    note = zoe.note(
        number,
        content='<p><span class="h-card"><a href="http://hit.test/projects/mural" class="u-url mention">@<span>mural</span></a></span> my harbour recording</p>',
        cc=[zoe.followers, project.actor.uri],
        tag=[{"type": "Mention", "href": project.actor.uri, "name": "@mural@hit.test"}],
    )
    return zoe.create(note, suffix=str(number))


async def _submitted(inbox: InboxHarness, mural: Project) -> tuple[RemotePerson, str]:
    zoe = inbox.network.person("zoe", "mastodon.example")
    create = _mastodon_mention(zoe, mural)
    await inbox.deliver(create, zoe)
    return zoe, create["object"]["id"]  # type: ignore[index]


async def _sent(kind: str) -> list[dict[str, object]]:
    bodies = [json.loads(row.body) for row in await OutgoingActivity.all().order_by("id")]
    return [body for body in bodies if body["type"] == kind]


async def test_a_mastodon_post_mentioning_the_project_is_a_submission(inbox: InboxHarness, mural: Project) -> None:
    _, note_id = await _submitted(inbox, mural)
    [submission] = await ProjectSubmission.all().prefetch_related("contribution")
    assert (submission.contribution.uri, submission.state) == (note_id, "pending")
    assert await Notification.filter(kind="submission").count() == 1  # Alice, the curator
    collection = (await inbox.client.get("/projects/mural/submissions", headers=AS_ACCEPT)).json()
    assert collection["orderedItems"] == [note_id]


async def test_the_same_submission_delivered_twice_is_queued_once(inbox: InboxHarness, mural: Project) -> None:
    zoe, _ = await _submitted(inbox, mural)
    response = await inbox.post(_mastodon_mention(zoe, mural), zoe)
    assert response.status_code == 202
    await inbox.process()
    assert await ProjectSubmission.all().count() == 1


async def test_a_post_that_does_not_address_the_project_is_not_a_submission(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    await inbox.deliver(zoe.create(zoe.note(5)), zoe)
    assert await ProjectSubmission.all().count() == 0


async def test_selecting_announces_and_adds_to_selected(inbox: InboxHarness, mural: Project) -> None:
    zoe, note_id = await _submitted(inbox, mural)
    add = {"type": "Add", "object": note_id, "target": "http://hit.test/projects/mural/selected"}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("alice"))
    assert response.status_code == 201
    [announce] = await _sent("Announce")
    [sent_add] = await _sent("Add")
    assert (announce["actor"], announce["object"]) == (mural.actor.uri, note_id)
    assert (sent_add["object"], sent_add["target"]) == (note_id, "http://hit.test/projects/mural/selected")
    assert response.headers["location"] == sent_add["id"]
    assert sent_add["proof"]["verificationMethod"] == "http://hit.test/projects/mural#ed25519-key"
    selected = (await inbox.client.get("/projects/mural/selected", headers=AS_ACCEPT)).json()
    assert selected["orderedItems"] == [note_id]
    again = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("alice"))
    assert again.status_code == 201
    assert len(await _sent("Announce")) == 1


async def test_declining_rejects_with_the_note_to_the_creator(inbox: InboxHarness, mural: Project) -> None:
    zoe, note_id = await _submitted(inbox, mural)
    reject = {"type": "Reject", "object": note_id, "content": "Too quiet for the mural, sorry."}
    response = await inbox.client.post("/projects/mural/outbox", json=reject, headers=await _token("alice"))
    assert response.status_code == 201
    [sent] = await _sent("Reject")
    assert (sent["object"], sent["to"], sent["content"]) == (note_id, [zoe.actor_id], "Too quiet for the mural, sorry.")
    submission = await ProjectSubmission.get()
    assert (submission.state, submission.decision_note) == ("declined", "Too quiet for the mural, sorry.")
    selected = (await inbox.client.get("/projects/mural/selected", headers=AS_ACCEPT)).json()
    assert selected["orderedItems"] == []


async def test_selecting_something_never_submitted_is_refused(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    await inbox.deliver(zoe.create(zoe.note(5)), zoe)  # stored here, never submitted
    add = {"type": "Add", "object": zoe.note(5)["id"], "target": "http://hit.test/projects/mural/selected"}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("alice"))
    assert response.status_code == 422
    assert response.json()["error"] == "That contribution was never submitted to this project."
    assert await _sent("Announce") == [] and await _sent("Add") == []


async def test_a_non_curator_cannot_select(inbox: InboxHarness, mural: Project) -> None:
    _, note_id = await _submitted(inbox, mural)
    await inbox.local_person("bob")
    add = {"type": "Add", "object": note_id, "target": "http://hit.test/projects/mural/selected"}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("bob"))
    assert response.status_code == 403
    assert response.json()["error"] == "Only the project's curators may act as the project."
    assert (await ProjectSubmission.get()).state == "pending"


async def test_a_local_creator_is_told_of_the_selection(inbox: InboxHarness, mural: Project) -> None:
    await inbox.local_person("carol")
    post = {"type": "Note", "content": "For the mural", "cc": ["http://hit.test/projects/mural"]}
    created = await inbox.client.post("/users/carol/outbox", json=post, headers=await _token("carol"))
    assert created.status_code == 201
    assert await ProjectSubmission.all().count() == 1
    add = {"type": "Add", "object": created.headers["location"], "target": "http://hit.test/projects/mural/selected"}
    response = await inbox.client.post("/projects/mural/outbox", json=add, headers=await _token("alice"))
    assert response.status_code == 201
    [told] = await Notification.filter(kind="selected").prefetch_related("recipient")
    assert told.recipient.username == "carol"
