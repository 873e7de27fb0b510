"""Thin handlers for the public HTML pages: home, profiles, the instance actor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.actors import find_local_actor
from fediverse_hit.store.models import Actor
from fediverse_hit.services.instance_info import get_instance_info
from fediverse_hit.store.timelines import local_timeline, media_of, pinned_of, profile_timeline
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.contribution_pages import viewer_actor
from fediverse_hit.web.excerpts import excerpt_of
from fediverse_hit.web.rendering import render
from fediverse_hit.web.timeline_pages import PAGE_SIZE, parse_before


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


async def profile_page(request: Request) -> Response:
    """`/@{name}`: a creator's public profile."""
    return await render_profile(request, await local_person(request.path_params["username"]))


async def render_profile(request: Request, actor: Actor) -> Response:
    """The profile page of a local person (also served at the actor URL to browsers)."""
    urls: InstanceUrls = request.app.state.urls
    context = {
        "actor": actor,
        "handle": "@" + urls.handle(actor.username),
        "actor_uri": actor.uri,
        "paragraphs": [p for p in actor.summary.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "deleted_notice": bool(request.query_params.get("deleted")),
        **await _profile_works(request, actor),
    }
    return await render(request, "profile.html", context)


async def _profile_works(request: Request, actor: Actor) -> dict[str, object]:
    """Pinned works, the media grid and the creator's contributions (paged), as the viewer may see them."""
    viewer = await viewer_actor(request)
    before = parse_before(request)
    entries = await profile_timeline(actor, viewer, before=before, limit=PAGE_SIZE)
    pinned = await pinned_of(actor, viewer) if before is None else []
    media = await media_of(actor, viewer, 12) if before is None else []
    cards = await build_cards([*pinned, *media, *entries], viewer, request.app.state.urls)
    older = entries[-1].cursor if len(entries) >= PAGE_SIZE else None
    return {
        "pinned": cards[: len(pinned)],
        "media": cards[len(pinned) : len(pinned) + len(media)],
        "works": cards[len(pinned) + len(media) :],
        "older_url": f"{request.url.path}?before={older}" if older is not None else "",
        "back": request.url.path,
    }


async def render_instance_actor(request: Request, actor: Actor) -> Response:
    """What a browser sees at `/actor`: a short explanation, not a person's profile."""
    return await render(request, "instance_actor.html", {"actor": actor})
