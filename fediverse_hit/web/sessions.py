"""Who is logged in (signed-cookie sessions) and CSRF tokens for every form.

The session cookie is signed by Starlette's SessionMiddleware (itsdangerous) with the instance
secret; it holds the account id and the account's `session_epoch`, so bumping the epoch (password
change, "log out everywhere") ends every session at once without server-side session rows.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from fediverse_hit.errors import Forbidden, PayloadTooLarge, Unauthorized
from fediverse_hit.store.models import Account

CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 64 * 1024


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class LazyCsrfToken:
    """The session's CSRF token for a template, made only if the page prints it: a page without a
    form then sets no cookie, so it is the same for every anonymous visitor and may be cached."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __str__(self) -> str:
        return csrf_token(self.request)

    def __html__(self) -> str:
        return csrf_token(self.request)


async def read_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES, max_files: int = 0) -> FormData:
    """Parse a submitted form and check its CSRF token; Forbidden when missing or wrong."""
    form = await read_untokened_form(request, max_bytes=max_bytes, max_files=max_files)
    expected = request.session.get("csrf")
    submitted = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(submitted, str)
        or not hmac.compare_digest(expected, submitted)
    ):
        await form.close()  # spooled upload files are closed, not left to the garbage collector
        raise Forbidden("This form has expired or did not come from this site. Reload the page and try again.")
    return form


async def read_untokened_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES, max_files: int = 0) -> FormData:
    """Parse a submitted form within the size limits, without a CSRF check: only for forms whose
    origin is checked otherwise (`same_origin.require_same_origin`), and inside `read_form`."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge("The form is larger than this page accepts.")
    return await request.form(max_files=max_files, max_fields=100)


async def current_account(request: Request) -> Account | None:
    """The logged-in account, or None (also when the session was revoked by an epoch bump, or the
    account is suspended). Looked up once per request, the page handler and `render` both ask, and
    kept between requests while it is unchanged (`web/session_accounts.py`)."""
    account_id = request.session.get("account_id")
    if not isinstance(account_id, int):
        return None
    known = getattr(request.state, "session_account", None)
    if known is not None and known.id == account_id:
        return known  # type: ignore[no-any-return]
    account: Account | None = await request.app.state.session_accounts.find(account_id)
    if account is None or account.deleted_at is not None or account.suspended_at is not None:
        return None
    if request.session.get("epoch") != account.session_epoch:
        return None
    request.state.session_account = account
    return account


async def require_account(request: Request) -> Account:
    """The logged-in account; Unauthorized (the error page offers the login link) otherwise."""
    account = await current_account(request)
    if account is None:
        raise Unauthorized("Log in to see this page.")
    return account


def start_session(request: Request, account: Account) -> None:
    """Log `account` in: a fresh session (new CSRF token) bound to its current epoch."""
    request.session.clear()
    request.state.session_account = None
    request.session["account_id"] = account.id
    request.session["epoch"] = account.session_epoch
    csrf_token(request)


def end_session(request: Request) -> None:
    """Log out of this browser."""
    request.session.clear()
    request.state.session_account = None
