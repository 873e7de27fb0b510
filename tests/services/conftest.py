"""Service tests run against a real (throwaway) database, opened without the web app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fediverse_hit.store.database import close_database, open_database


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[None]:
    """The test's migrated database, open for the models."""
    await open_database(database_url)
    try:
        yield
    finally:
        await close_database()
