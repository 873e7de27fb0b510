"""The works on a profile page (local or remote person): pinned, a media grid, then the rest, paged."""

from __future__ import annotations

from starlette.requests import Request

from fediverse_hit.store.models import Actor
from fediverse_hit.store.timelines import media_of, pinned_of, profile_timeline
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.timeline_pages import PAGE_SIZE, parse_before


async def profile_works(request: Request, actor: Actor, viewer: Actor | None) -> dict[str, object]:
    """Pinned works, the media grid and the person's other contributions (paged), as the viewer
    may see them. A pinned work is shown once, among the pinned."""
    before = parse_before(request)
    entries = await profile_timeline(actor, viewer, before=before, limit=PAGE_SIZE)
    pinned = await pinned_of(actor, viewer) if before is None else []
    media = await media_of(actor, viewer, 12) if before is None else []
    pinned_ids = {row.id for row in pinned}
    unpinned = [entry for entry in entries if entry.contribution.id not in pinned_ids]
    cards = await build_cards([*pinned, *media, *unpinned], viewer, request.app.state.urls)
    older = entries[-1].cursor if len(entries) >= PAGE_SIZE else None
    return {
        "pinned": cards[: len(pinned)],
        "media": cards[len(pinned) : len(pinned) + len(media)],
        "works": cards[len(pinned) + len(media) :],
        "older_url": f"{request.url.path}?before={older}" if older is not None else "",
        "back": request.url.path,
    }
