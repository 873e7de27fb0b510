"""Signed GETs of ActivityStreams documents, with the checks of DESIGN §5.

Every fetch is signed with the instance actor's key (draft-cavage, as Mastodon's authorized-fetch
mode and GoToSocial require), follows at most 3 redirects itself (each hop through the SSRF guard
of the shared client), accepts only AS2 content types, reads at most 1 MiB, and — for documents —
insists that the `id` equals the URL that answered.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx

from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.ssrf import PRIVATE_ADDRESS_HINT
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.http_signatures import HttpSignatureAuth
from fediverse_hit.protocol.json_documents import JsonDocumentError, read_json_object
from fediverse_hit.protocol.media_types import FETCH_ACCEPT, is_activity_media_type
from fediverse_hit.settings import Settings
from fediverse_hit.store.actors import find_active_key, find_actor_by_uri

__all__ = ["FetchError", "Fetched", "Fetcher", "create_fetcher", "instance_signer"]

MAX_REDIRECTS = 3  # Mastodon: HTTP.follow(max_hops: 3) in app/lib/request.rb
MAX_BODY_BYTES = 1024 * 1024  # Mastodon: body_with_limit(1.megabyte)
FETCH_DEADLINE = 15.0  # seconds for a whole fetch: every hop, headers and body
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# WebFinger answers; Mastodon sends the same Accept (app/lib/webfinger.rb).
JRD_ACCEPT = "application/jrd+json, application/json"
# gzip only, as Mastodon asks (app/lib/request.rb); decompressed by `_read_capped` within the cap.
ACCEPT_ENCODING = "gzip"


@dataclass(frozen=True)
class Fetched:
    """A successful answer: the URL that gave it (after redirects), its content type and body."""

    url: str
    content_type: str
    body: bytes


def parse_json_object(url: str, body: bytes) -> dict[str, Any]:
    """The body as a JSON object; FetchError for anything else (arrays, NaN, deep nesting)."""
    try:
        return read_json_object(body)
    except JsonDocumentError as exc:
        raise FetchError(url, f"body is {exc}") from exc


class Fetcher:
    """Fetches remote documents through the shared client; one per process."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        signer: httpx.Auth | None,
        *,
        max_redirects: int = MAX_REDIRECTS,
        max_bytes: int = MAX_BODY_BYTES,
        deadline: float = FETCH_DEADLINE,
    ) -> None:
        self.client = client
        self.settings = settings
        self.urls = InstanceUrls(scheme=settings.scheme, domain=settings.domain)
        self.signer = signer
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.deadline = deadline

    async def fetch_document(self, url: str, *, check_id: bool = True) -> dict[str, Any]:
        """A signed GET of an AS2 document as a JSON object.

        With `check_id` (the default) the document's `id` must equal the URL that answered, exactly
        as a string (Mastodon: `json['id'] == uri` in JsonLdHelper#fetch_resource). Callers that
        follow `id`/`owner` themselves (key documents) pass `check_id=False`.
        """
        fetched = await self.fetch(url, accept=FETCH_ACCEPT, signed=True, accept_type=is_activity_media_type)
        document = parse_json_object(fetched.url, fetched.body)
        if check_id and document.get("id") != fetched.url:
            raise FetchError(url, f"document id {document.get('id')!r} differs from the URL fetched {fetched.url!r}")
        return document

    async def fetch_json(self, url: str, *, accept: str = JRD_ACCEPT) -> dict[str, Any]:
        """An unsigned GET of a JSON object of any content type (WebFinger JRD)."""
        fetched = await self.fetch(url, accept=accept, signed=False, accept_type=None)
        return parse_json_object(fetched.url, fetched.body)

    async def fetch(
        self,
        url: str,
        *,
        accept: str,
        signed: bool,
        accept_type: Callable[[str], bool] | None,
    ) -> Fetched:
        """GET `url`, following redirects, within the deadline; FetchError on any failure."""
        try:
            with anyio.fail_after(self.deadline):
                return await self._follow(url, accept, signed, accept_type)
        except TimeoutError as exc:
            raise FetchError(url, f"no complete answer within {self.deadline:g} s") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({type(exc).__name__})") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(url, f"request failed: {exc}") from exc

    async def _follow(
        self, url: str, accept: str, signed: bool, accept_type: Callable[[str], bool] | None
    ) -> Fetched:
        current = url
        for _hop in range(self.max_redirects + 1):
            self._check_url(current)
            async with self.client.stream(
                "GET", current, headers={"Accept": accept, "Accept-Encoding": ACCEPT_ENCODING},
                auth=self.signer if signed else None,
            ) as response:
                if response.status_code in REDIRECT_STATUSES:
                    current = _redirect_target(current, response)
                    continue
                return await self._accept(current, response, accept_type)
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    def _check_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            raise FetchError(url, f"not a valid URL: {exc}") from exc
        if parts.scheme not in ("https", "http") or not host:
            raise FetchError(url, "not an absolute http(s) URL")
        if parts.scheme == "http" and not self.settings.allow_private_addresses:
            raise FetchError(url, f"plain http is refused. {PRIVATE_ADDRESS_HINT}")
        if parts.username is not None or parts.password is not None:
            raise FetchError(url, "URLs with credentials are refused")

    async def _accept(
        self, url: str, response: httpx.Response, accept_type: Callable[[str], bool] | None
    ) -> Fetched:
        status = response.status_code
        if status in (404, 410):
            raise FetchError(url, f"HTTP {status}", status=status, gone=status == 410)
        if status != 200:
            raise FetchError(url, f"HTTP {status}", status=status)
        content_type = response.headers.get("content-type", "")
        # Mastodon only reads activity+json and ld+json with the AS profile
        # (JsonLdHelper#valid_activitypub_content_type?), so peers that federate with it serve
        # those; bare application/json is refused for documents (WebFinger passes no check).
        if accept_type is not None and not accept_type(content_type):
            raise FetchError(url, f"content type {content_type!r} is not an ActivityStreams type", status=status)
        return Fetched(url, content_type, await self._read_capped(url, response))

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The body, decompressed here in bounded steps so a gzip bomb cannot expand past the cap
        (httpx would inflate a whole network read at once)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(url, f"body of {declared} bytes exceeds {self.max_bytes}")
        decoder = _decoder_for(url, response.headers.get("content-encoding", ""))
        body = bytearray()
        try:
            async for data in response.aiter_raw():
                while data:
                    if decoder is None:
                        body += data
                        data = b""
                    else:
                        body += decoder.decompress(data, self.max_bytes + 1 - len(body))
                        data = decoder.unconsumed_tail
                    if len(body) > self.max_bytes:  # leaving the stream drops the connection
                        raise FetchError(url, f"body exceeds {self.max_bytes} bytes")
        except zlib.error as exc:
            raise FetchError(url, f"body does not decompress: {exc}") from exc
        return bytes(body)


