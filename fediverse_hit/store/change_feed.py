"""Telling every process of the instance at once that something changed (issue 14).

A change has a kind (`WORK`: new deliveries or inbox items; `DOMAIN_BLOCKS`; `ACCOUNTS`:
deleted accounts; `KEYS`: remote keys revoked or replaced; `CONTENT`: anything a page shows, sent
by the database client itself, see `store/content_version.py`; user blocks are read from the
database on every use, so need none). Modules that cache
such state register a handler with `on_change` (drop the cache, wake the worker). `publish_change`
runs the handlers of this process at once and, on PostgreSQL, sends `NOTIFY hit_changes` so that
every other process runs them within milliseconds: each process keeps one dedicated asyncpg
connection listening (`listen_for_changes`), reconnecting when it is lost and then running every
handler (it may have missed notifications). SQLite runs one process: nothing is sent.
Caches keep their own expiry as the fallback, and the worker keeps polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; used untyped here

from fediverse_hit.store import content_version
from fediverse_hit.store.database import asyncpg_dsn, is_postgres_url
from fediverse_hit.store.job_claims import database, is_postgres

logger = logging.getLogger(__name__)

CHANNEL = content_version.CHANNEL
WORK = "work"
DOMAIN_BLOCKS = "domain_blocks"
ACCOUNTS = "accounts"
KEYS = "keys"
CONTENT = content_version.CONTENT
KINDS = (WORK, DOMAIN_BLOCKS, ACCOUNTS, KEYS, CONTENT)
RECONNECT_SECONDS = 1.0

_HANDLERS: dict[str, list[Callable[[], None]]] = {kind: [] for kind in KINDS}
_HANDLERS[CONTENT].append(content_version.bump_version)


def on_change(kind: str, handler: Callable[[], None]) -> None:
    """Run `handler` whenever a change of `kind` is published, here or in another process."""
    _HANDLERS[kind].append(handler)


def apply_change(kind: str) -> None:
    """Run this process's handlers of `kind` (unknown kinds are ignored)."""
    for handler in _HANDLERS.get(kind, []):
        try:
            handler()
        except Exception:  # one failing handler must not keep the others from running
            logger.exception("change handler for %s failed", kind)


async def publish_change(kind: str) -> None:
    """Apply a change here and announce it to every other process (PostgreSQL)."""
    apply_change(kind)
    db = database()
    if is_postgres(db):
        await db.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, kind])


@asynccontextmanager
async def listen_for_changes(database_url: str) -> AsyncIterator[None]:
    """Apply changes other processes publish while the block runs (PostgreSQL); on SQLite, notice
    commits by other connections (CLI commands) for the content version."""
    if not is_postgres_url(database_url):
        poller = asyncio.create_task(content_version.poll_sqlite(database()))
        try:
            yield
        finally:
            poller.cancel()
            with suppress(asyncio.CancelledError):
                await poller
        return
    connected = asyncio.Event()
    content_version.set_shared_reads_trusted(False)
    task = asyncio.create_task(_listen(asyncpg_dsn(database_url), connected))
    try:
        with suppress(TimeoutError):
            await asyncio.wait_for(connected.wait(), 10)
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        content_version.set_shared_reads_trusted(True)


async def _listen(dsn: str, connected: asyncio.Event) -> None:
    """Keep one listening connection; after each reconnection apply every kind of change."""
    first = True
    while True:
        connection = None
        try:
            connection = await asyncpg.connect(dsn)
            await connection.add_listener(CHANNEL, _received)
            connection.add_termination_listener(lambda _: content_version.set_shared_reads_trusted(False))
            if not first:
                for kind in KINDS:
                    apply_change(kind)
            first = False
            connected.set()
            content_version.set_shared_reads_trusted(True)
            while not connection.is_closed():
                await asyncio.sleep(RECONNECT_SECONDS)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            logger.warning("listening for changes failed; reconnecting", exc_info=True)
        finally:
            content_version.set_shared_reads_trusted(False)
            if connection is not None and not connection.is_closed():
                await connection.close()
        await asyncio.sleep(RECONNECT_SECONDS)


def _received(connection: Any, pid: int, channel: str, payload: str) -> None:
    if payload.startswith(CONTENT):
        content_version.apply_announcement(payload)
    else:
        apply_change(payload)
