"""The admin's users page (suspend, unsuspend, password reset), the instance description shown on
/about, and who may do any of it: visitors are sent to log in, people who are not admins get 403."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.instance_info import get_instance_info
from fediverse_hit.services.tokens import create_token
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Actor
from tests.asgi_forms import HTML, PASSWORD, csrf_from, log_in

pytestmark = pytest.mark.anyio
NEW_SECRET = re.compile(r'<code class="secret">([^<]+)</code>')


@pytest.fixture
async def admin(client: httpx.AsyncClient, urls: InstanceUrls) -> Account:
    """An administrator, logged in on `client`."""
    account = await create_account("boss", PASSWORD, urls, is_admin=True)
    await log_in(client, "boss")
    return account


async def _post(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    return await client.post(action, data={"csrf_token": await csrf_from(client, page), **fields}, headers=HTML)


async def _login_status(app: Starlette, settings: Settings, username: str, password: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        token = await csrf_from(http, "/login")
        return await http.post("/login", data={"csrf_token": token, "username": username, "password": password})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/users"),
        ("GET", "/admin/instance"),
        ("POST", "/admin/instance"),
        ("POST", "/admin/users/alice/suspend"),
        ("POST", "/admin/users/alice/reset-password"),
    ],
)
async def test_people_who_are_not_admins_get_403_and_nothing_changes(
    bob_client: httpx.AsyncClient, anonymous: httpx.AsyncClient, urls: InstanceUrls, method: str, path: str
) -> None:
    # Bob, an ordinary user, tries each admin page and action with a valid CSRF token of his own.
    await create_account("alice", PASSWORD, urls)
    token = await csrf_from(bob_client, "/settings")
    data = {"csrf_token": token, "name": "Taken over"}
    response = await bob_client.request(method, path, data=data if method == "POST" else None, headers=HTML)
    assert response.status_code == 403
    assert (await anonymous.request(method, path, headers=HTML)).status_code in (401, 403)
    assert (await Account.get(username="alice")).suspended_at is None
    assert (await get_instance_info()).name == "Fediverse Hit"


async def test_suspending_logs_them_out_refuses_login_and_tokens_until_lifted(
    client: httpx.AsyncClient, admin: Account, bob_client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    bob = await Account.get(username="bob")
    token = await create_token(bob, "script")
    page = (await client.get("/admin/users", headers=HTML)).text
    assert "@bob" in page and "@boss" in page and "(you)" in page

    response = await _post(client, "/admin/users", "/admin/users/bob/suspend")
    assert response.status_code == 303
    assert "Suspended" in (await client.get(response.headers["location"], headers=HTML)).text
    assert (await bob_client.get("/notifications", headers=HTML)).status_code == 401  # logged out
    refused = await _login_status(app, settings, "bob", PASSWORD)
    assert refused.status_code == 403 and "suspended" in refused.text
    assert (await _login_status(app, settings, "bob", "wrong password")).status_code == 401  # says nothing more
    upload = await client.post("/api/media", headers={"Authorization": f"Bearer {token}"}, files={"file": ("a.txt", b"x", "text/plain")})
    assert upload.status_code == 403 and "suspended" in upload.text

    await _post(client, "/admin/users", "/admin/users/bob/unsuspend")
    assert (await _login_status(app, settings, "bob", PASSWORD)).status_code == 303


async def test_an_admin_cannot_suspend_or_reset_themselves_here(client: httpx.AsyncClient, admin: Account) -> None:
    assert (await _post(client, "/admin/users", "/admin/users/boss/suspend")).status_code == 403
    assert (await _post(client, "/admin/users", "/admin/users/boss/reset-password")).status_code == 403
    assert (await Account.get(username="boss")).suspended_at is None
    assert (await _post(client, "/admin/users", "/admin/users/nobody/suspend")).status_code == 404


async def test_a_password_reset_is_shown_once_and_replaces_the_old_one(
    client: httpx.AsyncClient, admin: Account, bob_client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    response = await _post(client, "/admin/users", "/admin/users/bob/reset-password")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    match = NEW_SECRET.search(response.text)
    assert match and "New password for @bob" in response.text
    assert (await bob_client.get("/notifications", headers=HTML)).status_code == 401
    assert (await _login_status(app, settings, "bob", PASSWORD)).status_code == 401
    assert (await _login_status(app, settings, "bob", match.group(1))).status_code == 303
    assert match.group(1) not in (await client.get("/admin/users", headers=HTML)).text


async def test_the_about_page_shows_what_the_admin_wrote_with_contact_and_counts(
    client: httpx.AsyncClient, admin: Account, anonymous: httpx.AsyncClient
) -> None:
    await Actor.create(uri="https://elsewhere.example/users/zed", username="zed", domain="elsewhere.example")
    response = await _post(
        client,
        "/admin/instance",
        "/admin/instance",
        name="Tidepool Studio",
        description="A server for sound artists.\n\nBe kind.",
        rules="No hate speech\n\nCredit your sources\n",
        contact_email="admin@tidepool.example",
    )
    assert response.status_code == 303
    page = (await anonymous.get("/about", headers=HTML)).text
    assert "<h1 id=\"about-heading\">Tidepool Studio</h1>" in page
    assert "<p>A server for sound artists.</p>" in page and "<p>Be kind.</p>" in page
    assert re.search(r'<ol class="rules"><li>No hate speech</li><li>Credit your sources</li></ol>', page)
    assert "admin@tidepool.example" in page and "@boss@hit.test" in page
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert counts == {"People": "1", "Works": "0", "Known servers": "1"}
    assert "Tidepool Studio" in (await anonymous.get("/", headers=HTML)).text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Give the instance a name."),
        ("name", "x" * 101, "at most 100 characters"),
        ("contact_email", "not an address", "Enter an e-mail address"),
        ("rules", "\n".join(f"rule {n}" for n in range(21)), "At most 20 rules."),
        ("description", "nul\x00byte", "NUL"),
    ],
)
async def test_a_refused_instance_description_changes_nothing(
    client: httpx.AsyncClient, admin: Account, field: str, value: str, message: str
) -> None:
    fields = {"name": "Fine name", "description": "", "rules": "", "contact_email": "", field: value}
    response = await _post(client, "/admin/instance", "/admin/instance", **fields)
    assert response.status_code == 422 and message in response.text
    assert (await get_instance_info()).name == "Fediverse Hit"
