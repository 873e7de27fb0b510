"""A deleted account's sessions and tokens stop working everywhere, not only in the browser that
deleted it.

The hostile side: someone who kept a copy of the session cookie, or a bearer token, from before
the deletion (a stolen laptop, a leaked script) and replays it afterwards.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.services.tokens import create_token
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account
from tests.asgi_forms import HTML, PASSWORD, csrf_from, log_in

pytestmark = pytest.mark.anyio
AS2 = {"Content-Type": "application/activity+json"}


async def delete_from(browser: httpx.AsyncClient) -> None:
    token = await csrf_from(browser, "/settings/delete")
    response = await browser.post("/settings/delete", data={"csrf_token": token, "password": PASSWORD})
    assert response.status_code == 303


async def test_other_browsers_and_copied_cookies_are_logged_out_by_deletion(
    app: Starlette, settings: Settings, client: httpx.AsyncClient, alice: Account
) -> None:
    copied_cookies = dict(client.cookies)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as phone:
        await log_in(phone, "alice")
        await delete_from(phone)
    assert (await client.get("/settings", headers=HTML)).status_code == 401
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=settings.base_url, cookies=copied_cookies
    ) as replayed:
        assert (await replayed.get("/settings", headers=HTML)).status_code == 401
        upload = await replayed.post("/api/media", files={"file": ("a.png", b"x", "image/png")})
        assert upload.status_code == 401


async def test_bearer_tokens_of_a_deleted_account_are_refused(client: httpx.AsyncClient, alice: Account) -> None:
    token = await create_token(alice, "script")
    bearer = {"Authorization": f"Bearer {token}", **AS2}
    note = {"type": "Note", "content": "still here?", "to": ["https://www.w3.org/ns/activitystreams#Public"]}
    assert (await client.post("/users/alice/outbox", json=note, headers=bearer)).status_code == 201
    await delete_from(client)
    assert (await client.post("/users/alice/outbox", json=note, headers=bearer)).status_code == 401
    upload = await client.post("/api/media", files={"file": ("a.png", b"x", "image/png")}, headers=bearer)
    assert upload.status_code == 401
