"""A small ASGI middleware adding the security headers every response should carry."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages use no inline scripts; styles come from our own stylesheet; images may be remote avatars;
# `connect-src 'self'` lets static/upload.js send a form with XMLHttpRequest to show upload progress.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' https: data:; media-src 'self' https:; "
    "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeadersMiddleware:
    """Adds nosniff, referrer policy, framing and (for HTML) a content security policy."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                if _framing_forbidden(headers.get("content-security-policy", "")):
                    headers.setdefault("X-Frame-Options", "DENY")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _framing_forbidden(policy: str) -> bool:
    """Whether a response may not be framed: no CSP `frame-ancestors` (then X-Frame-Options
    decides) or `frame-ancestors 'none'`. A page that allows framing (the embeddable player)
    sets its own policy, and a DENY beside it would only confuse older browsers."""
    return "frame-ancestors" not in policy or "frame-ancestors 'none'" in policy
