"""Who may use a project's curator tools on the web: the project's curators, logged in; the same
rule (services.projects.require_curator) as for the C2S outbox."""

from __future__ import annotations

from starlette.requests import Request

from fediverse_hit.services.projects import require_curator
from fediverse_hit.store.models import Actor, Project
from fediverse_hit.web.project_documents import local_project
from fediverse_hit.web.sessions import require_account


async def require_curating(request: Request) -> tuple[Project, Actor]:
    """The project of the path and the logged-in person, who must curate it: Unauthorized (401)
    when nobody is logged in, Forbidden (403) for anyone else."""
    account = await require_account(request)
    project = await local_project(request.path_params["slug"])
    curator = await account.actor
    await require_curator(project, curator)
    return project, curator
