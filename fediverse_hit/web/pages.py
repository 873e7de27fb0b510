"""Thin handlers for the public HTML pages: home, the instance actor; finding a local person
(profile pages: `profile_pages`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor
from fediverse_hit.web.rendering import render


async def local_person(username: str) -> Actor:
    """A local Person by username: NotFound if unknown, Gone if deleted."""
    actor = await find_local_actor(username.lower())
    if actor is None or actor.kind != "Person":
        raise NotFound("No such account on this instance.")
    if actor.deleted_at is not None:
        raise Gone("This account was deleted.")
    return actor


async def home(request: Request) -> Response:
    """The front page: what this instance is and its newest creators."""
    newest = await Actor.filter(local=True, kind="Person", deleted_at=None).order_by("-id").limit(12)
    return await render(request, "home.html", {"newest": newest})


async def render_instance_actor(request: Request, actor: Actor) -> Response:
    """What a browser sees at `/actor`: a short explanation, not a person's profile."""
    return await render(request, "instance_actor.html", {"actor": actor})
