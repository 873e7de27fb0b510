"""What a curator asks of a project, from its C2S outbox (a local curator) or its inbox (a curator
on another server): select or decline a submission, add or remove a curator. One parser and one
performer serve both routes, so a remote curator acts exactly as a local one.

Curator changes are announced by the Group itself: `Add`/`Remove {object: curator, target:
curators}` to its followers and the curator, then `Update` of the Group document, whose
`attributedTo` lists the curators (FEP-1b12 groups; Lemmy's moderators collection works alike).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fediverse_hit.errors import BadRequest
from fediverse_hit.federation.actor_documents import project_to_ap
from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.project_submissions import decline_submission, select_submission
from fediverse_hit.federation.remote_actors import get_remote_actor, resolve_handle
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import build_update_actor
from fediverse_hit.protocol.project_activities import build_curator_change
from fediverse_hit.protocol.vocabulary import ActivityType
from fediverse_hit.services.project_curators import add_curator, remove_curator
from fediverse_hit.store.actors import list_active_keys
from fediverse_hit.store.follows import list_followers
from fediverse_hit.store.models import Actor, Project
from fediverse_hit.store.projects import list_curators


# A Reject of one of these answers a request (federation/handlers/follow_answers.py), not a submission.
ANSWERED_TYPES = (ActivityType.FOLLOW, ActivityType.QUOTE_REQUEST)


class ProjectAction(StrEnum):
    SELECT = "select"
    DECLINE = "decline"
    ADD_CURATOR = "add-curator"
    REMOVE_CURATOR = "remove-curator"


def iri_of(value: Any) -> str | None:
    """The IRI of an activity field given as an IRI or as an object with an `id`."""
    found = value.get("id") if isinstance(value, dict) else value
    return found if isinstance(found, str) and found else None


def project_action(document: dict[str, Any], project: Project, urls: InstanceUrls) -> ProjectAction | None:
    """What `document` asks of `project`, or None when it is not one of the curators' actions:
    `Add` to fhit:selected, `Reject` of a submission, `Add`/`Remove` on the curators collection."""
    kind, target = document.get("type"), iri_of(document.get("target"))
    curators = urls.project_collection(project.slug, "curators")
    if kind == ActivityType.ADD and target == urls.project_collection(project.slug, "selected"):
        return ProjectAction.SELECT
    if kind == ActivityType.ADD and target == curators:
        return ProjectAction.ADD_CURATOR
    if kind == ActivityType.REMOVE and target == curators:
        return ProjectAction.REMOVE_CURATOR
    rejected = document.get("object")
    if kind == ActivityType.REJECT and not (isinstance(rejected, dict) and rejected.get("type") in ANSWERED_TYPES):
        return ProjectAction.DECLINE
    return None


def object_iri(document: dict[str, Any]) -> str:
    """The activity's `object` as an IRI; BadRequest when there is none."""
    object_id = iri_of(document.get("object"))
    if object_id is None:
        raise BadRequest("The activity needs an `object`: a submission's or a person's id.")
    return object_id


async def perform_project_action(
    project: Project, curator: Actor, action: ProjectAction, document: dict[str, Any], fetcher: Fetcher
) -> str | None:
    """Do `action` as the project for `curator`; the id of the project's activity that says so
    (None when a curator change changed nothing)."""
    urls, object_id = fetcher.urls, object_iri(document)
    if action == ProjectAction.SELECT:
        return (await select_submission(project, curator, object_id, urls)).decision_activity_uri
    if action == ProjectAction.DECLINE:
        note = document.get("content")
        submission = await decline_submission(project, curator, object_id, note if isinstance(note, str) else "", urls)
        return submission.decision_activity_uri
    person = await resolve_person(object_id, fetcher)
    return await change_curators(project, curator, action, person, urls)


async def resolve_person(value: str, fetcher: Fetcher) -> Actor:
    """The actor named by an IRI or a `user@host` handle, local or fetched; BadRequest if unknown."""
    try:
        if value.startswith(("https://", "http://")):
            return await get_remote_actor(value, fetcher=fetcher)
        return await resolve_handle(value, fetcher=fetcher)
    except FetchError as exc:
        raise BadRequest(f"Could not find that person: {exc}") from exc


async def change_curators(
    project: Project, by: Actor | None, action: ProjectAction, person: Actor, urls: InstanceUrls
) -> str | None:
    """Add or remove `person` as a curator for `by` (None: the server's operator); when it changed, announce it as the Group
    and send the updated Group document. The announcing activity's id, or None."""
    change = add_curator if action == ProjectAction.ADD_CURATOR else remove_curator
    if not await change(project, by, person):
        return None
    group = project.actor
    kind = ActivityType.ADD if action == ProjectAction.ADD_CURATOR else ActivityType.REMOVE
    announced = build_curator_change(
        kind, urls.new_activity_id(), group.uri, person.uri, urls.project_collection(project.slug, "curators"),
        urls.project_collection(project.slug, "followers"), datetime.now(UTC),
    )
    followers = await list_followers(group)
    inboxes = inboxes_for([*followers, person])
    if inboxes:
        await enqueue_activity(await sign_document(announced, group, urls), group, inboxes)
    follower_inboxes = inboxes_for(followers)
    if follower_inboxes:
        document = project_to_ap(project, group, await list_curators(project), await list_active_keys(group), urls)
        await enqueue_activity(build_update_actor(urls.new_activity_id(), document), group, follower_inboxes)
    return str(announced["id"])
