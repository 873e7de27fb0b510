"""Opening, migrating and closing the database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]  # no stubs; used untyped here
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import connections
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.writer import MigrationWriter, format_migration_name

from fediverse_hit.store.database_client import ENGINE as POSTGRES_ENGINE
from fediverse_hit.store.sqlite_client import ENGINE as SQLITE_ENGINE

APP_LABEL = "hit"
MODELS_MODULE = "fediverse_hit.store.models"
MIGRATIONS_MODULE = "fediverse_hit.migrations"
# The advisory lock `init` holds on PostgreSQL (any constant both sides agree on; "hit init").
INIT_LOCK_KEY = 0x68697469


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config dict for `database_url` (`sqlite:///path` or `postgres://…`)."""
    if database_url.startswith("sqlite://"):
        connection: dict[str, Any] = {
            "engine": SQLITE_ENGINE,  # Tortoise's client, telling caches what changed
            "credentials": {
                "file_path": database_url.removeprefix("sqlite://"),
                "journal_mode": "WAL",
                "synchronous": "NORMAL",
                "busy_timeout": 10000,
                "foreign_keys": "ON",
            },
        }
    else:
        connection = expand_db_url(database_url)
        connection["engine"] = POSTGRES_ENGINE  # asyncpg's client, telling requests what they wrote
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(database_url: str) -> None:
    """Connect Tortoise for this process (the schema must already be migrated).

    Tortoise 1.x keeps its state in a context variable; uvicorn runs the lifespan in another task
    than the requests, so the context is also published process-wide (`_enable_global_fallback`).
    """
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def apply_migrations(database_url: str) -> None:
    """Apply every pending migration; safe to run again."""
    await migrate(config=tortoise_config(database_url))


def is_postgres_url(database_url: str) -> bool:
    """Whether `database_url` names a PostgreSQL database (otherwise SQLite)."""
    return database_url.startswith(("postgres://", "postgresql://"))


def asyncpg_dsn(database_url: str) -> str:
    """The URL as asyncpg takes it: Tortoise's pool options (`?minsize=…`) removed."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


@asynccontextmanager
async def init_lock(database_url: str) -> AsyncIterator[None]:
    """Hold `init`'s lock for the block: on PostgreSQL a session advisory lock, so processes
    started together migrate and create the instance actor one after another (the later ones
    find everything done); on SQLite nothing (one file, one process migrating it)."""
    if not is_postgres_url(database_url):
        yield
        return
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", INIT_LOCK_KEY)
        yield
    finally:
        await connection.close()  # ends the session, which releases the lock


async def expire_connections() -> None:
    """Make the pool replace every connection it holds before its next use (PostgreSQL, after a
    connection was found lost: its siblings were likely ended by the same failover)."""
    db = connections.get("default")
    pool = getattr(db, "_pool", None)  # asyncpg's pool (Tortoise keeps it on the client)
    if pool is not None:
        await pool.expire_connections()


async def close_database() -> None:
    """Close every connection Tortoise opened."""
    await Tortoise.close_connections()


async def pending_model_changes(database_url: str) -> list[MigrationWriter]:
    """Migrations the models need that `migrations/` lacks (empty when they agree)."""
    config = tortoise_config(database_url)
    async with TortoiseContext() as context:
        await context.init(config=config)
        assert context.apps is not None
        detector = MigrationAutodetector(context.apps, config["apps"])
        return await detector.changes()


async def write_migrations(database_url: str, name: str | None = None) -> list[Path]:
    """Write the migration files the models need into `migrations/`; returns their paths."""
    paths = []
    for writer in await pending_model_changes(database_url):
        if name:
            writer.name = format_migration_name(int(writer.name.split("_", 1)[0]), name)
        paths.append(Path(writer.write()))
    return paths
