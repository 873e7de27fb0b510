"""Thin handlers for the public HTML pages: home, the instance actor; finding a local person
(profile pages: `profile_pages`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor
from fediverse_hit.services.instance_info import get_instance_info
from fediverse_hit.store.timelines import local_timeline
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.contribution_pages import viewer_actor
from fediverse_hit.web.excerpts import excerpt_of
from fediverse_hit.web.rendering import render


async def local_person(username: str) -> Actor:
    """A local Person by username: NotFound if unknown, Gone if deleted."""
    actor = await find_local_actor(username.lower())
    if actor is None or actor.kind != "Person":
        raise NotFound("No such account on this instance.")
    if actor.deleted_at is not None:
        raise Gone("This account was deleted.")
    return actor


FRONT_PAGE_WORKS = 24


async def home(request: Request) -> Response:
    """The front page: what this instance is, its recent public works as a grid (Pixelfed's
    browsing view), and its newest creators."""
    viewer = await viewer_actor(request)
    entries = await local_timeline(viewer, limit=FRONT_PAGE_WORKS)
    works = await build_cards(entries, viewer, request.app.state.urls)
    for work in works:
        work["excerpt"] = excerpt_of(str(work["content_html"]), 160)
    newest = (
        await Actor.filter(local=True, kind="Person", deleted_at=None, account__suspended_at=None)
        .order_by("-id")
        .limit(12)
    )
    context = {"works": works, "newest": newest, "instance": await get_instance_info()}
    return await render(request, "home.html", context)


async def render_instance_actor(request: Request, actor: Actor) -> Response:
    """What a browser sees at `/actor`: a short explanation, not a person's profile."""
    return await render(request, "instance_actor.html", {"actor": actor})