def _decoder_for(url: str, content_encoding: str) -> zlib._Decompress | None:
    """A zlib decompressor for gzip/deflate, None for identity; other codings are refused."""
    coding = content_encoding.strip().lower()
    if coding in ("", "identity"):
        return None
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return zlib.decompressobj()
    raise FetchError(url, f"unsupported Content-Encoding {content_encoding!r}")


def _redirect_target(url: str, response: httpx.Response) -> str:
    location: str = response.headers.get("location", "")
    if not location:
        raise FetchError(url, f"HTTP {response.status_code} redirect without a Location")
    try:
        return location if urlsplit(location).scheme else str(response.url.join(location))
    except (ValueError, httpx.InvalidURL) as exc:
        raise FetchError(url, f"redirect to an invalid URL {location[:200]!r}") from exc


async def instance_signer(urls: InstanceUrls) -> HttpSignatureAuth:
    """The instance actor's RSA key as an httpx signer (`fediverse-hit init` creates the key)."""
    actor = await find_actor_by_uri(urls.instance_actor())
    key = await find_active_key(actor, "rsa") if actor is not None else None
    if key is None or not key.private_pem:
        raise RuntimeError("The instance actor has no RSA key: run `fediverse-hit init` first.")
    return HttpSignatureAuth(key.key_id, key.private_pem)


async def create_fetcher(settings: Settings, client: httpx.AsyncClient) -> Fetcher:
    """A Fetcher that signs as the instance actor (the database must be open)."""
    urls = InstanceUrls(scheme=settings.scheme, domain=settings.domain)
    return Fetcher(client, settings, await instance_signer(urls))
