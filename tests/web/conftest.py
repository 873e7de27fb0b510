"""People on the in-process instance, for the web tests: Alice logged in on `client`, Bob on a
browser of his own, and an anonymous visitor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account
from tests.asgi_forms import PASSWORD, log_in


@pytest.fixture
async def alice(client: httpx.AsyncClient, urls: InstanceUrls) -> Account:
    """Alice, logged in on `client`."""
    account = await create_account("alice", PASSWORD, urls)
    await log_in(client, "alice")
    return account


@pytest.fixture
async def bob_client(app: Starlette, settings: Settings, urls: InstanceUrls) -> AsyncIterator[httpx.AsyncClient]:
    """Bob, logged in on a browser of his own."""
    await create_account("bob", PASSWORD, urls)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        await log_in(http, "bob")
        yield http


@pytest.fixture
async def carol_client(app: Starlette, settings: Settings, urls: InstanceUrls) -> AsyncIterator[httpx.AsyncClient]:
    """Carol, logged in on a browser of her own; she follows nobody."""
    await create_account("carol", PASSWORD, urls)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        await log_in(http, "carol")
        yield http


@pytest.fixture
async def anonymous(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A visitor who is not logged in."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        yield http
