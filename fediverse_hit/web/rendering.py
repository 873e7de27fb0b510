"""Rendering a page template with what every page needs (viewer, CSRF token, the header's counts)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.store.header_counts import HeaderCounts, header_counts
from fediverse_hit.web.read_cache import mark_anonymous_page
from fediverse_hit.web.sessions import LazyCsrfToken, current_account
from fediverse_hit.web.validators import PRIVATE_PAGE


async def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render `template` with `context` plus `viewer`, `csrf_token`, `unread_notifications` and
    `pending_follow_requests` (the header shows its link only when there are any)."""
    viewer = await current_account(request)
    counts = await header_counts(await viewer.actor) if viewer is not None else HeaderCounts()
    full = {
        "viewer": viewer,
        "csrf_token": LazyCsrfToken(request),
        "unread_notifications": counts.unread_notifications,
        "pending_follow_requests": counts.pending_follow_requests,
        **context,
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, full, status_code=status_code
    )
    response.headers.setdefault("Vary", "Accept")
    if viewer is not None:  # it shows who is logged in (and their counts): never for a shared cache
        response.headers["Cache-Control"] = PRIVATE_PAGE
    elif status_code == 200:
        mark_anonymous_page(request.scope)
    return response
