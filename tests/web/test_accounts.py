"""Sign-up, log-in, log-out and access tokens through the real forms: CSRF, username rules, modes, rate limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fediverse_hit.errors import NotFound, Unauthorized
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.instance import set_registration_mode
from fediverse_hit.services.invites import create_invite
from fediverse_hit.services.tokens import authenticate_token, create_token, revoke_token
from fediverse_hit.store.models import AccessToken, Account, Actor, Invite

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    """GET a page and take the CSRF token out of its form, as a browser would submit it."""
    page = await client.get(path)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def sign_up(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, form_page: str = "/signup", **extra: str
) -> httpx.Response:
    token = await csrf_from(client, form_page)
    data = {"csrf_token": token, "username": username, "password": password, **extra}
    return await client.post("/signup", data=data)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_from(client, "/login")
    return await client.post("/login", data={"csrf_token": token, "username": username, "password": password})


async def count_people() -> int:
    return await Actor.filter(kind="Person").count()


async def test_sign_up_creates_account_and_logs_in(client: httpx.AsyncClient) -> None:
    form = await client.get("/signup")
    assert '<label for="username">' in form.text and 'id="username"' in form.text
    response = await sign_up(client, "alice")
    assert response.status_code == 303
    assert response.headers["location"] == "http://hit.test/settings"
    settings_page = await client.get("/settings")
    assert settings_page.status_code == 200
    assert "@alice" in settings_page.text
    account = await Account.get(username="alice").prefetch_related("actor")
    assert account.actor.uri == "http://hit.test/users/alice"


async def test_duplicate_sign_up_is_refused_and_creates_nothing(client: httpx.AsyncClient) -> None:
    assert (await sign_up(client, "alice")).status_code == 303
    again = await sign_up(client, "Alice", "another password")
    assert again.status_code == 409
    assert 'role="alert"' in again.text and "That username is taken." in again.text
    assert await Account.filter(username="alice").count() == 1
    assert await count_people() == 1


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a" * 31, "at most 30 characters"),
        ("admin", "reserved"),
        ("settings", "reserved"),
        ("ali ce", "Usernames use lower-case letters"),
        ("-alice", "Usernames use lower-case letters"),
        ("alice!", "Usernames use lower-case letters"),
        ("élodie", "Usernames use lower-case letters"),
        ("", "Choose a username"),
    ],
)
async def test_bad_usernames_are_refused_and_create_nothing(
    client: httpx.AsyncClient, username: str, message: str
) -> None:
    response = await sign_up(client, username)
    assert response.status_code == 422
    assert message in response.text
    assert await Account.all().count() == 0
    assert await count_people() == 0


async def test_short_password_is_refused(client: httpx.AsyncClient) -> None:
    response = await sign_up(client, "alice", "short")
    assert response.status_code == 422
    assert "at least 8 characters" in response.text
    assert await Account.all().count() == 0


async def test_sign_up_without_csrf_token_is_forbidden(client: httpx.AsyncClient) -> None:
    await client.get("/signup")
    response = await client.post("/signup", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert await Account.all().count() == 0


async def test_sign_up_with_forged_csrf_token_is_forbidden(client: httpx.AsyncClient) -> None:
    real = await csrf_from(client, "/signup")
    forged = "x" + real[1:] if not real.startswith("x") else "y" + real[1:]
    response = await client.post("/signup", data={"csrf_token": forged, "username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert await Account.all().count() == 0


async def test_csrf_token_from_another_session_is_forbidden(client: httpx.AsyncClient) -> None:
    other_token = await csrf_from(client, "/signup")
    client.cookies.clear()
    await client.get("/signup")
    data = {"csrf_token": other_token, "username": "alice", "password": PASSWORD}
    assert (await client.post("/signup", data=data)).status_code == 403
    assert await Account.all().count() == 0


async def test_wrong_password_is_refused(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    await create_account("alice", PASSWORD, urls)
    response = await log_in(client, "alice", "not the password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert (await client.get("/settings")).status_code == 401


async def test_log_out_then_log_in_again(client: httpx.AsyncClient) -> None:
    await sign_up(client, "alice")
    token = await csrf_from(client, "/settings")
    logged_out = await client.post("/logout", data={"csrf_token": token})
    assert logged_out.status_code == 303
    assert (await client.get("/settings")).status_code == 401
    logged_in = await log_in(client, "alice")
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == "http://hit.test/@alice"
    assert (await client.get("/settings")).status_code == 200


async def test_log_out_without_csrf_token_is_forbidden(client: httpx.AsyncClient) -> None:
    await sign_up(client, "alice")
    assert (await client.post("/logout", data={})).status_code == 403
    assert (await client.get("/settings")).status_code == 200


async def test_closed_registration_refuses_sign_up(client: httpx.AsyncClient) -> None:
    await set_registration_mode("closed")
    page = await client.get("/signup")
    assert "Sign-up is closed" in page.text and 'name="password"' not in page.text
    response = await sign_up(client, "alice", form_page="/login")  # no sign-up form to take it from
    assert response.status_code == 403
    assert "Sign-up is closed" in response.text
    assert await Account.all().count() == 0


async def test_invite_only_registration_needs_a_usable_code(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    boss = await create_account("boss", PASSWORD, urls, is_admin=True)
    invite = await create_invite(boss, 1, 7)
    await set_registration_mode("invite")
    assert 'name="invite"' in (await client.get("/signup")).text
    assert (await sign_up(client, "alice")).status_code == 403
    assert (await sign_up(client, "alice", invite="wrong-code")).status_code == 403
    assert (await sign_up(client, "alice", invite=invite.code)).status_code == 303
    assert (await sign_up(client, "bob", invite=invite.code)).status_code == 403  # used up
    assert await Account.filter(username__in=["alice", "bob"]).count() == 1
    assert (await Invite.get(id=invite.id)).uses == 1


async def test_expired_invite_is_refused(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    boss = await create_account("boss", PASSWORD, urls, is_admin=True)
    invite = await create_invite(boss, 5, 1)
    await Invite.filter(id=invite.id).update(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    await set_registration_mode("invite")
    assert (await sign_up(client, "alice", invite=invite.code)).status_code == 403
    assert await Account.filter(username="alice").count() == 0

async def signed_up_alice(client: httpx.AsyncClient) -> Account:
    """Alice, signed up (and so logged in) through the sign-up form."""
    assert (await sign_up(client, "alice")).status_code == 303
    return await Account.get(username="alice")


async def test_token_create_list_and_revoke(client: httpx.AsyncClient) -> None:
    alice = await signed_up_alice(client)
    token = await csrf_from(client, "/settings/tokens")
    created = await client.post("/settings/tokens", data={"csrf_token": token, "name": "deploy bot 7"})
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    match = re.search(r'<code id="new-token" class="secret">([^<]+)</code>', created.text)
    assert match, "the new token is shown once"
    secret = match.group(1)
    assert (await authenticate_token(secret)).id == alice.id

    listing = await client.get("/settings/tokens")
    assert "deploy bot 7" in listing.text and secret not in listing.text
    assert "Never" not in listing.text  # it was just used

    row = await AccessToken.get(account_id=alice.id)
    revoke_csrf = await csrf_from(client, "/settings/tokens")
    revoked = await client.post(f"/settings/tokens/{row.id}/revoke", data={"csrf_token": revoke_csrf})
    assert revoked.status_code == 303
    assert "The token was revoked." in (await client.get(revoked.headers["location"])).text
    with pytest.raises(Unauthorized):
        await authenticate_token(secret)
    assert "deploy bot 7" not in (await client.get("/settings/tokens")).text


async def test_token_needs_a_name(client: httpx.AsyncClient) -> None:
    await signed_up_alice(client)
    token = await csrf_from(client, "/settings/tokens")
    response = await client.post("/settings/tokens", data={"csrf_token": token, "name": "  "})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert await AccessToken.all().count() == 0


async def test_cannot_revoke_someone_elses_token(client: httpx.AsyncClient, urls: InstanceUrls) -> None:
    alice = await signed_up_alice(client)
    bob = await create_account("bob", PASSWORD, urls)
    secret = await create_token(bob, "bob's")
    row = await AccessToken.get(account_id=bob.id)
    token = await csrf_from(client, "/settings/tokens")
    response = await client.post(f"/settings/tokens/{row.id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    assert (await authenticate_token(secret)).id == bob.id
    with pytest.raises(NotFound):
        await revoke_token(alice, row.id)
