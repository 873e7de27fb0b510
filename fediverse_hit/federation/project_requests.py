"""A curator on another server acting as one of our projects: their server delivers the curator's
own signed `Add`/`Remove`/`Reject` to the project's inbox (the project in `to` and `audience`;
`build_curator_request`). The inbox refuses it at once (403) unless the signed actor curates the
project, and a selection or decline of something never submitted (422); the handler then acts as
the Group exactly as for a local curator's C2S (federation/project_actions.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fediverse_hit.errors import Forbidden, HitError
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.project_actions import (
    ProjectAction,
    iri_of,
    object_iri,
    perform_project_action,
    project_action,
)
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.services.submissions import find_submission
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Project
from fediverse_hit.store.projects import find_project, is_curator

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProjectRequest:
    """An inbound activity asking one of our projects to act."""

    project: Project
    action: ProjectAction


async def find_project_request(document: dict[str, Any], urls: InstanceUrls) -> ProjectRequest | None:
    """The request `document` makes of one of our projects, or None: the project is the one whose
    collection is the `target` (Add/Remove), or the one in `audience`/`to` (Reject)."""
    for slug in _project_slugs(document, urls):
        project = await find_project(slug)
        if project is None or project.actor.deleted_at is not None:
            continue
        action = project_action(document, project, urls)
        if action is not None:
            return ProjectRequest(project, action)
    return None


def _project_slugs(document: dict[str, Any], urls: InstanceUrls) -> list[str]:
    candidates: list[str] = []
    target = iri_of(document.get("target"))
    if target is not None and "/" in target:
        candidates.append(target.rsplit("/", 1)[0])  # …/projects/SLUG/selected → …/projects/SLUG
    if document.get("type") == "Reject":
        for field in ("audience", "to"):
            value = document.get(field)
            candidates.extend(item for item in (value if isinstance(value, list) else [value]) if isinstance(item, str))
    slugs = (urls.parse_project(candidate) for candidate in candidates)
    return list(dict.fromkeys(slug for slug in slugs if slug is not None))


async def check_project_request(activity: ParsedActivity, document: dict[str, Any], urls: InstanceUrls) -> None:
    """At the inbox: Forbidden unless the actor curates the project it asks to act; ValidationFailed
    for a selection or decline of something never submitted. Other activities pass."""
    request = await find_project_request(document, urls)
    if request is None:
        return
    actor = await find_actor_by_uri(activity.actor)
    if actor is None or not await is_curator(request.project, actor):
        raise Forbidden("Only the project's curators may act as the project.")
    if request.action in (ProjectAction.SELECT, ProjectAction.DECLINE):
        await find_submission(request.project, object_iri(document))


async def handle_project_request(activity: ParsedActivity, document: dict[str, Any], fetcher: Fetcher) -> bool:
    """Act as the project for a remote curator; False when `document` asks nothing of a project.
    A request that became invalid since the inbox took it (the curator was removed meanwhile)
    is logged and dropped: retrying would not make it valid."""
    request = await find_project_request(document, fetcher.urls)
    if request is None:
        return False
    curator = await get_remote_actor(activity.actor, fetcher=fetcher)
    try:
        await perform_project_action(request.project, curator, request.action, document, fetcher)
    except HitError as exc:
        logger.warning("%s from %s for project %s refused: %s", activity.type, activity.actor, request.project.slug, exc.message)
    return True
