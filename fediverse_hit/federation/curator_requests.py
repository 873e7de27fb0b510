"""A local person who curates a project on another server acts through their own outbox: `POST
/users/NAME/outbox` with `Add` (to the project's fhit:selected or curators collection),
`Remove` (from its curators collection) or `Reject` (of a submission), naming the project in
`audience`. We send the person's own signed activity to the project's inbox; the project's server
checks that the person curates it and acts as the Group (federation/project_requests.py there).
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.errors import BadRequest, ValidationFailed
from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.project_actions import iri_of, object_iri
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.protocol.project_activities import build_curator_request
from fediverse_hit.protocol.vocabulary import ActivityType
from fediverse_hit.store.models import Actor

CURATOR_REQUEST_TYPES = (ActivityType.ADD, ActivityType.REMOVE, ActivityType.REJECT)
MAX_NOTE_LENGTH = 2000


async def send_curator_request(curator: Actor, document: dict[str, Any], fetcher: Fetcher) -> str:
    """Send `curator`'s Add/Remove/Reject to the remote project named in `audience`; its id."""
    project_iri = iri_of(document.get("audience"))
    if project_iri is None:
        raise ValidationFailed("Name the project this is for in `audience` (the project's actor id).")
    if fetcher.urls.is_local(project_iri):
        raise ValidationFailed("For a project on this server, post to the project's own outbox.")
    try:
        group = await get_remote_actor(project_iri, fetcher=fetcher)
    except FetchError as exc:
        raise BadRequest(f"Could not fetch the project: {exc}") from exc
    if group.kind != "Group" or not group.inbox:
        raise ValidationFailed("The `audience` is not a project (a Group actor with an inbox).")
    kind = str(document.get("type"))
    target = iri_of(document.get("target"))
    if kind != ActivityType.REJECT and target is None:
        raise ValidationFailed(f"{kind} needs a `target`: the project's collection.")
    note = document.get("content") if kind == ActivityType.REJECT else None
    if isinstance(note, str) and len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed(f"The note is at most {MAX_NOTE_LENGTH} characters.")
    activity = build_curator_request(
        kind, fetcher.urls.new_activity_id(), curator.uri, group.uri, object_iri(document), target,
        note if isinstance(note, str) else "",
    )
    await enqueue_activity(await sign_document(activity, curator, fetcher.urls), curator, [group.inbox])
    return str(activity["id"])
