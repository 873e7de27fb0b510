"""Timeline pages: `/home` (whom you follow), `/local` (this instance), `/federated` (everything
public we know of) and `/tags/{name}`, each paged with `?before=<cursor>` ("Older" links).

A logged-in person's feed (the cards and pager) is kept for them in `web/feed_cache.py`; the page
around it, with the header's counts, is rendered for every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import BadRequest
from fediverse_hit.store import timelines
from fediverse_hit.store.models import Actor
from fediverse_hit.store.timelines import Cursor, TimelineEntry
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.contribution_pages import viewer_actor
from fediverse_hit.web.feed_cache import feed_key
from fediverse_hit.web.rendering import render, render_fragment, with_csrf_token
from fediverse_hit.web.sessions import current_account, require_account

PAGE_SIZE = 20
MAX_TAG = 100
Loader = Callable[[Actor | None, Cursor | None], Awaitable[list[TimelineEntry]]]


def parse_before(request: Request) -> Cursor | None:
    """The `before` cursor of the page asked for (None: the newest page)."""
    raw = request.query_params.get("before", "")
    if not raw:
        return None
    cursor = Cursor.parse(raw)
    if cursor is None:
        raise BadRequest("`before` must be a cursor from an “Older” link.")
    return cursor


async def _timeline(request: Request, viewer: Actor | None, load: Loader, context: dict[str, Any]) -> Response:
    before = parse_before(request)
    account = await current_account(request)

    async def build_feed() -> str:
        entries = await load(viewer, before)
        cards = await build_cards(entries, viewer, request.app.state.urls)
        older = entries[-1].cursor if len(entries) >= PAGE_SIZE else None
        feed = {
            "cards": cards,
            "older_url": f"{request.url.path}?before={older}" if older is not None else "",
            "newest_url": request.url.path if before is not None else "",
            "back": request.url.path + (f"?before={before}" if before is not None else ""),
            **context,
        }
        return render_fragment(request, "timeline_feed.html", feed, account)

    if account is None:  # an anonymous visitor's page is kept whole by web/read_cache.py
        feed = await build_feed()
    else:
        feed = await request.app.state.feed_cache.feed(feed_key(request, account.id), build_feed)
    return await render(request, "timeline.html", {"feed": with_csrf_token(request, feed), **context})


async def home_timeline(request: Request) -> Response:
    """`/home`: the logged-in person's own contributions, whom they follow, and their boosts."""
    account = await require_account(request)
    viewer = await account.actor

    async def load(actor: Actor | None, before: Cursor | None) -> list[TimelineEntry]:
        assert actor is not None
        return await timelines.home_timeline(actor, before=before, limit=PAGE_SIZE)

    context = {"heading": "Home", "intro": "You and the people you follow, newest first.", "section": "home"}
    return await _timeline(request, viewer, load, context)


async def local_timeline(request: Request) -> Response:
    """`/local`: public contributions made on this instance."""

    async def load(viewer: Actor | None, before: Cursor | None) -> list[TimelineEntry]:
        return await timelines.local_timeline(viewer, before=before, limit=PAGE_SIZE)

    context = {"heading": "Local", "intro": "Public contributions by people on this instance.", "section": "local"}
    return await _timeline(request, await viewer_actor(request), load, context)


async def federated_timeline(request: Request) -> Response:
    """`/federated`: every public contribution this instance knows of (explore)."""

    async def load(viewer: Actor | None, before: Cursor | None) -> list[TimelineEntry]:
        return await timelines.federated_timeline(viewer, before=before, limit=PAGE_SIZE)

    context = {
        "heading": "Explore",
        "intro": "Public contributions from this instance and the servers it hears from.",
        "section": "federated",
    }
    return await _timeline(request, await viewer_actor(request), load, context)


async def tag_timeline(request: Request) -> Response:
    """`/tags/{name}`: public contributions with the hashtag."""
    name = str(request.path_params["name"]).lstrip("#").lower()
    if not name or len(name) > MAX_TAG:
        raise BadRequest("No such hashtag.")

    async def load(viewer: Actor | None, before: Cursor | None) -> list[TimelineEntry]:
        return await timelines.tag_timeline(name, viewer, before=before, limit=PAGE_SIZE)

    context = {"heading": f"#{name}", "intro": f"Public contributions tagged #{name}.", "section": "tag"}
    return await _timeline(request, await viewer_actor(request), load, context)
