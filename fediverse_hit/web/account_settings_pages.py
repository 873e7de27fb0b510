"""Settings pages for one's own account: change the password, and the people one blocked or
muted (with unblock and unmute), plus the mute and unmute forms used from other pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError
from fediverse_hit.services.accounts import change_password
from fediverse_hit.services.blocks import list_blocked
from fediverse_hit.services.mutes import mute_actor, unmute_actor
from fediverse_hit.services.logins import login_limits
from fediverse_hit.services.passwords import MIN_PASSWORD_LENGTH
from fediverse_hit.services.rate_limits import take_hit
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Actor
from fediverse_hit.store.mutes import list_muted
from fediverse_hit.web.account_pages import with_retry_after
from fediverse_hit.web.contribution_cards import actor_link
from fediverse_hit.web.rendering import render
from fediverse_hit.web.relationship_pages import find_actor
from fediverse_hit.web.sessions import read_form, require_account, start_session


async def password_form(request: Request) -> Response:
    """`GET /settings/password`."""
    await require_account(request)
    notice = "Your password was changed. Every other session was logged out." if request.query_params.get("changed") else ""
    return await _render_password(request, notice=notice)


async def save_password(request: Request) -> Response:
    """`POST /settings/password`: needs the current password; ends every other session. Attempts
    count against the account's log-in limit, so a borrowed session cannot guess the password
    faster than the login form allows."""
    account = await require_account(request)
    form = await read_form(request)
    limit = login_limits(request.app.state.settings).per_account
    try:
        await take_hit(limit, f"password change of {account.username}", request.app.state.clock())
        await change_password(
            account, str(form.get("current", "")), str(form.get("new", "")), str(form.get("confirmation", ""))
        )
    except HitError as exc:
        response = await _render_password(request, error=exc.message, status_code=exc.status_code)
        return with_retry_after(response, exc)
    start_session(request, account)  # this browser stays logged in under the new epoch
    return RedirectResponse(f"{request.url_for('change_password')}?changed=1", status_code=303)


async def _render_password(request: Request, *, error: str = "", notice: str = "", status_code: int = 200) -> Response:
    context = {"error": error, "notice": notice, "min_length": MIN_PASSWORD_LENGTH, "section": "password"}
    return await render(request, "settings_password.html", context, status_code=status_code)


async def blocks_page(request: Request) -> Response:
    """`GET /settings/blocks`: whom the person blocked and muted, each with a button to undo it."""
    account = await require_account(request)
    me = await account.actor
    urls = request.app.state.urls
    context = {
        "blocked": [{**actor_link(actor, urls), "uri": actor.uri} for actor in await list_blocked(me)],
        "muted": [{**actor_link(actor, urls), "uri": actor.uri} for actor in await list_muted(me)],
        "back": request.url.path,
        "section": "blocks",
    }
    return await render(request, "settings_blocks.html", context)


async def _target(request: Request) -> tuple[Actor, Actor, str]:
    account = await require_account(request)
    form = await read_form(request)
    target_uri = str(form.get("actor_uri", ""))
    target = await find_actor_by_uri(target_uri) or await find_actor(target_uri, request)
    return await account.actor, target, str(form.get("back", ""))


def _back(request: Request, back: str) -> RedirectResponse:
    """Back to the page the form was on (same-site paths only), else the blocks page."""
    if back.startswith("/") and not back.startswith("//") and "\\" not in back:
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(request.url_for("blocks"), status_code=303)


async def mute(request: Request) -> Response:
    """`POST /relationships/mute` (`actor_uri`, `back`): nothing is sent to them or their server."""
    me, target, back = await _target(request)
    await mute_actor(me, target)
    return _back(request, back)


async def unmute(request: Request) -> Response:
    """`POST /relationships/unmute`."""
    me, target, back = await _target(request)
    await unmute_actor(me, target)
    return _back(request, back)
