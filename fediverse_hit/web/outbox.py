"""ActivityPub client-to-server: `POST /users/{name}/outbox` with a bearer token.

Follow (the object may be any actor IRI, local or remote) and Undo are handled here; posts,
edits, deletions, likes and boosts in `outbox_contributions`; Add, Remove and Reject for a
project on another server that the person curates in `federation/curator_requests.py`.
201 with `Location`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import BadRequest, Forbidden, NotFound, Unauthorized, ValidationFailed
from fediverse_hit.federation.curator_requests import CURATOR_REQUEST_TYPES, send_curator_request
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.relationships import follow_account, unfollow_account
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.json_documents import JsonDocumentError, read_json_object
from fediverse_hit.services.tokens import authenticate_token
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.follows import find_follow_by_activity
from fediverse_hit.store.models import Actor
from fediverse_hit.web.inbox import read_capped_body
from fediverse_hit.web.outbox_contributions import HANDLED_TYPES, handle_contribution_activity, undo_interaction

MAX_C2S_BYTES = 256 * 1024


async def bearer_actor(request: Request) -> Actor:
    """The actor of the account whose token is in `Authorization: Bearer …`."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    account = await authenticate_token(token)
    return await account.actor


async def post_outbox(request: Request) -> Response:
    """Publish an activity as the token's owner, who must own this outbox."""
    actor = await bearer_actor(request)
    if actor.username != request.path_params["username"].lower():
        raise Forbidden("This token cannot post to another account's outbox.")
    try:
        document = read_json_object(await read_capped_body(request, MAX_C2S_BYTES))
    except JsonDocumentError as exc:
        raise BadRequest(f"The body must be a JSON object; it is {exc}.") from exc
    urls: InstanceUrls = request.app.state.urls
    kind = document.get("type")
    if kind == "Follow":
        target = await _target_actor(document.get("object"), request)
        outcome = await follow_account(actor, target, urls)
        return Response(status_code=201, headers={"Location": outcome.follow.activity_uri})
    if kind == "Undo":
        return await _undo(actor, document.get("object"), urls)
    if kind in HANDLED_TYPES:
        return await handle_contribution_activity(actor, document, request)
    if kind in CURATOR_REQUEST_TYPES:
        sent = await send_curator_request(actor, document, request.app.state.fetcher)
        return Response(status_code=201, headers={"Location": sent})
    raise ValidationFailed(
        f"This outbox accepts Follow, Undo, {', '.join(HANDLED_TYPES)} and, for a project you curate, "
        f"{', '.join(CURATOR_REQUEST_TYPES)}."
    )


async def _target_actor(value: Any, request: Request) -> Actor:
    target_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(target_id, str) or not target_id.startswith(("https://", "http://")):
        raise BadRequest("Follow needs an `object` that is an actor IRI.")
    urls: InstanceUrls = request.app.state.urls
    if urls.is_local(target_id):
        local = await find_actor_by_uri(target_id)
        if local is None:
            raise NotFound("No such account here.")
        return local
    try:
        return await get_remote_actor(target_id, fetcher=request.app.state.fetcher)
    except FetchError as exc:
        raise BadRequest(f"Could not fetch the actor to follow: {exc}") from exc


async def _undo(actor: Actor, value: Any, urls: InstanceUrls) -> Response:
    undone_id = value.get("id") if isinstance(value, dict) else value
    if isinstance(undone_id, str) and (undone := await undo_interaction(actor, undone_id, urls)) is not None:
        return undone
    follow = await find_follow_by_activity(undone_id) if isinstance(undone_id, str) else None
    if follow is None or follow.follower.id != actor.id:
        raise NotFound("No Follow, Like or Announce of yours with that id.")
    undo_id = await unfollow_account(actor, follow.followed, urls)
    if undo_id is None:
        raise NotFound("That Follow was already undone.")
    return Response(status_code=201, headers={"Location": undo_id})
