"""Admin page for domain blocks: refuse a server's activities and stop delivering to it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError
from fediverse_hit.store.change_feed import DOMAIN_BLOCKS, publish_change
from fediverse_hit.services.domain_blocks import add_domain_block, remove_domain_block
from fediverse_hit.store.domain_blocks import list_domain_blocks
from fediverse_hit.web.rendering import render
from fediverse_hit.web.admin_pages import require_admin
from fediverse_hit.web.sessions import read_form


async def domain_blocks_page(request: Request) -> Response:
    await require_admin(request)
    return await render(request, "domain_blocks.html", {"blocks": await list_domain_blocks()})


async def add_block(request: Request) -> Response:
    await require_admin(request)
    form = await read_form(request)
    try:
        await add_domain_block(str(form.get("domain", "")), str(form.get("reason", "")))
        await publish_change(DOMAIN_BLOCKS)
    except HitError as exc:
        context = {"blocks": await list_domain_blocks(), "error": exc.message}
        return await render(request, "domain_blocks.html", context, status_code=exc.status_code)
    return RedirectResponse(request.url_for("domain_blocks"), status_code=303)


async def remove_block(request: Request) -> Response:
    await require_admin(request)
    await read_form(request)
    await remove_domain_block(request.path_params["block_id"])
    await publish_change(DOMAIN_BLOCKS)
    return RedirectResponse(request.url_for("domain_blocks"), status_code=303)
