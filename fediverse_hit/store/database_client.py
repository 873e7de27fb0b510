"""The PostgreSQL client Tortoise uses here: asyncpg's, plus what a request needs to be retried
safely after its database connection was lost (issue 14 item 3).

`tracking_writes()` gives the running request a `WriteTracker`; every statement that may write
(anything but `SELECT`/`SHOW`, noted before it is sent, so a write that failed midway counts) sets
`wrote`. `is_connection_lost` tells a lost connection (terminated backend, server shutting down,
closed socket, asyncpg's protocol left in a broken state by either) from every other error.
This module is the Tortoise engine named in `store/database.py` (Tortoise reads `client_class`);
transactions get the same tracking through their own wrapper class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; used untyped here
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import NestedTransactionContext, TransactionContext, TransactionContextPooled

from fediverse_hit.store import content_version

ENGINE = __name__
_READS = ("SELECT", "SHOW")
# What asyncpg raises when the server end of a connection went away (08xxx, admin/crash shutdown,
# "cannot connect now"), when the socket is closed, or when a dying connection's protocol state
# no longer matches the operation (InternalClientError "cannot switch to state …").
_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    ConnectionError,
)


@dataclass
class WriteTracker:
    """Whether the current request sent a statement that may have written."""

    wrote: bool = False


_TRACKER: ContextVar[WriteTracker | None] = ContextVar("hit_write_tracker", default=None)


@contextmanager
def tracking_writes() -> Iterator[WriteTracker]:
    """Track the statements sent inside the block (and tasks it starts) in a new tracker."""
    tracker = WriteTracker()
    token = _TRACKER.set(tracker)
    try:
        yield tracker
    finally:
        _TRACKER.reset(token)


def may_write(method: str, args: tuple[Any, ...]) -> bool:
    """Whether a client call (`execute_query(sql, …)`, `execute_insert`, …) may write."""
    if method in ("begin", "savepoint", "release_savepoint", "rollback", "savepoint_rollback"):
        return False
    query = args[0] if args and isinstance(args[0], str) else ""
    if method in ("execute_query", "execute_query_dict"):
        return not query.lstrip().upper().startswith(_READS)
    return True


def is_connection_lost(exc: BaseException) -> bool:
    """Whether `exc` (or an exception it was raised from) says the database connection was lost."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _LOST):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def note_statement(method: str, args: tuple[Any, ...]) -> None:
    """Record on the running request's tracker that a statement which may write is being sent."""
    tracker = _TRACKER.get()
    if tracker is not None and not tracker.wrote and may_write(method, args):
        tracker.wrote = True


# Sent after a write that may change what pages show: every listening process (this one too) bumps
# its content version when the write commits (`store/change_feed.py`, `store/content_version.py`).
ANNOUNCE_CONTENT = "SELECT pg_notify($1, $2)"


def announce_args(table: str) -> list[str]:
    return [content_version.CHANNEL, content_version.announcement(table)]


class HitAsyncpgClient(AsyncpgDBClient):
    """asyncpg's client, noting possible writes for the running request and announcing those that
    change content to every process."""

    async def _translate_exceptions(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        note_statement(func.__name__, args)
        written = content_version.note_statement(func.__name__, args)
        result = await super()._translate_exceptions(func, *args, **kwargs)
        for table in written or ():
            content_version.note_written(table)
            await self.execute_query(ANNOUNCE_CONTENT, announce_args(table))
        return result

    def _in_transaction(self) -> TransactionContext:
        return TransactionContextPooled(HitTransactionWrapper(self), self._pool_init_lock)


class HitTransactionWrapper(TransactionWrapper):
    """Tortoise's transaction wrapper, noting possible writes like `HitAsyncpgClient`; content
    writes are announced once per table and transaction (PostgreSQL delivers notices at commit)."""

    def __init__(self, connection: AsyncpgDBClient) -> None:
        super().__init__(connection)
        self.announced: set[str] = set()
        # A nested transaction (savepoint) tells the outer one, whose commit is the real one.
        self.outer = connection if isinstance(connection, HitTransactionWrapper) else None

    async def _translate_exceptions(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        note_statement(func.__name__, args)
        written = content_version.note_statement(func.__name__, args)
        result = await super()._translate_exceptions(func, *args, **kwargs)
        for table in set(written or ()) - self.announced:
            await self.execute_query(ANNOUNCE_CONTENT, announce_args(table))
            wrapper: HitTransactionWrapper | None = self
            while wrapper is not None:
                wrapper.announced.add(table)
                wrapper = wrapper.outer
        return result

    async def commit(self) -> None:
        await super().commit()
        for table in self.announced:  # readers that began while it was open must not keep what they read
            content_version.note_written(table)

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(HitTransactionWrapper(self))


client_class = HitAsyncpgClient
