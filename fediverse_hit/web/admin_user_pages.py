"""`/admin/users`: every local account, with suspend / unsuspend and a password reset."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import Forbidden
from fediverse_hit.services.account_admin import (
    list_accounts,
    live_account,
    reset_password,
    suspend_account,
    unsuspend_account,
)
from fediverse_hit.web.admin_pages import require_admin
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form

NOTICES = {
    "suspended": "The account is suspended: it was logged out and cannot log in.",
    "unsuspended": "The suspension was lifted.",
}


async def users_page(request: Request) -> Response:
    """`GET /admin/users`."""
    await require_admin(request)
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return await _render(request, notice=notice)


async def _render(request: Request, *, status_code: int = 200, **extra: str) -> Response:
    me = await require_admin(request)
    rows = [
        {
            "username": account.username,
            "name": (await account.actor).name,
            "is_admin": account.is_admin,
            "is_me": account.id == me.id,
            "created": account.created_at,
            "last_login": account.last_login_at,
            "suspended": account.suspended_at is not None,
        }
        for account in await list_accounts()
    ]
    context: dict[str, Any] = {"users": rows, **extra}
    response = await render(request, "admin_users.html", context, status_code=status_code)
    if "new_password" in extra:
        response.headers["Cache-Control"] = "no-store"  # the password must not linger in any cache
    return response


async def suspend(request: Request) -> Response:
    """`POST /admin/users/{username}/suspend`."""
    admin = await require_admin(request)
    await read_form(request)
    await suspend_account(admin, await live_account(request.path_params["username"]))
    return RedirectResponse(f"{request.url_for('admin_users')}?done=suspended", status_code=303)


async def unsuspend(request: Request) -> Response:
    """`POST /admin/users/{username}/unsuspend`."""
    await require_admin(request)
    await read_form(request)
    await unsuspend_account(await live_account(request.path_params["username"]))
    return RedirectResponse(f"{request.url_for('admin_users')}?done=unsuspended", status_code=303)


async def reset(request: Request) -> Response:
    """`POST /admin/users/{username}/reset-password`: the new password is shown once, on this answer."""
    admin = await require_admin(request)
    await read_form(request)
    account = await live_account(request.path_params["username"])
    if account.id == admin.id:
        raise Forbidden("Change your own password in Settings → Password (it asks for the current one).")
    password = await reset_password(account)
    return await _render(request, new_password=password, new_password_for=account.username)
