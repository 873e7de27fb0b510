"""The admin registrations page: who may see it, switching the mode, invites that sign-up honours."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.contribution_rules import default_license
from fediverse_hit.services.instance import RegistrationMode, get_registration_mode
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Invite
from tests.asgi_forms import PASSWORD, csrf_from, log_in

pytestmark = pytest.mark.anyio

INVITE_CODE = re.compile(r'<code class="invite-code">([^<]+)</code>')


async def admin_post(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = await csrf_from(client, "/admin/registrations")
    return await client.post("/admin/registrations", data={"csrf_token": token, **fields})


@pytest.fixture
async def admin(client: httpx.AsyncClient, urls: InstanceUrls) -> Account:
    """An administrator, logged in on `client`."""
    account = await create_account("boss", PASSWORD, urls, is_admin=True)
    await log_in(client, "boss")
    return account


@pytest.fixture
async def visitor(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser, with its own cookies."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as http:
        yield http


async def sign_up(client: httpx.AsyncClient, username: str, invite: str = "") -> httpx.Response:
    token = await csrf_from(client, "/login")
    data = {"csrf_token": token, "username": username, "password": PASSWORD, "invite": invite}
    return await client.post("/signup", data=data)


async def test_admin_page_needs_login(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/registrations")).status_code == 401


async def test_admin_page_is_forbidden_for_non_admins(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    await create_account("alice", PASSWORD, urls)
    await log_in(client, "alice")
    page = await client.get("/admin/registrations", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert "Only administrators" in page.text
    token = await csrf_from(client, "/settings")
    attempt = await client.post("/admin/registrations", data={"csrf_token": token, "action": "mode", "mode": "closed"})
    assert attempt.status_code == 403
    assert await get_registration_mode() is RegistrationMode.OPEN
    assert 'href="/admin/registrations"' not in (await client.get("/settings")).text


async def test_admin_closes_registration(client: httpx.AsyncClient, admin: Account, visitor: httpx.AsyncClient) -> None:
    page = await client.get("/admin/registrations")
    assert page.status_code == 200
    assert '<input type="radio" id="mode-open" name="mode" value="open" checked>' in page.text
    response = await admin_post(client, action="mode", mode="closed")
    assert response.status_code == 303
    assert "Registration mode saved." in (await client.get(response.headers["location"])).text
    assert await get_registration_mode() is RegistrationMode.CLOSED

    assert "Sign-up is closed" in (await visitor.get("/signup")).text
    assert (await sign_up(visitor, "alice")).status_code == 403
    assert await Account.filter(username="alice").count() == 0


async def test_unknown_mode_is_refused(client: httpx.AsyncClient, admin: Account) -> None:
    response = await admin_post(client, action="mode", mode="everyone")
    assert response.status_code == 422
    assert "Registration mode must be open, invite or closed." in response.text
    assert await get_registration_mode() is RegistrationMode.OPEN


async def test_invite_only_registration_with_admin_made_invite(
    client: httpx.AsyncClient, admin: Account, visitor: httpx.AsyncClient
) -> None:
    assert (await admin_post(client, action="mode", mode="invite")).status_code == 303
    created = await admin_post(client, action="invite", max_uses="1", valid_days="7")
    assert created.status_code == 303
    page = (await client.get(created.headers["location"])).text
    assert "Invite created." in page
    [code] = INVITE_CODE.findall(page)
    assert "0 of 1" in page and "usable" in page

    assert (await sign_up(visitor, "alice")).status_code == 403
    assert (await sign_up(visitor, "alice", code)).status_code == 303
    assert (await sign_up(visitor, "bob", code)).status_code == 403
    assert await Account.filter(username__in=["alice", "bob"]).count() == 1
    page = (await client.get("/admin/registrations")).text
    assert "1 of 1" in page and "used up" in page


async def test_invite_without_expiry(client: httpx.AsyncClient, admin: Account) -> None:
    assert (await admin_post(client, action="invite", max_uses="3", valid_days="")).status_code == 303
    invite = await Invite.get()
    assert (invite.max_uses, invite.expires_at, invite.created_by_id) == (3, None, admin.id)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("max_uses", "valid_days", "message"),
    [("0", "7", "1 to 100 sign-ups"), ("abc", "7", "1 to 100 sign-ups"), ("101", "", "1 to 100 sign-ups"), ("1", "900", "1 to 365 days")],
)
async def test_bad_invite_input_is_refused(
    client: httpx.AsyncClient, admin: Account, max_uses: str, valid_days: str, message: str
) -> None:
    response = await admin_post(client, action="invite", max_uses=max_uses, valid_days=valid_days)
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text
    assert await Invite.all().count() == 0


async def test_admin_form_with_forged_csrf_changes_nothing(client: httpx.AsyncClient, admin: Account) -> None:
    await client.get("/admin/registrations")
    response = await client.post("/admin/registrations", data={"csrf_token": "forged", "action": "mode", "mode": "closed"})
    assert response.status_code == 403
    assert await get_registration_mode() is RegistrationMode.OPEN


async def test_admin_sets_a_default_licence_that_permits_remixing(client: httpx.AsyncClient, admin: Account) -> None:
    page = await client.get("/admin/licence")
    assert page.status_code == 200 and 'value="cc-by-sa-4.0" checked' in page.text
    assert 'value="cc-by-nd-4.0"' not in page.text  # no-derivatives licences are not offered
    token = await csrf_from(client, "/admin/licence")
    saved = await client.post("/admin/licence", data={"csrf_token": token, "licence": "cc0-1.0"})
    assert saved.status_code == 303
    assert 'value="cc0-1.0" checked' in (await client.get("/admin/licence")).text
    forged = await client.post("/admin/licence", data={"csrf_token": token, "licence": "cc-by-nc-nd-4.0"})
    assert forged.status_code == 422 and "permits remixing" in forged.text
    assert (await default_license()).code == "cc0-1.0"
