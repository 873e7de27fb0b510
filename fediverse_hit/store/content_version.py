"""Versions that move whenever what the database can show may have changed (issue 11).

Each table has a version, and there is one global version for changes that name no table (a
statement we cannot read, a reconnection, another SQLite connection's commit). Caches of rendered
public documents (`web/read_cache.py`) build an answer inside `tracking_reads()`, which records the
tables its SELECTs read, and keep it only while the global version and those tables' versions
stay as they were when the build began: a Follow processed by the worker leaves a work's page kept,
a new reply does not.

The database clients (`store/database_client.py`, `store/sqlite_client.py`) call `note_statement`
for every statement, and `note_written` again after a write ran and when a transaction commits, so a
reader that started before a write never keeps what it read under the new versions. Bookkeeping
tables that no public page shows (inbox items, deliveries, rate-limit counters…) do not count: a
stampede of signed deliveries must not empty the cache.

Other processes: on PostgreSQL, a write is followed by a `NOTIFY hit_changes, 'content:<table>'` in
the same transaction (`store/database_client.py`), which `store/change_feed.py` applies in every
listening process at commit; while a process is not listening, `shared_reads_trusted()` is false
and nothing may be served from a cache. SQLite runs one serving process, but CLI commands write
too: `poll_sqlite` moves the global version when another connection committed (`data_version`).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import OperationalError

# Tables whose rows no anonymous page or public document shows.
BOOKKEEPING_TABLES = frozenset(
    {"inbox_items", "outgoing_activities", "deliveries", "host_health", "rate_limit_counters", "access_tokens",
     "notifications"}
)
_READS = ("SELECT", "SHOW", "PRAGMA")
_CONTROL = frozenset({"begin", "savepoint", "release_savepoint", "rollback", "savepoint_rollback"})
_MODIFIES = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# `FOR UPDATE` (row locks) and `DO UPDATE` (upserts) name no table after the keyword.
_WRITTEN_TABLES = re.compile(r'\b(?:INSERT\s+INTO|(?<!FOR )(?<!DO )UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_READ_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
SQLITE_POLL_SECONDS = 0.2
# The change feed's channel and this kind of change (`store/change_feed.py` listens for it); a
# table's change is announced as `content:<table>`, a change of unknown extent as `content`.
CHANNEL = "hit_changes"
CONTENT = "content"
EVERYTHING = ""  # what `note_statement` returns for a write whose table it cannot name

_global = 0
_tables: dict[str, int] = {}
_trusted = True
_reading: ContextVar[set[str] | None] = ContextVar("hit_tables_read", default=None)


@dataclass(frozen=True)
class Stamp:
    """The versions something was built under: the global one and those of the tables it read."""

    everything: int
    tables: tuple[tuple[str, int], ...]

    def holds(self) -> bool:
        """Whether nothing it was built from has changed since."""
        return self.everything == _global and all(_tables.get(name, 0) == seen for name, seen in self.tables)


class ReadTracker:
    """The tables read inside `tracking_reads()`, and the versions when it began."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.everything = _global
        self.tables = dict(_tables)

    def stamp(self) -> Stamp | None:
        """The stamp to keep the result under, or None if something it read changed meanwhile."""
        if self.everything != _global:
            return None
        seen = tuple((name, self.tables.get(name, 0)) for name in sorted(self.read))
        stamp = Stamp(self.everything, seen)
        return stamp if stamp.holds() else None


@contextmanager
def tracking_reads() -> Iterator[ReadTracker]:
    """Record the tables read by statements sent inside the block (and tasks it starts); a
    block inside another's counts for the outer one too."""
    tracker = ReadTracker()
    outer = _reading.get()
    token = _reading.set(tracker.read)
    try:
        yield tracker
    finally:
        _reading.reset(token)
        if outer is not None:
            outer.update(tracker.read)


def bump_version() -> None:
    """Mark everything built so far as possibly out of date."""
    global _global
    _global += 1


def bump_table(name: str) -> None:
    """Mark what was built from table `name` as possibly out of date."""
    _tables[name] = _tables.get(name, 0) + 1


def shared_reads_trusted() -> bool:
    """Whether this process hears every change another process makes (false while a PostgreSQL
    change listener is reconnecting)."""
    return _trusted


def set_shared_reads_trusted(trusted: bool) -> None:
    """Called by the change listener when it (re)connects or loses its connection."""
    global _trusted
    _trusted = trusted
    bump_version()


def note_statement(method: str, args: tuple[Any, ...]) -> tuple[str, ...] | None:
    """Account for one client call (`execute_query(sql, …)`, `execute_insert`, …): a read adds
    its tables to the running tracker; a write that may change content moves the versions of the
    tables it writes (`EVERYTHING`, the global one, if it names none) and returns them; else None."""
    if method in _CONTROL:
        return None
    query = args[0] if args and isinstance(args[0], str) else ""
    if method in ("execute_query", "execute_query_dict"):
        head = query.lstrip().upper()
        if head.startswith(_READS) or (head.startswith("WITH") and not _MODIFIES.search(query)):
            reading = _reading.get()
            if reading is not None:
                reading.update(name.lower() for name in _READ_TABLES.findall(query))
            return None
    named = {name.lower() for name in _WRITTEN_TABLES.findall(query)} or {EVERYTHING}
    written = tuple(sorted(named - BOOKKEEPING_TABLES))  # a job claim writes bookkeeping only
    for table in written:
        note_written(table)
    return written or None


def note_written(table: str) -> None:
    """Move the version of `table` (`EVERYTHING`: the global version)."""
    if table == EVERYTHING:
        bump_version()
    else:
        bump_table(table)


def apply_announcement(payload: str) -> None:
    """Apply a `content` or `content:<table>` notice from another process."""
    _, _, table = payload.partition(":")
    note_written(table)


def announcement(table: str) -> str:
    """The change-feed payload for a write to `table`."""
    return f"{CONTENT}:{table}" if table else CONTENT


async def poll_sqlite(client: Any, interval: float = SQLITE_POLL_SECONDS) -> None:
    """Move the global version whenever another SQLite connection (a CLI command) commits."""
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
