"""Admin page for the licence new contributions get by default (one that permits remixing)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services.contribution_rules import default_license, license_choices, set_default_license
from fediverse_hit.web.admin_pages import require_admin
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form


async def licence_page(request: Request) -> Response:
    """`GET /admin/licence`: the current default and the licences that may be chosen."""
    await require_admin(request)
    return await _render(request, notice="Default licence saved." if request.query_params.get("saved") else "")


async def save_licence(request: Request) -> Response:
    """`POST /admin/licence`: set the default (licences without remixing are refused)."""
    await require_admin(request)
    form = await read_form(request)
    try:
        await set_default_license(str(form.get("licence", "")))
    except ValidationFailed as exc:
        return await _render(request, error=exc.message, status_code=exc.status_code)
    return RedirectResponse(f"{request.url_for('admin_licence')}?saved=1", status_code=303)


async def _render(request: Request, *, error: str = "", notice: str = "", status_code: int = 200) -> Response:
    choices = [choice for choice in license_choices() if choice.permits_remix]
    context = {"current": (await default_license()).code, "choices": choices, "error": error, "notice": notice}
    return await render(request, "admin_licence.html", context, status_code=status_code)
