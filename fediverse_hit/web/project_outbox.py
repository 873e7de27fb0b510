"""A curator acting as the project over C2S: `POST /projects/{slug}/outbox` with the curator's
bearer token (201 + `Location`). `Create` of a Note is a challenge (its `endTime` the deadline),
published by the project's Group actor to its followers with the project's proof; with
`fhit:sources` it is a work (a remix by the project, federation/project_works.py); `Add`,
`Remove` and `Reject` select, decline and change curators (federation/project_actions.py).
Anyone who is not a curator is refused (403).
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import BadRequest, ValidationFailed
from fediverse_hit.federation.client_objects import CONTRIBUTION_TYPES, draft_from_object
from fediverse_hit.federation.project_actions import perform_project_action, project_action
from fediverse_hit.federation.project_challenges import publish_challenge
from fediverse_hit.federation.project_works import publish_project_work
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.json_documents import JsonDocumentError, read_json_object
from fediverse_hit.protocol.remix_sources import SOURCES
from fediverse_hit.protocol.vocabulary import ActivityType
from fediverse_hit.services.challenges import parse_deadline
from fediverse_hit.services.projects import require_curator
from fediverse_hit.web.inbox import read_capped_body
from fediverse_hit.web.outbox import MAX_C2S_BYTES, bearer_actor
from fediverse_hit.web.project_documents import local_project

ACCEPTED = (
    "Create (of a Note: a challenge, or with fhit:sources a work), Add (to fhit:selected: select), "
    "Reject (decline) and Add/Remove (to the curators collection: a curator joins or leaves)"
)


async def post_project_outbox(request: Request) -> Response:
    """Publish an activity as the project, for one of its curators."""
    curator = await bearer_actor(request)
    project = await local_project(request.path_params["slug"])
    await require_curator(project, curator)
    try:
        document = read_json_object(await read_capped_body(request, MAX_C2S_BYTES))
    except JsonDocumentError as exc:
        raise BadRequest(f"The body must be a JSON object; it is {exc}.") from exc
    kind = document.get("type")
    urls: InstanceUrls = request.app.state.urls
    if kind == ActivityType.CREATE or kind in CONTRIBUTION_TYPES:
        note = document.get("object") if kind == ActivityType.CREATE else document
        if not isinstance(note, dict) or note.get("type") not in CONTRIBUTION_TYPES:
            raise ValidationFailed(f"Create needs an embedded {' or '.join(CONTRIBUTION_TYPES)} object.")
        draft = draft_from_object(note, urls.project_collection(project.slug, "followers"))
        if SOURCES in note:
            published = await publish_project_work(project, curator, draft, request.app.state.fetcher)
        else:
            deadline = parse_deadline(note.get("endTime"), datetime.now(UTC))
            published = await publish_challenge(project, curator, draft, deadline, request.app.state.fetcher)
        return Response(status_code=201, headers={"Location": published.uri})
    action = project_action(document, project, request.app.state.urls)
    if action is None:
        if kind == ActivityType.ADD:
            raise ValidationFailed(
                "Add selects a submission (`target`: the project's fhit:selected collection) or adds a "
                "curator (`target`: its curators collection)."
            )
        raise ValidationFailed(f"A project's outbox accepts {ACCEPTED}.")
    announced = await perform_project_action(project, curator, action, document, request.app.state.fetcher)
    if announced is None:  # a curator change that changed nothing
        return Response(status_code=200)
    return Response(status_code=201, headers={"Location": announced})

