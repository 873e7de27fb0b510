"""The curators' web tools: the submissions queue (select / decline with a note) and the
challenge form. They go through the same functions as the C2S outbox, so the creator on another
server gets the project's signed Announce + Add or Reject; anyone who is not a curator gets 403
and changes nothing; a form with errors comes back with what was typed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fediverse_hit.store.models import Contribution, OutgoingActivity, Project, ProjectChallenge, ProjectSubmission
from tests.asgi_forms import HTML, csrf_from, log_in
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio

QUEUE = "/projects/mural/queue"
MENTION = '<p><span class="h-card"><a href="http://hit.test/projects/mural" class="u-url mention">@<span>mural</span></a></span> harbour at dawn</p>'


async def _zoe_submits(inbox: InboxHarness, mural: Project) -> str:
    """Zoe, on a Mastodon server, mentions the project: a submission. Returns its id."""
    zoe = inbox.network.person("zoe", "mastodon.example")
    note = zoe.note(1, content=MENTION, cc=[zoe.followers, mural.actor.uri],
                    tag=[{"type": "Mention", "href": mural.actor.uri, "name": "@mural@hit.test"}])
    await inbox.deliver(zoe.create(note), zoe)
    return str(note["id"])


async def _sent(kind: str) -> list[dict[str, object]]:
    bodies = [json.loads(row.body) for row in await OutgoingActivity.all().order_by("id")]
    return [body for body in bodies if body["type"] == kind]


def _in_a_week() -> str:
    return (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


async def test_the_queue_lists_a_submission_and_selecting_it_tells_the_creator(inbox: InboxHarness, mural: Project) -> None:
    note_id = await _zoe_submits(inbox, mural)
    await log_in(inbox.client, "alice")
    notifications = await inbox.client.get("/notifications", headers=HTML)
    assert '<a href="http://hit.test/projects/mural/queue">Select or decline in City Mural\'s queue</a>' in notifications.text
    page = await inbox.client.get(QUEUE, headers=HTML)
    assert page.status_code == 200
    assert "Waiting for a decision (1)" in page.text and "harbour at dawn" in page.text
    token = await csrf_from(inbox.client, QUEUE)
    response = await inbox.client.post(QUEUE, data={"csrf_token": token, "submission": note_id, "decision": "select"})
    assert response.status_code == 303
    assert (await ProjectSubmission.get()).state == "selected"
    [announce], [add] = await _sent("Announce"), await _sent("Add")
    assert (announce["actor"], add["target"]) == (mural.actor.uri, "http://hit.test/projects/mural/selected")
    assert "https://mastodon.example/users/zoe" in add["cc"]  # type: ignore[operator]
    after = await inbox.client.get(response.headers["location"], headers=HTML)
    assert "Selected. The creator is told" in after.text and "Waiting for a decision (0)" in after.text


async def test_declining_from_the_queue_sends_the_note_to_the_creator(inbox: InboxHarness, mural: Project) -> None:
    note_id = await _zoe_submits(inbox, mural)
    await log_in(inbox.client, "alice")
    token = await csrf_from(inbox.client, QUEUE)
    fields = {"csrf_token": token, "submission": note_id, "decision": "decline", "note": "Too quiet for the mural."}
    assert (await inbox.client.post(QUEUE, data=fields)).status_code == 303
    [reject] = await _sent("Reject")
    assert (reject["to"], reject["content"]) == (["https://mastodon.example/users/zoe"], "Too quiet for the mural.")
    page = await inbox.client.get(QUEUE, headers=HTML)
    assert "Note: Too quiet for the mural." in page.text


async def test_a_too_long_decline_note_is_refused_and_kept_in_the_form(inbox: InboxHarness, mural: Project) -> None:
    # Tried: a 2,001-character note (the cap is 2,000).
    note_id = await _zoe_submits(inbox, mural)
    await log_in(inbox.client, "alice")
    token = await csrf_from(inbox.client, QUEUE)
    long_note = "n" * 2001
    fields = {"csrf_token": token, "submission": note_id, "decision": "decline", "note": long_note}
    response = await inbox.client.post(QUEUE, data=fields)
    assert response.status_code == 422
    assert "Nothing was changed: The note is at most 2000 characters." in response.text
    assert long_note in response.text
    assert (await ProjectSubmission.get()).state == "pending"
    assert await _sent("Reject") == []


async def test_selecting_from_the_form_what_was_never_submitted_is_refused(inbox: InboxHarness, mural: Project) -> None:
    # Tried: a hand-made POST naming a post that is stored here but was never submitted.
    zoe = inbox.network.person("zoe", "mastodon.example")
    await inbox.deliver(zoe.create(zoe.note(7)), zoe)
    await log_in(inbox.client, "alice")
    token = await csrf_from(inbox.client, QUEUE)
    fields = {"csrf_token": token, "submission": zoe.note(7)["id"], "decision": "select"}
    response = await inbox.client.post(QUEUE, data=fields)
    assert response.status_code == 422
    assert "That contribution was never submitted to this project." in response.text
    assert await _sent("Announce") == [] and await ProjectSubmission.all().count() == 0


async def test_curator_tools_are_403_for_someone_else_and_change_nothing(inbox: InboxHarness, mural: Project) -> None:
    # Tried: Bob, logged in but no curator, opens each tool and posts a selection, a challenge and a work.
    note_id = await _zoe_submits(inbox, mural)
    await inbox.local_person("bob")
    await log_in(inbox.client, "bob")
    for path in (QUEUE, "/projects/mural/challenges/new", "/projects/mural/works/new"):
        page = await inbox.client.get(path, headers=HTML)
        assert page.status_code == 403, path
        assert "Only the project&#39;s curators may act as the project." in page.text
    token = await csrf_from(inbox.client, "/projects/mural/submit")
    posts = {
        QUEUE: {"submission": note_id, "decision": "select"},
        "/projects/mural/challenges/new": {"brief": "Send us anything", "deadline": _in_a_week()},
        "/projects/mural/works/new": {"title": "Stolen", "piece": note_id},
    }
    for path, fields in posts.items():
        assert (await inbox.client.post(path, data={"csrf_token": token, **fields})).status_code == 403, path
    assert (await ProjectSubmission.get()).state == "pending"
    assert await ProjectChallenge.all().count() == 0 and await _sent("Announce") == []
    project_page = await inbox.client.get("/projects/mural", headers=HTML)
    assert "Curator tools" not in project_page.text


async def test_curator_tools_ask_a_visitor_to_log_in(inbox: InboxHarness, mural: Project) -> None:
    for path in (QUEUE, "/projects/mural/works/new", "/projects/mural/submit"):
        assert (await inbox.client.get(path, headers=HTML)).status_code == 401, path


async def test_a_challenge_posted_from_the_form_is_open_on_the_project_page(inbox: InboxHarness, mural: Project) -> None:
    zoe = inbox.network.person("zoe", "mastodon.example")
    await inbox.deliver(zoe.activity("Follow", mural.actor.uri), zoe, path="/projects/mural/inbox")
    await log_in(inbox.client, "alice")
    token = await csrf_from(inbox.client, "/projects/mural/challenges/new")
    fields = {"csrf_token": token, "title": "Harbour sounds", "brief": "Record the harbour.", "kinds": ["audio", "video"],
              "deadline": _in_a_week(), "work_1": "https://pixels.example/p/ada/42"}
    response = await inbox.client.post("/projects/mural/challenges/new", data=fields)
    assert response.status_code == 303, response.text
    challenge = await ProjectChallenge.get().prefetch_related("contribution__author")
    assert challenge.contribution.author.uri == mural.actor.uri
    assert "Wanted: audio, video." in challenge.contribution.source
    assert 'href="https://pixels.example/p/ada/42"' in challenge.contribution.content_html
    [create] = await _sent("Create")  # to Zoe, the project's follower on Mastodon
    assert create["object"]["endTime"] == challenge.end_time.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[index]
    page = await inbox.client.get("/projects/mural", headers=HTML)
    assert "Harbour sounds" in page.text and "Open until" in page.text


async def test_a_challenge_form_with_errors_keeps_what_was_typed(inbox: InboxHarness, mural: Project) -> None:
    # Tried: no brief, a deadline in the past, a work address that is no URL.
    await log_in(inbox.client, "alice")
    token = await csrf_from(inbox.client, "/projects/mural/challenges/new")
    fields = {"csrf_token": token, "title": "Harbour sounds", "brief": "", "kinds": ["audio"],
              "deadline": "2020-01-01T10:00", "work_2": "javascript:alert(1)"}
    response = await inbox.client.post("/projects/mural/challenges/new", data=fields)
    assert response.status_code == 422
    assert "Nothing was saved." in response.text
    assert "Write the brief" in response.text
    assert "The challenge&#39;s deadline must be in the future." in response.text
    assert "Work 2: give the address of a work" in response.text
    assert 'value="Harbour sounds"' in response.text and 'value="2020-01-01T10:00"' in response.text
    assert 'value="audio" checked' in response.text
    assert await Contribution.all().count() == 0 and await ProjectChallenge.all().count() == 0
