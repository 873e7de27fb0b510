"""The client-to-server outbox reads its body with the same bounded JSON reader as the inbox."""

from __future__ import annotations

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.tokens import create_token
from tests.asgi_forms import PASSWORD

pytestmark = pytest.mark.anyio


async def _post(client: httpx.AsyncClient, urls: InstanceUrls, body: bytes) -> httpx.Response:
    account = await create_account("alice", PASSWORD, urls)
    token = await create_token(account, "script")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/activity+json"}
    return await client.post("/users/alice/outbox", content=body, headers=headers)


async def test_json_nested_a_hundred_thousand_levels_gets_400_not_500(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    response = await _post(client, urls, b'{"type": "Note", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.text


async def test_a_json_array_gets_400(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    response = await _post(client, urls, b'[{"type": "Note"}]')
    assert response.status_code == 400
    assert "not an object" in response.text
