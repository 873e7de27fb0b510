"""Shared fixtures: a migrated throwaway database per test (SQLite, or PostgreSQL when
`HIT_TEST_POSTGRES_URL` is set) and an in-process app with an httpx client.

On PostgreSQL each test process migrates one database of its own, once; after every test the
connections to it are closed and every table but Tortoise's migration record is emptied
(`TRUNCATE … RESTART IDENTITY`), which leaves it exactly as migrated and costs a few
milliseconds where a new database per test cost a few hundred. It is dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.app import create_app
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.settings import Settings, ensure_data_dir, load_settings
from fediverse_hit.store.database import apply_migrations, close_database, open_database

POSTGRES_URL = os.environ.get("HIT_TEST_POSTGRES_URL", "").rstrip("/")
TEST_DOMAIN = "hit.test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


async def _admin_execute(sql: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/postgres")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _migrate_and_close(url: str) -> None:
    await apply_migrations(url)
    await close_database()


async def _empty_tables(name: str) -> None:
    """Close every other connection to database `name`, then empty all its tables but the
    migration record (sequences restart, so ids start at 1 again as in a new database)."""
    await _admin_execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    connection = await asyncpg.connect(f"{POSTGRES_URL}/{name}")
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'"
        )
        listed = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await connection.execute(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The migrated database of this test process: a SQLite file to copy per test, or a
    PostgreSQL database name (emptied after each test)."""
    if POSTGRES_URL:
        name = f"hit_worker_{uuid.uuid4().hex[:12]}"
        _run(_admin_execute(f'CREATE DATABASE "{name}"'))
        try:
            _run(_migrate_and_close(f"{POSTGRES_URL}/{name}"))
            yield name
        finally:
            _run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _run(_migrate_and_close(f"sqlite://{path}"))
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    if POSTGRES_URL:
        try:
            yield f"{POSTGRES_URL}/{template_database}"
        finally:
            _run(_empty_tables(template_database))
    else:
        path = tmp_path / "hit.sqlite3"
        shutil.copyfile(template_database, path)
        yield f"sqlite://{path}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[None]:
    """The test's migrated database, open for the models (no web app)."""
    await open_database(database_url)
    try:
        yield
    finally:
        await close_database()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for an instance at http://hit.test with its own data dir and database."""
    base = load_settings(
        {
            "HIT_DOMAIN": TEST_DOMAIN,
            "HIT_SCHEME": "http",
            "HIT_DATA_DIR": str(tmp_path / "data"),
            "HIT_DATABASE_URL": database_url,
        }
    )
    ensure_data_dir(base)
    return base


@pytest.fixture
def urls(settings: Settings) -> InstanceUrls:
    return InstanceUrls(scheme=settings.scheme, domain=settings.domain)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    """The application with its lifespan running (database open, instance actor created)."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to the app in-process, as if at http://hit.test."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as http:
        yield http


# `instances`: real instances as subprocesses; `peer`: an independent ActivityPub peer.
pytest_plugins = ["tests.instances", "tests.peer"]
