"""`/projects/{slug}/submit`: a creator submits one of their works to a project, or opens the
composer to make a new one for it (addressed to the project and in its `context`, like a
submission from any server). Either way the form says that a submission is consent to be used
in the project's works."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, ValidationFailed
from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.submissions import submit_own_work
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor, Project, ProjectSubmission
from fediverse_hit.store.projects import find_project
from fediverse_hit.store.timelines import profile_timeline
from fediverse_hit.web.contribution_cards import label_of, page_url
from fediverse_hit.web.project_documents import local_project
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form, require_account

CONSENT = "A submission is consent to be used in the project's works."
OFFERED = 20  # the creator's newest works offered in the list


async def submit_form(request: Request) -> Response:
    """The form: the creator's recent works to pick from, and a way to make a new one."""
    account = await require_account(request)
    project = await local_project(request.path_params["slug"])
    return await _render(request, project, await account.actor, "", "")


async def submit_work(request: Request) -> Response:
    """Submit the picked work, then back to the project page."""
    account = await require_account(request)
    project = await local_project(request.path_params["slug"])
    creator = await account.actor
    picked = str((await read_form(request)).get("work", ""))
    try:
        work = await find_contribution_by_uri(picked) if picked else None
        if work is None:
            raise ValidationFailed("Pick one of your works to submit.")
        await submit_own_work(project, creator, work)
    except HitError as exc:
        return await _render(request, project, creator, picked, exc.message, status_code=exc.status_code)
    return RedirectResponse(f"{project.actor.uri}?done=submitted", status_code=303)


async def _render(
    request: Request, project: Project, creator: Actor, picked: str, error: str, status_code: int = 200
) -> Response:
    submitted = set(await ProjectSubmission.filter(project=project).values_list("contribution_id", flat=True))
    entries = await profile_timeline(creator, creator, limit=OFFERED)
    works: list[dict[str, Any]] = [
        {"uri": entry.contribution.uri, "label": label_of(entry.contribution), "href": page_url(entry.contribution),
         "kind": entry.contribution.kind, "published": entry.contribution.published_at}
        for entry in entries
        if entry.boosted_by is None and entry.contribution.id not in submitted and entry.contribution.visibility in OPEN_VISIBILITIES
    ]
    context = {"project": project, "works": works, "picked": picked, "error": error, "consent": CONSENT}
    return await render(request, "project_submit.html", context, status_code=status_code)


async def submission_draft(draft: Draft, slug: str) -> Draft:
    """`draft` made a submission to the project `slug` (the composer's `?project=`): addressed to
    the project and in its `context`. ValidationFailed when no such project is here."""
    project = await find_project(slug.lower())
    if project is None or project.actor.deleted_at is not None:
        raise ValidationFailed("That project is not on this server any more.")
    return replace(draft, context=project.actor.uri, addressed=(*draft.addressed, project.actor.uri))


async def submission_target(slug: str) -> dict[str, str] | None:
    """The project a composer submits to, for its banner; None when there is none."""
    project = await find_project(slug.lower()) if slug else None
    if project is None:
        return None
    return {"title": project.title, "href": project.actor.uri, "consent": CONSENT}
