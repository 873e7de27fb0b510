"""A curator acting as the project over C2S: `POST /projects/{slug}/outbox` with the curator's
bearer token (201 + `Location`). `Create` of a Note is a challenge (its `endTime` the deadline),
published by the project's Group actor to its followers with the project's proof; with
`fhit:sources` it is a work (a remix by the project, federation/project_works.py).
Anyone who is not a curator is refused (403).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import BadRequest, ValidationFailed
from fediverse_hit.federation.client_objects import CONTRIBUTION_TYPES, draft_from_object
from fediverse_hit.federation.project_challenges import publish_challenge
from fediverse_hit.federation.project_submissions import decline_submission, select_submission
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
    "Create (of a Note: a challenge, or with fhit:sources a work), Add (to fhit:selected: select) and Reject (decline)"
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
    if kind == ActivityType.ADD:
        if document.get("target") != urls.project_collection(project.slug, "selected"):
            raise ValidationFailed("Add selects a submission: its `target` is the project's fhit:selected collection.")
        submission = await select_submission(project, curator, _object_id(document), urls)
        return Response(status_code=201, headers={"Location": submission.decision_activity_uri or ""})
    if kind == ActivityType.REJECT:
        note = document.get("content")
        submission = await decline_submission(
            project, curator, _object_id(document), note if isinstance(note, str) else "", urls
        )
        return Response(status_code=201, headers={"Location": submission.decision_activity_uri or ""})
    raise ValidationFailed(f"A project's outbox accepts {ACCEPTED}.")


def _object_id(document: dict[str, Any]) -> str:
    value = document.get("object")
    object_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(object_id, str) or not object_id:
        raise BadRequest("The activity needs an `object`: the submission's id.")
    return object_id

