"""A project's Group actor and its collections as AS2, on the URLs browsers get the project page
from (FEP-1b12), and its inbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.federation.actor_documents import project_to_ap
from fediverse_hit.federation.collections import (
    PAGE_SIZE,
    build_collection,
    build_collection_page,
    empty_collection,
    parse_page_number,
)
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocab import AS_CONTEXT
from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, SubmissionState
from fediverse_hit.services.submissions import list_submissions
from fediverse_hit.store.actors import list_active_keys
from fediverse_hit.store.follows import count_followers, list_follower_uris
from fediverse_hit.store.models import Project
from fediverse_hit.store.projects import find_project, list_curators
from fediverse_hit.web import contribution_documents, project_pages
from fediverse_hit.web.inbox import shared_inbox
from fediverse_hit.web.negotiation import activity_response, wants_activity_json

PROJECT_COLLECTIONS = (
    "outbox", "followers", "following", "featured", "curators", "submissions", "selected", "context",
)


async def local_project(slug: str) -> Project:
    """A project by slug: NotFound if unknown, Gone if its actor was deleted."""
    project = await find_project(slug.lower())
    if project is None:
        raise NotFound("No such project on this instance.")
    if project.actor.deleted_at is not None:
        raise Gone("This project was deleted.")
    return project


async def project_actor(request: Request) -> Response:
    """`/projects/{slug}`: the Group document, or the project page for browsers."""
    project = await local_project(request.path_params["slug"])
    if not wants_activity_json(request):
        return await project_pages.render_project(request, project)
    urls: InstanceUrls = request.app.state.urls
    actor = project.actor
    document = project_to_ap(project, actor, await list_curators(project), await list_active_keys(actor), urls)
    return activity_response(document, request=request)


async def project_inbox(request: Request) -> Response:
    """A project's inbox: the shared inbox, for a project that exists here."""
    await local_project(request.path_params["slug"])
    return await shared_inbox(request)


async def project_collection(request: Request) -> Response:
    """One of a project's collections (PROJECT_COLLECTIONS)."""
    project = await local_project(request.path_params["slug"])
    name = request.path_params["collection"]
    if name not in PROJECT_COLLECTIONS:
        raise NotFound("No such collection.")
    urls: InstanceUrls = request.app.state.urls
    collection_id = urls.project_collection(project.slug, name)
    if name == "outbox":
        return await contribution_documents.user_outbox(request, project.actor)
    if name == "followers":
        total = await count_followers(project.actor)
        page = parse_page_number(request.query_params.get("page"))
        if page is None:
            return activity_response(build_collection(collection_id, total), request=request)
        items = await list_follower_uris(project.actor, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        return activity_response(build_collection_page(collection_id, page, total, items), request=request)
    if name == "curators":
        curators = [actor.uri for actor in await list_curators(project)]
        return activity_response(
            {"@context": AS_CONTEXT, "id": collection_id, "type": "OrderedCollection",
             "totalItems": len(curators), "orderedItems": curators},
            request=request,
        )
    if name in ("submissions", "selected"):
        state = SubmissionState.SELECTED if name == "selected" else None
        rows = await list_submissions(project, state)
        items = [row.contribution.uri for row in rows if row.contribution.visibility in OPEN_VISIBILITIES]
        return activity_response(
            {"@context": AS_CONTEXT, "id": collection_id, "type": "OrderedCollection",
             "totalItems": len(items), "orderedItems": items},
            request=request,
        )
    return activity_response(empty_collection(collection_id), request=request)
