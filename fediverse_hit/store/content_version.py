"""A number that changes whenever what the database can show may have changed (issue 11).

Caches of rendered public documents (`web/read_cache.py`) keep an entry only for the version it
was built under. The database clients (`store/database_client.py`, `store/sqlite_client.py`) call
`note_statement` before and after every statement that may write, and again when a transaction
commits, so a reader that started before a write never stores what it read under the new version.
Bookkeeping tables that no public page shows (inbox items, deliveries, rate-limit counters…) do not
count: a stampede of signed deliveries must not empty the cache.

Other processes: on PostgreSQL, a write is followed by a `NOTIFY` in the same transaction (see
`store/database_client.py`) and `store/change_feed.py` bumps the version of every listening process
at commit; while a process is not listening, `shared_reads_trusted()` is false and nothing may be
served from a cache. SQLite runs one serving process, but CLI commands write too: `poll_sqlite`
bumps the version when another connection committed (`PRAGMA data_version`).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

from tortoise.exceptions import OperationalError

# Tables whose rows no anonymous page or public document shows.
BOOKKEEPING_TABLES = frozenset(
    {"inbox_items", "deliveries", "host_health", "rate_limit_counters", "access_tokens", "notifications"}
)
_READS = ("SELECT", "SHOW", "PRAGMA")
_CONTROL = frozenset({"begin", "savepoint", "release_savepoint", "rollback", "savepoint_rollback"})
_MODIFIES = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_WRITTEN_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
SQLITE_POLL_SECONDS = 0.2
# The change feed's channel and this kind of change (`store/change_feed.py` listens for it).
CHANNEL = "hit_changes"
CONTENT = "content"

_version = 0
_trusted = True


def current_version() -> int:
    """The version now; compare it before and after building something to know if it held."""
    return _version


def bump_version() -> None:
    """Mark everything built so far as possibly out of date."""
    global _version
    _version += 1


def shared_reads_trusted() -> bool:
    """Whether this process hears every change another process makes (false while a PostgreSQL
    change listener is reconnecting)."""
    return _trusted


def set_shared_reads_trusted(trusted: bool) -> None:
    """Called by the change listener when it (re)connects or loses its connection."""
    global _trusted
    _trusted = trusted
    bump_version()


def changes_content(method: str, args: tuple[Any, ...]) -> bool:
    """Whether a client call (`execute_query(sql, …)`, `execute_insert`, …) may change what pages show."""
    if method in _CONTROL:
        return False
    query = args[0] if args and isinstance(args[0], str) else ""
    if method in ("execute_query", "execute_query_dict"):
        head = query.lstrip().upper()
        if head.startswith(_READS) or (head.startswith("WITH") and not _MODIFIES.search(query)):
            return False
    written = _WRITTEN_TABLE.match(query)
    return written is None or written.group(1).lower() not in BOOKKEEPING_TABLES


def note_statement(method: str, args: tuple[Any, ...]) -> bool:
    """Bump the version if the statement may change content; returns whether it did."""
    if changes_content(method, args):
        bump_version()
        return True
    return False


async def poll_sqlite(client: Any, interval: float = SQLITE_POLL_SECONDS) -> None:
    """Bump the version whenever another SQLite connection (a CLI command, a worker) commits."""
    last = None
    while True:
        seen = await _data_version(client)
        if seen is None or (last is not None and seen != last):
            bump_version()
        last = seen
        await asyncio.sleep(interval)


async def _data_version(client: Any) -> int | None:
    """SQLite's count of commits by other connections, read on the client's own connection
    (under its lock, but not through its execute methods: this is no query of any request)."""
    try:
        async with client.acquire_connection() as connection:
            async with connection.execute("PRAGMA data_version") as cursor:
                row = await cursor.fetchone()
    except (OperationalError, sqlite3.Error):  # busy or closing: assume the worst, ask again
        return None
    return int(row[0]) if row else None
