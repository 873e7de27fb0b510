"""Client-to-server activities about contributions: post (Note/Article, bare or in a Create),
Update and Delete of one's own, Like and Announce of any visible contribution, and their Undo.

Each answers 201 with `Location`: the contribution for Create/Update/Delete, the Like or
Announce activity for those (the IRI a later Undo names).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import BadRequest, NotFound, ValidationFailed
from fediverse_hit.federation import interactions
from fediverse_hit.federation.client_objects import CONTRIBUTION_TYPES, draft_from_object
from fediverse_hit.federation.publishing import delete_contribution, edit_contribution
from fediverse_hit.federation.quote_requests import publish_asking_consent
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.vocabulary import ActivityType
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor, Boost, Contribution, Like

HANDLED_TYPES = (
    ActivityType.CREATE, *CONTRIBUTION_TYPES, ActivityType.UPDATE, ActivityType.DELETE, ActivityType.LIKE,
    ActivityType.ANNOUNCE,
)


def _object_id(value: Any) -> str:
    object_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(object_id, str) or not object_id:
        raise BadRequest("The activity needs an `object` (an IRI or an object with an id).")
    return object_id


async def _contribution(value: Any) -> Contribution:
    found = await find_contribution_by_uri(_object_id(value))
    if found is None:
        raise NotFound("No contribution with that id is known here.")
    return found


async def _own(actor: Actor, value: Any) -> Contribution:
    found = await _contribution(value)
    if found.author_id != actor.id:  # type: ignore[attr-defined]
        raise NotFound("No contribution of yours with that id.")
    return found


def _created(location: str) -> Response:
    return Response(status_code=201, headers={"Location": location})


async def handle_contribution_activity(actor: Actor, document: dict[str, Any], request: Request) -> Response:
    """Carry out one of HANDLED_TYPES for `actor` (the token's owner)."""
    urls: InstanceUrls = request.app.state.urls
    fetcher = request.app.state.fetcher
    followers = urls.actor_collection(actor.kind, actor.username, "followers")
    kind = document.get("type")
    if kind == ActivityType.CREATE:
        wrapped = document.get("object")
        document = wrapped if isinstance(wrapped, dict) else {}
        kind = document.get("type")
        if kind not in CONTRIBUTION_TYPES:
            raise ValidationFailed(f"Create needs an embedded {' or '.join(CONTRIBUTION_TYPES)} object.")
    if kind in CONTRIBUTION_TYPES:
        contribution = await publish_asking_consent(actor, draft_from_object(document, followers), fetcher)
        return _created(contribution.uri)
    if kind == ActivityType.UPDATE:
        changed = document.get("object")
        if not isinstance(changed, dict):
            raise BadRequest("Update needs the changed object, with its id.")
        contribution = await _own(actor, changed)
        await edit_contribution(actor, contribution, draft_from_object(changed, followers), fetcher)
        return _created(contribution.uri)
    if kind == ActivityType.DELETE:
        contribution = await _own(actor, document.get("object"))
        await delete_contribution(actor, contribution, urls)
        return _created(contribution.uri)
    contribution = await _contribution(document.get("object"))
    if kind == ActivityType.LIKE:
        await interactions.like(actor, contribution, urls)
        return _created((await Like.get(actor=actor, contribution=contribution)).activity_uri)
    await interactions.boost(actor, contribution, urls)
    return _created((await Boost.get(actor=actor, contribution=contribution)).activity_uri)


async def undo_interaction(actor: Actor, activity_id: str, urls: InstanceUrls) -> Response | None:
    """Undo `actor`'s Like or Announce with IRI `activity_id`; None when it is neither."""
    like = await Like.get_or_none(actor=actor, activity_uri=activity_id).prefetch_related("contribution__author")
    if like is not None:
        await interactions.unlike(actor, like.contribution, urls)
        return _created(activity_id)
    boost = await Boost.get_or_none(actor=actor, activity_uri=activity_id).prefetch_related("contribution__author")
    if boost is not None:
        await interactions.unboost(actor, boost.contribution, urls)
        return _created(activity_id)
    return None
