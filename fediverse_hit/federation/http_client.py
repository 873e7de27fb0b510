"""The one outbound HTTP client of a process, and the error every federation fetch raises.

Open it once (app lifespan, worker start) with `create_http_client(settings)` and close it with
`await client.aclose()`. Redirects are not followed by the client: the fetcher follows them itself
so that every hop goes through the SSRF guard and the redirect limit (DESIGN §5).
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from pathlib import Path

import httpx

from fediverse_hit import __version__
from fediverse_hit.federation.ssrf import GuardedTransport
from fediverse_hit.settings import Settings

# Mastodon allows 5 s to connect and 10 s per read (app/lib/request.rb, TIMEOUT); the fetcher adds
# an overall deadline per fetch on top.
TIMEOUT = httpx.Timeout(connect=5.0, read=10.0, write=10.0, pool=5.0)
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)


class FetchError(Exception):
    """A remote document could not be fetched or was refused; `reason` says why.

    `status` is the HTTP status when the server answered; `gone` is True for 410 Gone (the
    resource was deleted, so callers may delete their copy).
    """

    def __init__(self, url: str, reason: str, *, status: int | None = None, gone: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.gone = gone
        super().__init__(f"{url}: {reason}")


def user_agent(settings: Settings) -> str:
    """`fediverse-hit/<version> (+<base_url>)`: who we are and where to complain."""
    return f"fediverse-hit/{__version__} (+{settings.base_url})"


@lru_cache(maxsize=4)
def shared_tls_context(ca_bundle: Path | None = None) -> ssl.SSLContext:
    """One TLS context for every client of the process: building one loads the CA bundle, which
    costs milliseconds, and the worker opens a client for each new host it delivers to.

    It trusts the public CAs (certifi's bundle) and, with `ca_bundle` (HIT_CA_BUNDLE or
    SSL_CERT_FILE), the CAs in that PEM file too: a network with its own CA can federate inside
    and with the outside world.
    """
    context = httpx.create_ssl_context(trust_env=False)
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def create_transport(settings: Settings) -> httpx.AsyncBaseTransport:
    """The SSRF-guarded transport (https only), or a plain one when
    `HIT_ALLOW_PRIVATE_ADDRESSES` is on (tests, development)."""
    tls = shared_tls_context(settings.ca_bundle)
    if settings.allow_private_addresses:
        return httpx.AsyncHTTPTransport(limits=LIMITS, trust_env=False, verify=tls)
    return GuardedTransport(limits=LIMITS, ssl_context=tls)


def create_http_client(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The process-wide client: explicit timeouts, connection limits, our User-Agent, no
    redirects followed, no proxy or .netrc taken from the environment (a proxy would bypass the
    guard). `transport` replaces `create_transport(settings)` (tests use a custom guard policy)."""
    return httpx.AsyncClient(
        transport=transport or create_transport(settings),
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": user_agent(settings)},
    )
