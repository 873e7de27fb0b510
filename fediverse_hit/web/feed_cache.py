"""Rendered timeline feeds kept per logged-in viewer (issue 11): the cards of a person's home page
are built once and served again, to them only, while nothing they were built from changed.

An entry is the HTML of one viewer's feed (cards and pager) at one URL, with the CSRF token printed
as a marker that `rendering.with_csrf_token` replaces by the requester's own token, so every
browser of that person gets its own. It is kept under the versions of the tables its build read
(`store/content_version.py`, as `web/read_cache.py` does): a like, boost, follow, mute, block, new,
edited or deleted post moves a table the feed read, in this process at once and in the others
through the PostgreSQL change feed; while a process is not hearing that feed nothing is served from
here. Entries also expire after `MAX_AGE_SECONDS` (relative times), and the least recently used go
when more than `MAX_ENTRIES` or `MAX_TOTAL_CHARS` are kept. The page around the feed (the header
and its counts) is rendered for every request, and stays `Cache-Control: private, no-store`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request

from fediverse_hit.store.content_version import Stamp, shared_reads_trusted, tracking_reads

MAX_ENTRIES = 1024
MAX_FEED_CHARS = 512 * 1024
MAX_TOTAL_CHARS = 32 * 1024 * 1024
MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class FeedKey:
    """Whose feed at which URL: the account (from the checked session), and the scheme, Host,
    path and query, from which the feed's links and its "Older" cursor are built."""

    account_id: int
    scheme: str
    host: str
    path: str
    query: str


def feed_key(request: Request, account_id: int) -> FeedKey:
    """The key of `account_id`'s feed at the URL `request` asks for."""
    url = request.url
    return FeedKey(account_id, url.scheme, url.netloc, url.path, url.query)


@dataclass(frozen=True)
class _Entry:
    html: str
    stamp: Stamp
    expires: float


class FeedCache:
    """Rendered feeds by `FeedKey`, each valid while the tables its build read are unchanged."""

    def __init__(
        self,
        *,
        max_entries: int = MAX_ENTRIES,
        max_chars: int = MAX_TOTAL_CHARS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock  # seconds; tests step it
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.kept_chars = 0
        self.entries: OrderedDict[FeedKey, _Entry] = OrderedDict()

    async def feed(self, key: FeedKey, build: Callable[[], Awaitable[str]]) -> str:
        """The kept feed of `key` if still valid, else `build()`'s, kept when nothing it read
        changed while it was built."""
        entry = self.entries.get(key)
        if entry is not None:
            # Losing the change listener moves the global version, so no stamp holds after it.
            if entry.stamp.holds() and entry.expires > self.clock():
                self.entries.move_to_end(key)
                return entry.html
            self._drop(key)
        with tracking_reads() as tracker:
            html = await build()
        stamp = tracker.stamp()
        if stamp is not None and shared_reads_trusted() and len(html) <= MAX_FEED_CHARS:
            self._keep(key, _Entry(html, stamp, self.clock() + MAX_AGE_SECONDS))
        return html

    def _keep(self, key: FeedKey, entry: _Entry) -> None:
        self._drop(key)
        self.entries[key] = entry
        self.kept_chars += len(entry.html)
        while len(self.entries) > self.max_entries or self.kept_chars > self.max_chars:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: FeedKey) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.kept_chars -= len(entry.html)
