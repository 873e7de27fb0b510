"""Rendering a page template with what every page needs (viewer, CSRF token)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.web.sessions import csrf_token, current_account


async def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """Render `template` with `context` plus `viewer` and `csrf_token`."""
    full = {"viewer": await current_account(request), "csrf_token": csrf_token(request), **context}
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, full, status_code=status_code
    )
    response.headers.setdefault("Vary", "Accept")
    return response
