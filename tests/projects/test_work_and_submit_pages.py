"""Creators submit from the project's submit page (one of their works, or a new one from the
composer), and curators compose a work from the selected pieces on the web: published through the
same function as the C2S outbox, then its credits page opens. Form errors keep what was typed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fediverse_hit.store.models import Contribution, MediaAttachment, Notification, Project, ProjectSubmission, ProjectWork
from tests.asgi_forms import HTML, csrf_from, log_in
from tests.inbox_harness import InboxHarness
from tests.remix_steps import person_with_token, post

pytestmark = pytest.mark.anyio

SUBMIT, COMPOSE = "/projects/mural/submit", "/projects/mural/works/new"
CONSENT = "A submission is consent to be used in the project&#39;s works."


async def _own_work(inbox: InboxHarness, username: str, title: str) -> str:
    """A public work by a new local person (logged in afterwards); returns its IRI."""
    _, token = await person_with_token(username, inbox.urls)
    created = await post(inbox.client, username, token, {"name": title, "content": f"{title}, a poem."})
    assert created.status_code == 201
    return created.headers["location"]


async def _submit(inbox: InboxHarness, work: str) -> None:
    token = await csrf_from(inbox.client, SUBMIT)
    response = await inbox.client.post(SUBMIT, data={"csrf_token": token, "work": work})
    assert response.status_code == 303, response.text


async def _select_all(inbox: InboxHarness) -> None:
    await log_in(inbox.client, "alice")
    for row in await ProjectSubmission.all().prefetch_related("contribution"):
        token = await csrf_from(inbox.client, "/projects/mural/queue")
        fields = {"csrf_token": token, "submission": row.contribution.uri, "decision": "select"}
        assert (await inbox.client.post("/projects/mural/queue", data=fields)).status_code == 303


async def test_submitting_one_of_my_works_queues_it_and_tells_the_curator(inbox: InboxHarness, mural: Project) -> None:
    tide = await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    form = await inbox.client.get(SUBMIT, headers=HTML)
    assert CONSENT in form.text and "“Tide”" in form.text
    await _submit(inbox, tide)
    submission = await ProjectSubmission.get().prefetch_related("contribution")
    assert (submission.contribution.uri, submission.state) == (tide, "pending")
    assert await Notification.filter(kind="submission").count() == 1
    again = await inbox.client.get(SUBMIT, headers=HTML)
    assert "“Tide”" not in again.text  # offered once


async def test_submitting_someone_elses_work_is_refused(inbox: InboxHarness, mural: Project) -> None:
    # Tried: Bo posts the submit form naming Ada's work.
    tide = await _own_work(inbox, "ada", "Tide")
    await _own_work(inbox, "bo", "Reeds")
    await log_in(inbox.client, "bo")
    token = await csrf_from(inbox.client, SUBMIT)
    response = await inbox.client.post(SUBMIT, data={"csrf_token": token, "work": tide})
    assert response.status_code == 422
    assert "Nothing was submitted: You can submit only your own works." in response.text
    assert await ProjectSubmission.all().count() == 0


async def test_a_new_contribution_from_the_composer_is_a_submission(inbox: InboxHarness, mural: Project) -> None:
    await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    form = await inbox.client.get("/contributions/new?project=mural", headers=HTML)
    assert "Submitting to <a href=\"http://hit.test/projects/mural\">City Mural</a>" in form.text
    assert CONSENT in form.text
    token = await csrf_from(inbox.client, "/contributions/new?project=mural")
    fields = {"csrf_token": token, "title": "Gulls", "source": "Gulls over the quay.", "visibility": "public", "project": "mural"}
    response = await inbox.client.post("/contributions/new", data=fields)
    assert response.status_code == 303, response.text
    gulls = await Contribution.get(title="Gulls")
    assert gulls.context_uri == mural.actor.uri
    assert await ProjectSubmission.filter(contribution=gulls).count() == 1


async def test_a_curator_composes_a_work_and_its_credits_page_opens(inbox: InboxHarness, mural: Project) -> None:
    tide = await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    await _submit(inbox, tide)
    reeds = await _own_work(inbox, "bo", "Reeds")
    await log_in(inbox.client, "bo")
    await _submit(inbox, reeds)
    await _select_all(inbox)
    form = await inbox.client.get(COMPOSE, headers=HTML)
    assert form.text.count('name="piece"') == 2 and "checked" in form.text
    [tide_row, reeds_row] = await ProjectSubmission.all().order_by("id")
    token = await csrf_from(inbox.client, COMPOSE)
    fields = {"csrf_token": token, "title": "Harbour mural", "text": "Made of your pieces.", "piece": [tide, reeds],
              f"piece_weight_{tide_row.id}": "75", f"piece_weight_{reeds_row.id}": "", "upstream_share": "60",
              "license": "https://creativecommons.org/licenses/by-sa/4.0/"}
    response = await inbox.client.post(COMPOSE, data=fields)
    assert response.status_code == 303, response.text
    work = await ProjectWork.get().prefetch_related("contribution")
    assert response.headers["location"] == f"http://hit.test/projects/mural/credits/{work.contribution.local_id}"
    credits = await inbox.client.get(response.headers["location"], headers=HTML)
    # 60 % upstream: Ada 75 % of it = 45 %, Bo 15 %; Alice, the only curator, keeps 40 %.
    assert "Credits of <a" in credits.text and "Harbour mural" in credits.text
    for share in ("45%", "15%", "40%"):
        assert f"<td>{share}" in credits.text.replace(" %", "%"), share
    project_page = await inbox.client.get("/projects/mural", headers=HTML)
    assert "Harbour mural" in project_page.text and response.headers["location"] in project_page.text


async def test_a_compose_form_with_errors_keeps_what_was_typed(inbox: InboxHarness, mural: Project) -> None:
    # Tried: no title, weights that add up to 140 %, an upstream share of 120 %.
    tide = await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    await _submit(inbox, tide)
    await _select_all(inbox)
    [row] = await ProjectSubmission.all()
    token = await csrf_from(inbox.client, COMPOSE)
    fields = {"csrf_token": token, "title": "", "text": "Kept text", "piece": [tide], f"piece_weight_{row.id}": "70",
              "source_url_1": "https://pixels.example/p/9", "source_weight_1": "70", "upstream_share": "120"}
    response = await inbox.client.post(COMPOSE, data=fields)
    assert response.status_code == 422
    assert "Give the work a title." in response.text
    assert "The share for the sources must be a percentage from 0 to 100." in response.text
    assert "Kept text" in response.text and 'value="https://pixels.example/p/9"' in response.text
    assert f'id="piece_weight_{row.id}" name="piece_weight_{row.id}" value="70"' in response.text
    fields.update(title="Harbour", upstream_share="50")
    fields["csrf_token"] = await csrf_from(inbox.client, COMPOSE)
    sums = await inbox.client.post(COMPOSE, data=fields)
    assert sums.status_code == 422
    assert "The weights must add up to 100 %" in sums.text
    nothing = await inbox.client.post(COMPOSE, data={"csrf_token": fields["csrf_token"], "title": "Empty"})
    assert "Tick at least one selected piece" in nothing.text
    assert await ProjectWork.all().count() == 0


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_the_works_file_is_kept_across_an_error_and_attached(inbox: InboxHarness, mural: Project) -> None:
    tide = await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    await _submit(inbox, tide)
    await _select_all(inbox)
    token = await csrf_from(inbox.client, COMPOSE)
    fields = {"csrf_token": token, "title": "", "piece": [tide], "alt": "The mural, finished", "upstream_share": "50"}
    first = await inbox.client.post(COMPOSE, data=fields, files={"file": ("mural.png", _png(), "image/png")})
    assert first.status_code == 422 and "Give the work a title." in first.text
    [stored] = await MediaAttachment.all().prefetch_related("owner")
    assert stored.owner is not None and stored.owner.uri == mural.actor.uri  # the work's author, the project's Group
    assert f'name="media_id" value="{stored.id}"' in first.text
    fields.update(title="Harbour mural", media_id=str(stored.id))
    response = await inbox.client.post(COMPOSE, data=fields)
    assert response.status_code == 303, response.text
    work = await ProjectWork.get().prefetch_related("contribution")
    attached = await MediaAttachment.get(id=stored.id)
    assert (attached.contribution_id, attached.description) == (work.contribution.id, "The mural, finished")  # type: ignore[attr-defined]


async def test_a_file_of_someone_else_named_in_the_form_is_not_attached(inbox: InboxHarness, mural: Project) -> None:
    # Tried: the hidden media_id field names Ada's own upload, not one stored for the project.
    tide = await _own_work(inbox, "ada", "Tide")
    await log_in(inbox.client, "ada")
    token = await csrf_from(inbox.client, SUBMIT)
    upload = await inbox.client.post("/api/media", data={"csrf_token": token, "description": "Ada's"},
                                     files={"file": ("a.png", _png(), "image/png")})
    assert upload.status_code == 201, upload.text
    await _submit(inbox, tide)
    await _select_all(inbox)
    token = await csrf_from(inbox.client, COMPOSE)
    fields = {"csrf_token": token, "title": "Harbour mural", "piece": [tide], "media_id": upload.json()["id"]}
    response = await inbox.client.post(COMPOSE, data=fields)
    assert response.status_code == 303, response.text
    [adas] = await MediaAttachment.all()
    assert adas.contribution_id is None  # type: ignore[attr-defined]
