"""`/projects/{slug}/queue`: the curators' submissions queue. Select or decline (with an optional
note) each submission through the same functions as the C2S outbox's `Add` and `Reject`, so the
creator hears of it on their own server either way. Curators only (403 for anyone else)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, ValidationFailed
from fediverse_hit.federation.project_submissions import decline_submission, select_submission
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocabulary import SubmissionState
from fediverse_hit.services.submissions import MAX_NOTE_LENGTH, list_submissions
from fediverse_hit.store.models import Actor, Project
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.project_access import require_curating
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form

DONE = {"selected": "Selected. The creator is told, and the piece is shared with the project's followers.",
        "declined": "Declined. The creator is told, with your note if you wrote one."}


async def queue_page(request: Request) -> Response:
    """The queue: submissions waiting for a decision first, then those decided."""
    project, curator = await require_curating(request)
    return await _render(request, project, curator, {}, DONE.get(request.query_params.get("done", ""), ""))


async def decide(request: Request) -> Response:
    """Select or decline one submission, then back to the queue (or the queue with the error)."""
    project, curator = await require_curating(request)
    form = await read_form(request)
    submission = str(form.get("submission", ""))
    decision = str(form.get("decision", ""))
    note = str(form.get("note", "")).replace("\r\n", "\n")
    urls: InstanceUrls = request.app.state.urls
    try:
        if decision == "select":
            await select_submission(project, curator, submission, urls)
        elif decision == "decline":
            await decline_submission(project, curator, submission, note, urls)
        else:
            raise ValidationFailed("Choose Select or Decline.")
    except HitError as exc:
        problem = {"uri": submission, "message": exc.message, "note": note}
        return await _render(request, project, curator, problem, "", status_code=exc.status_code)
    done = "selected" if decision == "select" else "declined"
    return RedirectResponse(f"{request.url_for('project_queue', slug=project.slug)}?done={done}", status_code=303)


async def _render(
    request: Request, project: Project, curator: Actor, problem: dict[str, str], notice: str, status_code: int = 200
) -> Response:
    urls: InstanceUrls = request.app.state.urls
    rows = await list_submissions(project)
    cards = await build_cards([row.contribution for row in rows], curator, urls)
    for card in cards:  # no Like / Boost as yourself here: Select is the project's boost
        card["actions_url"] = ""
    entries: list[dict[str, Any]] = [
        {"card": card, "uri": row.contribution.uri, "id": row.id, "state": row.state,
         "note": row.decision_note, "decided_at": row.decided_at}
        for row, card in zip(rows, cards, strict=True)
    ]
    context = {
        "project": project,
        "pending": [entry for entry in entries if entry["state"] == SubmissionState.PENDING],
        "decided": [entry for entry in reversed(entries) if entry["state"] != SubmissionState.PENDING],
        "problem": problem,
        "notice": notice,
        "max_note": MAX_NOTE_LENGTH,
        "back": request.url.path,
    }
    return await render(request, "project_queue.html", context, status_code=status_code)
