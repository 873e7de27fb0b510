"""`/contributions/{id}/history`: every version of a work with what changed (the "(edited …)"
link). Shown to whoever may see the work; the versions themselves stay at
`/contributions/{id}/versions/{n}` as signed documents (DESIGN §7)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.services.edit_history import history_of
from fediverse_hit.web.contribution_cards import build_cards
from fediverse_hit.web.contribution_pages import local_contribution, viewer_actor, visible_contribution
from fediverse_hit.web.rendering import render


async def history_page(request: Request) -> Response:
    """The readable history, newest version first."""
    viewer = await viewer_actor(request)
    contribution = await visible_contribution(await local_contribution(request), viewer)
    card = (await build_cards([contribution], viewer, request.app.state.urls))[0]
    entries = list(reversed(await history_of(contribution)))
    return await render(request, "edit_history.html", {"c": card, "entries": entries})
