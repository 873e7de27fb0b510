"""Forms that print no CSRF token: the browser's own word that a POST came from one of our pages.

A page that prints a token sets a session cookie, so it cannot be kept for every anonymous
visitor. Forms on such pages that change nothing here (like "Follow from your server") check
instead what every current browser sends with a POST: `Sec-Fetch-Site`, or failing that the
`Origin` header. A request carrying neither is not from a browser (curl, a script) and so cannot
be a forged cross-site submission on someone's behalf; it is let through, as its sender could
equally have fetched a token first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from fediverse_hit.errors import Forbidden
from fediverse_hit.federation.urls import InstanceUrls

REFUSAL = "This form did not come from this site. Open the page here and try again."


def require_same_origin(request: Request) -> None:
    """Forbidden unless the browser says the request came from a page of this site."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site.strip().lower() != "same-origin":
            raise Forbidden(REFUSAL)
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    if not _is_ours(origin, request):
        raise Forbidden(REFUSAL)


def _is_ours(origin: str, request: Request) -> bool:
    urls: InstanceUrls = request.app.state.urls
    if origin.lower() == urls.base.lower():
        return True
    parts = urlsplit(origin)  # "null" (sandboxed frames, file pages) has no host and is refused
    host = request.headers.get("host", "")
    return bool(parts.netloc) and parts.path == "" and parts.netloc.lower() == host.lower()
