"""Project pages: the project (with Follow, like a person's profile), the list of projects and the
form that creates one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, ValidationFailed
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.currencies import format_amount
from fediverse_hit.protocol.vocabulary import SubmissionState
from fediverse_hit.services.project_payments import list_proposals
from fediverse_hit.services.projects import (
    DEFAULT_COMMENT_DAYS,
    DEFAULT_POOL_BP,
    ProjectDraft,
    create_project,
)
from fediverse_hit.services.submissions import list_submissions
from fediverse_hit.store.follows import count_followers, find_follow
from fediverse_hit.store.models import Project
from fediverse_hit.store.project_works import list_project_works
from fediverse_hit.store.projects import list_curators, list_projects
from fediverse_hit.web.project_views import challenge_views, licence_view, selected_cards, work_views
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import current_account, read_form, require_account


async def render_project(request: Request, project: Project) -> Response:
    """The project page (also served at the actor IRI to browsers)."""
    urls: InstanceUrls = request.app.state.urls
    actor = project.actor
    viewer = await current_account(request)
    viewer_actor = await viewer.actor if viewer is not None else None
    follow_state = "none"
    if viewer_actor is not None:
        follow = await find_follow(viewer_actor, actor)
        follow_state = follow.state if follow else "none"
    curators = await list_curators(project)
    is_curator = viewer_actor is not None and any(c.id == viewer_actor.id for c in curators)
    context = {
        "project": project,
        "actor": actor,
        "handle": "@" + urls.handle(project.slug),
        "curators": [
            {"name": c.name or c.username, "handle": f"@{c.username}@{c.domain}",
             "href": urls.actor_page(c.kind, c.username) if c.local else c.url or c.uri}
            for c in curators
        ],
        "paragraphs": [p for p in project.description.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "follow_state": follow_state,
        "followers": await count_followers(actor),
        "pool_percent": f"{project.pool_bp / 100:g}",
        "licence": licence_view(project.license),
        "challenges": await challenge_views(project),
        "selected": await selected_cards(project, viewer_actor, urls),
        "works": await work_views(project, viewer_actor, urls),
        "is_curator": is_curator,
        "waiting": len(await list_submissions(project, SubmissionState.PENDING)) if is_curator else 0,
        "back": request.url.path,
        "payments": await _payments(project, urls, is_curator),
    }
    return await render(request, "project.html", context)


async def _payments(project: Project, urls: InstanceUrls, is_curator: bool) -> dict[str, object]:
    """The payments section: proposals with their status; for curators, the works that can earn."""
    proposals = [
        {"href": urls.project_payment(project.slug, row.id),
         "amount": format_amount(row.earning.amount, row.earning.currency),
         "work": row.earning.work.contribution.title or "a work", "status": str(row.status)}
        for row in await list_proposals(project)
    ]
    works = [
        {"uri": work.contribution.uri, "title": work.contribution.title or work.contribution.uri}
        for work in await list_project_works(project)
    ] if is_curator else []
    return {"proposals": proposals, "earning_works": works}


async def projects_index(request: Request) -> Response:
    """`/projects`: the projects on this instance, newest first."""
    return await render(request, "projects.html", {"projects": await list_projects()})


async def new_project_form(request: Request) -> Response:
    """`/projects/new`: the form that creates a project, its creator as first curator."""
    await require_account(request)
    defaults = {"pool_bp": DEFAULT_POOL_BP, "comment_days": DEFAULT_COMMENT_DAYS}
    return await render(request, "project_new.html", {"form": defaults})


def _int_field(value: str, label: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise ValidationFailed(f"{label} must be a whole number.") from exc


async def create_project_form(request: Request) -> Response:
    """Create the project from the form; the person creating it is its curator."""
    account = await require_account(request)
    form = await read_form(request)
    values = {key: str(form.get(key, "")) for key in ("slug", "title", "description", "pool_bp", "comment_days")}
    try:
        draft = ProjectDraft(
            slug=values["slug"], title=values["title"], description=values["description"],
            pool_bp=_int_field(values["pool_bp"], "The contributors' pool"),
            comment_days=_int_field(values["comment_days"], "The comment window"),
        )
        project = await create_project(draft, [await account.actor], request.app.state.urls)
    except HitError as exc:
        context = {"form": values, "error": exc.message}
        return await render(request, "project_new.html", context, status_code=exc.status_code)
    return RedirectResponse(request.app.state.urls.project(project.slug), status_code=303)
