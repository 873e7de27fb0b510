"""An in-process cache of what anyone may read: public AS2 documents, JRD/NodeInfo and pages as an
anonymous visitor sees them (issue 11: the "preview stampede" of a boosted work).

An entry is the exact response once built (headers and body) with the versions of the tables it
read (`store/content_version.py`); a write to any of them, or one the database clients cannot
name, makes it stale, in this process at once and in every other through the change feed, so a
deleted work or a replaced actor key is never served from here. While a PostgreSQL process is not listening for
changes, nothing is served from the cache. Entries also expire after `MAX_AGE_SECONDS` (relative
times on pages, time-based states).

Only GETs without a cookie or an `Authorization` header are looked up; only 200 answers that set
no cookie and are either marked public (`Cache-Control: public…`) or rendered for an anonymous
visitor (`mark_anonymous_page`) are kept. The key is the path, the query and whether AS2 was
asked for (the only request header our public responses vary on besides `Host`, also in the key). Concurrent misses of one key
wait for the first to finish instead of building the same page 200 times. A kept document with an
ETag answers a matching `If-None-Match` with 304 here, before any database or template work.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fediverse_hit.protocol.media_types import accepts_activity_json
from fediverse_hit.store.content_version import Stamp, shared_reads_trusted, tracking_reads
from fediverse_hit.web.validators import none_match

MAX_ENTRIES = 2048
MAX_BODY_BYTES = 512 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # bodies kept at once, whatever URLs are asked for
MAX_AGE_SECONDS = 30.0
WAIT_FOR_BUILDER_SECONDS = 10.0
ANONYMOUS_PAGE = "hit.anonymous_page"
_KEPT_TYPES = (b"application/", b"text/html")
# Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5).
_VALIDATOR_HEADERS = frozenset({b"etag", b"cache-control", b"vary", b"content-location", b"expires", b"date"})

Key = tuple[str, str, bytes, bool, bytes]


@dataclass
class PageVerdict:
    """Filled in while a response is built: whether it is the page every anonymous visitor gets.
    One object, so the middlewares below that copy the scope still write to it."""

    anonymous: bool = False


def mark_anonymous_page(scope: Scope) -> None:
    """Say that the response being built is the page every anonymous visitor gets."""
    verdict = scope.get(ANONYMOUS_PAGE)
    if isinstance(verdict, PageVerdict):
        verdict.anonymous = True


@dataclass(frozen=True)
class Entry:
    """One kept response, the versions of what it was built from, and when it expires."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    stamp: Stamp
    expires: float


class ReadCacheMiddleware:
    """Answers anonymous GETs from kept responses; keeps the ones that may be shared."""

    def __init__(self, app: ASGIApp, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.kept_bytes = 0
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.building: dict[Key, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key, if_none_match = _lookup_key(scope)
        if key is None or not shared_reads_trusted():
            await self.app(scope, receive, send)
            return
        if await self._answer_kept(key, if_none_match, send):
            return
        builder = self.building.get(key)
        if builder is not None:  # someone is building it: wait, then use what they kept
            try:
                await asyncio.wait_for(builder.wait(), WAIT_FOR_BUILDER_SECONDS)
            except TimeoutError:
                pass
            if await self._answer_kept(key, if_none_match, send):
                return
            await self.app(scope, receive, send)
            return
        self.building[key] = asyncio.Event()
        try:
            await self._build(key, scope, receive, send)
        finally:
            self.building.pop(key).set()

    async def _answer_kept(self, key: Key, if_none_match: str, send: Send) -> bool:
        entry = self.entries.get(key)
        if entry is None:
            return False
        if not entry.stamp.holds() or entry.expires < time.monotonic() or not shared_reads_trusted():
            self._drop(key)
            return False
        if entry.etag and if_none_match and none_match(if_none_match, entry.etag):
            headers = [(name, value) for name, value in entry.headers if name in _VALIDATOR_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})
        return True

    async def _build(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        verdict = PageVerdict()
        scope = {**scope, ANONYMOUS_PAGE: verdict}
        started: Message = {}
        chunks: list[bytes] = []

        async def keep_and_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body" and started.get("status") == 200:
                chunks.append(message.get("body", b""))
            await send(message)

        with tracking_reads() as tracker:
            await self.app(scope, receive, keep_and_send)
        headers = list(started.get("headers", []))
        body = b"".join(chunks)
        stamp = tracker.stamp()
        if started.get("status") == 200 and stamp is not None and _shareable(verdict, headers, body):
            etag = next((value.decode("latin-1") for name, value in headers if name == b"etag"), "")
            self._drop(key)
            self.entries[key] = Entry(headers, body, etag, stamp, time.monotonic() + MAX_AGE_SECONDS)
            self.kept_bytes += len(body)
            while len(self.entries) > self.max_entries or self.kept_bytes > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: Key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.kept_bytes -= len(entry.body)


def _lookup_key(scope: Scope) -> tuple[Key | None, str]:
    """The cache key of an anonymous GET (None for anything else) and its `If-None-Match`."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None, ""
    accept = if_none_match = ""
    host = b""
    for name, value in scope["headers"]:
        if name in (b"cookie", b"authorization"):
            return None, ""
        if name == b"accept":
            accept = value.decode("latin-1")
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"host":
            host = value
    # Pages build absolute links from the request's scheme and Host: one visitor's odd Host header
    # must not end up in the page everyone else gets.
    return (scope["scheme"], scope["path"], scope["query_string"], accepts_activity_json(accept), host), if_none_match


def _shareable(verdict: PageVerdict, headers: list[tuple[bytes, bytes]], body: bytes) -> bool:
    """Whether a 200 answer is the same for every anonymous client and small enough to keep."""
    if len(body) > MAX_BODY_BYTES:
        return False
    found = dict(headers)
    if b"set-cookie" in found or not found.get(b"content-type", b"").startswith(_KEPT_TYPES):
        return False
    cache_control = found.get(b"cache-control", b"")
    if b"private" in cache_control or b"no-store" in cache_control:
        return False
    return b"public" in cache_control or verdict.anonymous
