"""The one exception tree of Fediverse Hit, and the handler that turns it into responses.

    HitError                      500  base: status code + a message safe to show
     ├── BadRequest               400  malformed input (JSON, WebFinger resource, form)
     │    └── ValidationFailed    422  well-formed but breaks a rule (username, size)
     ├── Unauthorized             401  missing/invalid credentials or signature
     ├── Forbidden                403  authenticated but not allowed (CSRF, blocks)
     ├── NotFound                 404
     ├── Gone                     410  existed once (deleted account or object)
     ├── Conflict                 409  duplicate (username taken)
     ├── PayloadTooLarge          413
     ├── RateLimited              429  too many attempts; carries retry_after seconds
     └── Misconfigured            500  the instance cannot start as configured (data dir's domain)

Services raise these; `handle_hit_error` renders them as JSON for ActivityPub/API clients
and as an HTML page for browsers.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from starlette.requests import Request


class HitError(Exception):
    """Base error: an HTTP status and a message that is safe to show to the client."""

    status_code = 500
    title = "Something went wrong"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.title
        super().__init__(self.message)


class BadRequest(HitError):
    status_code = 400
    title = "Bad request"


class ValidationFailed(BadRequest):
    status_code = 422
    title = "Invalid input"


class Unauthorized(HitError):
    status_code = 401
    title = "Authentication required"


class Forbidden(HitError):
    status_code = 403
    title = "Forbidden"


class NotFound(HitError):
    status_code = 404
    title = "Not found"


class Gone(HitError):
    status_code = 410
    title = "Gone"


class Conflict(HitError):
    status_code = 409
    title = "Conflict"


class PayloadTooLarge(HitError):
    status_code = 413
    title = "Payload too large"


class RateLimited(HitError):
    status_code = 429
    title = "Too many attempts"

    def __init__(self, message: str | None = None, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Misconfigured(HitError):
    """The settings contradict the instance's data (the command line prints the message)."""

    title = "The instance is misconfigured"


def wants_html(request: Request) -> bool:
    """True when the client prefers an HTML page (a browser) over JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "activity+json" not in accept and "ld+json" not in accept


async def handle_hit_error(request: Request, exc: Exception) -> Response:
    """Map a HitError to JSON (`{"error": message}`) or the HTML error page."""
    assert isinstance(exc, HitError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else {}
    return error_response(request, exc.status_code, exc.title, exc.message, headers)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, wrong method) in the same two shapes."""
    assert isinstance(exc, HTTPException)
    title = HTTPStatus(exc.status_code).phrase
    return error_response(request, exc.status_code, title, title, dict(exc.headers or {}))


def error_response(
    request: Request, status: int, title: str, message: str, headers: dict[str, str]
) -> Response:
    """The error as an HTML page for browsers, else as JSON."""
    if wants_html(request):
        return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request,
            "error.html",
            {"status": status, "title": title, "message": message, "viewer": None},
            status_code=status,
            headers=headers,
        )
    return JSONResponse({"error": message}, status_code=status, headers=headers)
