"""Account lifecycle pages: sign up, log in, log out, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, RateLimited
from fediverse_hit.federation.actor_broadcasts import delete_and_announce
from fediverse_hit.services.accounts import register_account, signup_limit
from fediverse_hit.services.instance import get_registration_mode
from fediverse_hit.services.logins import log_in, login_limits
from fediverse_hit.services.passwords import check_password
from fediverse_hit.web.client_addresses import client_address
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import end_session, read_form, require_account, start_session


async def signup_form(request: Request) -> Response:
    return await render(request, "signup.html", {"mode": (await get_registration_mode()).value})


async def signup(request: Request) -> Response:
    """Create an account from the sign-up form and log it in; errors re-show the form."""
    form = await read_form(request)
    username = str(form.get("username", ""))
    try:
        account = await register_account(
            username,
            str(form.get("password", "")),
            request.app.state.urls,
            invite_code=str(form.get("invite", "")),
            client_address=client_address(request),
            rate=signup_limit(request.app.state.settings),
            now=request.app.state.clock(),
        )
    except HitError as exc:
        context = {"mode": (await get_registration_mode()).value, "error": exc.message, "username": username}
        return with_retry_after(await render(request, "signup.html", context, status_code=exc.status_code), exc)
    start_session(request, account)
    return RedirectResponse(request.url_for("settings"), status_code=303)


async def login_form(request: Request) -> Response:
    return await render(request, "login.html", {"next": _safe_next(request.query_params.get("next", ""))})


async def login(request: Request) -> Response:
    """Check the password (rate-limited) and start a session; errors re-show the form."""
    form = await read_form(request)
    username = str(form.get("username", ""))
    try:
        account = await log_in(
            username,
            str(form.get("password", "")),
            client_address(request),
            login_limits(request.app.state.settings),
            request.app.state.clock(),
        )
    except HitError as exc:
        context = {"error": exc.message, "username": username, "next": _safe_next(str(form.get("next", "")))}
        return with_retry_after(await render(request, "login.html", context, status_code=exc.status_code), exc)
    start_session(request, account)
    target = _safe_next(str(form.get("next", ""))) or str(request.url_for("profile", username=account.username))
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await read_form(request)
    end_session(request)
    return RedirectResponse(request.url_for("home"), status_code=303)


def with_retry_after(response: Response, error: HitError) -> Response:
    """A form page re-shown for `error`, telling a rate-limited client when to come back."""
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _safe_next(target: str) -> str:
    """Only same-site paths may be redirected to after login (no open redirects)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


async def delete_account_form(request: Request) -> Response:
    await require_account(request)
    return await render(request, "delete_account.html", {})


async def delete_account(request: Request) -> Response:
    """Delete the logged-in account after the password is confirmed; followers are told."""
    account = await require_account(request)
    form = await read_form(request)
    if not check_password(account.password_hash, str(form.get("password", ""))):
        context = {"error": "That password is not right; nothing was deleted."}
        return await render(request, "delete_account.html", context, status_code=403)
    await delete_and_announce(account, request.app.state.urls)
    end_session(request)
    return RedirectResponse(request.url_for("home"), status_code=303)
