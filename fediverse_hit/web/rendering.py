"""Rendering a page template with what every page needs (viewer, CSRF token, the header's counts),
and parts of pages rendered apart, kept, and then given the requester's CSRF token."""

from __future__ import annotations

import secrets
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.store.header_counts import HeaderCounts, header_counts
from fediverse_hit.store.models import Account
from fediverse_hit.web.read_cache import mark_anonymous_page
from fediverse_hit.web.sessions import LazyCsrfToken, csrf_token, current_account
from fediverse_hit.web.validators import PRIVATE_PAGE

# What a fragment prints where a form's CSRF token goes; new in every process, so no content can
# spell it (and if some did, it would only print the reader's own token into the reader's own page).
CSRF_MARKER = f"csrf-{secrets.token_hex(16)}"


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


def render_fragment(request: Request, template: str, context: dict[str, Any], viewer: Account | None) -> str:
    """Render `template` (a part of a page) for `viewer`, with `CSRF_MARKER` as its forms' token."""
    full = {"request": request, "viewer": viewer, "csrf_token": CSRF_MARKER, **context}
    return str(request.app.state.templates.get_template(template).render(full))


def with_csrf_token(request: Request, fragment: str) -> Markup:
    """A fragment from `render_fragment` with the requester's CSRF token in its forms (the
    session gets one only when the fragment has a form)."""
    if CSRF_MARKER not in fragment:
        return Markup(fragment)
    return Markup(fragment.replace(CSRF_MARKER, str(escape(csrf_token(request)))))
