"""`/projects/{slug}/credits/{work}`: a project work's credits, the signed `OrderedCollection` of
`fhit:Credit` for peers and a page for people showing how each share was computed;
`…/versions/{n}` serves every earlier version exactly as it was signed."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.project_credits import ensure_current_credits
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.models import Actor, Contribution, ProjectCredits, ProjectWork
from fediverse_hit.store.project_works import find_credits_version, find_work_of_project, list_credits_versions
from fediverse_hit.web.contribution_cards import label_of, safe_href
from fediverse_hit.web.negotiation import stored_activity_response, wants_activity_json
from fediverse_hit.web.project_documents import local_project
from fediverse_hit.web.remix_family_views import percent
from fediverse_hit.web.rendering import render

ROLE_LABELS = {"curator": "Curator of this work", "contributor": "Author of a work it builds on"}


async def _work(request: Request) -> ProjectWork:
    project = await local_project(request.path_params["slug"])
    work = await find_work_of_project(project, request.path_params["work"])
    contribution: Contribution | None = work.contribution if work is not None else None
    if work is None or contribution is None or contribution.deleted_at is not None:
        raise NotFound("No such work in this project.")
    return work


async def project_credits(request: Request) -> Response:
    """The current credits of a work (computed anew first if the work changed)."""
    work = await _work(request)
    credits = await ensure_current_credits(work, request.app.state.urls)
    if wants_activity_json(request):
        return stored_activity_response(credits.current_json)
    return await _page(request, work, credits)


async def project_credits_version(request: Request) -> Response:
    """One version of a work's credits, as signed."""
    work = await _work(request)
    try:
        number = int(request.path_params["version"])
    except ValueError:
        raise NotFound("No such version of these credits.") from None
    credits = await find_credits_version(work, number)
    if credits is None:
        raise NotFound("No such version of these credits.")
    if wants_activity_json(request):
        return stored_activity_response(credits.document_json)
    return await _page(request, work, credits)


async def _page(request: Request, work: ProjectWork, credits: ProjectCredits) -> Response:
    urls: InstanceUrls = request.app.state.urls
    document: dict[str, Any] = json.loads(credits.document_json)
    items: list[dict[str, Any]] = document["orderedItems"]
    actor_iris = {item["actor"] for item in items}
    work_iris = {path["object"] for item in items for path in item["fhit:paths"]}
    work_iris |= {step["object"] for item in items for path in item["fhit:paths"] for step in path["fhit:steps"]}
    actors = {actor.uri: actor for actor in await Actor.filter(uri__in=list(actor_iris))}
    works = {c.uri: c for c in await Contribution.filter(uri__in=list(work_iris), deleted_at=None)}
    contribution: Contribution = work.contribution
    slug, local_id = work.project.slug, str(contribution.local_id)
    newest = await list_credits_versions(work)
    context = {
        "project": work.project,
        "work_title": label_of(contribution),
        "work_href": contribution.uri,
        "version": credits.version,
        "is_newest": bool(newest) and newest[0][0] == credits.version,
        "versions": [
            {"number": number, "when": when, "href": urls.project_credits_version(slug, local_id, number)}
            for number, when in newest
        ],
        "document_href": urls.project_credits_version(slug, local_id, credits.version),
        "credits": [_credit_view(item, actors, works) for item in items],
    }
    return await render(request, "project_credits.html", context)


def _credit_view(item: dict[str, Any], actors: dict[str, Actor], works: dict[str, Contribution]) -> dict[str, Any]:
    actor = actors.get(item["actor"])
    name = (actor.name or actor.username) if actor is not None else item["actor"]
    handle = f"@{actor.username}@{actor.domain}" if actor is not None else ""
    return {
        "name": name,
        "handle": handle,
        "href": safe_href(actor.url or actor.uri) if actor is not None else safe_href(item["actor"]),
        "role": ROLE_LABELS.get(item["fhit:role"], item["fhit:role"]),
        "percent": percent(int(item["fhit:share"])),
        "exact": item["fhit:exactShare"],
        "path_count": item["fhit:pathCount"],
        "paths": [_path_view(path, works) for path in item["fhit:paths"]],
    }


def _path_view(path: dict[str, Any], works: dict[str, Contribution]) -> dict[str, Any]:
    def name(iri: str) -> dict[str, str]:
        known = works.get(iri)
        return {"label": label_of(known) if known is not None else iri, "href": safe_href(iri)}

    return {
        "steps": [
            {**name(step["object"]), "upstream": percent(int(step["fhit:upstreamShare"])), "weight": percent(int(step["fhit:weight"]))}
            for step in path["fhit:steps"]
        ],
        "end": name(path["object"]),
        "kept": percent(int(path["fhit:kept"])),
        "authors": path["fhit:authorCount"],
        "exact": path["fhit:exactShare"],
    }
