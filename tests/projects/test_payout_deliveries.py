"""Where a project's payment documents go (DESIGN §7 Payments): the proposal in a `Create` to every
remote contributor; comments written here announced to them; at finalizing, the statement in a
`Create` and, for a contributor whose server does not know our types (a Mastodon-shaped actor
document, without our namespace), also a direct Note with their line and a link."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Delivery, OutgoingActivity, PaymentComment
from tests.asgi_forms import log_in
from tests.inbox_harness import InboxHarness
from tests.projects.payment_steps import ALICE, H, form_post
from tests.remix_steps import AS2, PUBLIC, person_with_token

pytestmark = pytest.mark.anyio


async def _sent(kind: str, object_type: str) -> list[tuple[dict[str, Any], list[str]]]:
    """(activity, inboxes) of every queued activity of `kind` whose object is of `object_type`."""
    found = []
    for row in await OutgoingActivity.all().order_by("id"):
        activity = json.loads(row.body)
        obj = activity.get("object")
        if activity.get("type") == kind and isinstance(obj, dict) and obj.get("type") == object_type:
            inboxes = [d.inbox_url for d in await Delivery.filter(activity=row)]
            found.append((activity, inboxes))
    return found


async def _world(inbox: InboxHarness, urls: InstanceUrls) -> tuple[str, str]:
    """Zoe on a Mastodon-shaped server wrote a note; Alice's project `mural` made a work of it
    (upstream 50 %), then recorded 10.00 EUR: a 5.00 EUR pool, 2.50 EUR each. (proposal, Zoe)"""
    zoe = inbox.network.person("zoe", "mastodon.example")
    source = zoe.note(1, content="<p>A sketch of the harbour</p>")
    inbox.network.serve(source)
    alice, token = await person_with_token("alice", urls)
    await create_project(ProjectDraft(slug="mural", title="City Mural", comment_days=0), [alice], urls)
    note = {"type": "Note", "name": "Harbour mural", "content": "From Zoe's sketch.", "to": [PUBLIC],
            "fhit:sources": [{"object": source["id"]}], "fhit:upstreamShare": 5000}
    body = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create", "object": note}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": AS2}
    created = await inbox.client.post("/projects/mural/outbox", content=json.dumps(body), headers=headers)
    assert created.status_code == 201, created.text
    await log_in(inbox.client, "alice")
    recorded = await form_post(inbox.client, "/projects/mural", "/projects/mural/payments",
                               {"work": created.headers["location"], "amount": "1000", "currency": "EUR"})
    assert recorded.status_code == 303, recorded.text
    return recorded.headers["location"], zoe.actor_id


async def test_the_proposal_is_sent_to_each_remote_contributor(inbox: InboxHarness, urls: InstanceUrls) -> None:
    proposal_url, zoe = await _world(inbox, urls)
    [(create, inboxes)] = await _sent("Create", "fhit:PaymentProposal")
    assert create["object"]["id"] == proposal_url and sorted(create["to"]) == sorted([ALICE, zoe])
    assert {line["actor"]: line["fhit:amount"] for line in create["object"]["fhit:lines"]} == {ALICE: 250, zoe: 250}
    assert "proof" in create["object"] and "@context" in create["object"]  # embedded whole, verifiable as sent
    assert inboxes == ["https://mastodon.example/inbox"]


async def test_a_comment_written_here_is_kept_served_and_announced_to_the_contributors(
    inbox: InboxHarness, urls: InstanceUrls
) -> None:
    proposal_url, zoe = await _world(inbox, urls)
    path = proposal_url.removeprefix(H)
    response = await form_post(inbox.client, path, f"{path}/comments", {"text": "Zoe's sketch is the whole idea."})
    assert response.status_code == 303
    comment = await PaymentComment.get()
    assert comment.uri.startswith(f"{proposal_url}/comments/")
    served = await inbox.client.get(comment.uri.removeprefix(H), headers={"Accept": AS2})
    assert served.json()["inReplyTo"] == proposal_url and served.json()["attributedTo"] == ALICE
    [(announce, inboxes)] = await _sent("Announce", "Note")
    assert announce["object"]["id"] == comment.uri and inboxes == ["https://mastodon.example/inbox"]
    page = await inbox.client.get(path, headers={"Accept": "text/html"})
    assert "Zoe&#39;s sketch is the whole idea." in page.text or "Zoe's sketch is the whole idea." in page.text


async def test_a_contributor_on_mastodon_gets_the_statement_and_a_direct_note(inbox: InboxHarness, urls: InstanceUrls) -> None:
    proposal_url, zoe = await _world(inbox, urls)
    path = proposal_url.removeprefix(H)
    assert (await form_post(inbox.client, path, f"{path}/finalize", {})).status_code == 303
    [(statement, inboxes)] = await _sent("Create", "fhit:PaymentStatement")
    assert statement["object"]["id"] == f"{proposal_url}/statement" and inboxes == ["https://mastodon.example/inbox"]
    [(note, note_inboxes)] = [sent for sent in await _sent("Create", "Note") if "/statement/notes/" in sent[0]["id"]]
    assert note["object"]["to"] == [zoe] and note["object"]["cc"] == []
    assert "you are owed 2.50 EUR" in note["object"]["content"]
    assert f'href="{proposal_url}/statement"' in note["object"]["content"]
    assert note_inboxes == ["https://mastodon.example/inbox"]  # as Mastodon sends a direct post: the preferred inbox
