"""`/about` (the instance's name, description, rules, contact and counts) and the admin form
that edits them (`/admin/instance`)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.services.instance_info import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_RULES,
    InstanceInfo,
    check_instance_info,
    get_instance_info,
    parse_rules,
    save_instance_info,
)
from fediverse_hit.store.instance_stats import find_contact_admin, read_instance_stats
from fediverse_hit.web.admin_pages import require_admin
from fediverse_hit.web.contribution_cards import actor_link
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form


async def about_page(request: Request) -> Response:
    """`GET /about`: public, for visitors deciding whether to join or to federate."""
    contact = await find_contact_admin()
    context: dict[str, Any] = {
        "info": await get_instance_info(),
        "stats": await read_instance_stats(),
        "contact": actor_link(await contact.actor, request.app.state.urls) if contact else None,
        "paragraphs": [],
    }
    context["paragraphs"] = [p for p in context["info"].description.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return await render(request, "about.html", context)


async def instance_form(request: Request) -> Response:
    """`GET /admin/instance`."""
    await require_admin(request)
    notice = "Saved. The About page shows it now." if request.query_params.get("saved") else ""
    return await _render_form(request, await get_instance_info(), {}, notice=notice)


async def save_instance(request: Request) -> Response:
    """`POST /admin/instance`: save everything, or nothing and show each problem."""
    await require_admin(request)
    submitted = _submitted(await read_form(request))
    errors = check_instance_info(submitted)
    if errors:
        return await _render_form(request, submitted, errors, status_code=422)
    await save_instance_info(submitted)
    return RedirectResponse(f"{request.url_for('admin_instance')}?saved=1", status_code=303)


def _submitted(form: FormData) -> InstanceInfo:
    def text(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    return InstanceInfo(
        name=text("name").strip(),
        description=text("description"),
        rules=parse_rules(text("rules")),
        contact_email=text("contact_email").strip(),
    )


async def _render_form(
    request: Request, info: InstanceInfo, errors: dict[str, str], *, notice: str = "", status_code: int = 200
) -> Response:
    context: dict[str, Any] = {
        "info": info,
        "rules_text": "\n".join(info.rules),
        "errors": errors,
        "notice": notice,
        "limits": {"name": MAX_NAME, "description": MAX_DESCRIPTION, "rules": MAX_RULES},
    }
    return await render(request, "admin_instance.html", context, status_code=status_code)
