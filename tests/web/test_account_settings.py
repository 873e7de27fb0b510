"""Changing one's password, the blocked and muted lists with their undo buttons, and what a mute
hides, through the real forms."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.relationships import block_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Actor, Block, Mute, OutgoingActivity
from tests.asgi_forms import HTML, PASSWORD, csrf_from, log_in
from tests.web.test_notification_pages import alices_work, submit

pytestmark = pytest.mark.anyio
NEW_PASSWORD = "a much longer new secret"


@pytest.fixture
async def alice_elsewhere(app: Starlette, settings: Settings, alice: Account) -> AsyncIterator[httpx.AsyncClient]:
    """Alice logged in on a second browser too."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        await log_in(http, "alice")
        yield http


async def _change(client: httpx.AsyncClient, current: str, new: str, confirmation: str | None = None) -> httpx.Response:
    token = await csrf_from(client, "/settings/password")
    fields = {"csrf_token": token, "current": current, "new": new, "confirmation": new if confirmation is None else confirmation}
    return await client.post("/settings/password", data=fields, headers=HTML)


async def _can_log_in(app: Starlette, settings: Settings, password: str) -> bool:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
        token = await csrf_from(http, "/login")
        response = await http.post("/login", data={"csrf_token": token, "username": "alice", "password": password})
        return response.status_code == 303


async def test_changing_the_password_keeps_this_browser_and_ends_the_others(
    client: httpx.AsyncClient, alice_elsewhere: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    response = await _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    page = await client.get(response.headers["location"], headers=HTML)
    assert "Your password was changed" in page.text  # still logged in here
    assert (await alice_elsewhere.get("/notifications", headers=HTML)).status_code == 401
    assert await _can_log_in(app, settings, NEW_PASSWORD) and not await _can_log_in(app, settings, PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "confirmation", "status", "message"),
    [
        ("guessed wrong", NEW_PASSWORD, NEW_PASSWORD, 401, "current password is not right"),  # a stolen session guessing
        (PASSWORD, NEW_PASSWORD, "a different one", 422, "differ"),
        (PASSWORD, "short", "short", 422, "at least 8 characters"),
    ],
)
async def test_a_refused_change_says_why_and_changes_nothing(
    client: httpx.AsyncClient,
    alice_elsewhere: httpx.AsyncClient,
    app: Starlette,
    settings: Settings,
    current: str,
    new: str,
    confirmation: str,
    status: int,
    message: str,
) -> None:
    response = await _change(client, current, new, confirmation)
    assert response.status_code == status and message in response.text
    assert (await alice_elsewhere.get("/notifications", headers=HTML)).status_code == 200  # no session ended
    assert await _can_log_in(app, settings, PASSWORD)


async def test_guessing_the_current_password_is_limited_like_logging_in(
    client: httpx.AsyncClient, alice: Account, settings: Settings
) -> None:
    # Someone at Alice's unlocked browser guesses her password through the change form.
    for _ in range(settings.login_attempts_per_account):
        assert (await _change(client, "a guess", NEW_PASSWORD)).status_code == 401
    refused = await _change(client, PASSWORD, NEW_PASSWORD)  # even the right one, once over the limit
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert (await Account.get(username="alice")).password_hash == alice.password_hash


async def test_a_forged_password_change_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    # Another site posts the form on Alice's behalf: no CSRF token, nothing changes.
    response = await client.post("/settings/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 403
    assert (await Account.get(username="alice")).session_epoch == alice.session_epoch


async def test_blocked_people_are_listed_and_unblocked_from_the_list(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    me, bob = await Actor.get(username="alice"), await Actor.get(username="bob")
    assert "You have blocked nobody." in (await client.get("/settings/blocks", headers=HTML)).text
    await block_account(me, bob, urls)
    page = (await client.get("/settings/blocks", headers=HTML)).text
    assert "@bob@hit.test" in page and "Unblock" in page
    response = await submit(client, "/settings/blocks", "/relationships/unblock", actor_uri=bob.uri, back="/settings/blocks")
    assert response.status_code == 303 and response.headers["location"] == "/settings/blocks"
    assert not await Block.exists(blocker=me, blocked=bob)


async def test_a_mute_hides_their_works_from_timelines_tells_nobody_and_is_undone(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    me, bob = await Actor.get(username="alice"), await Actor.get(username="bob")
    await alices_work(bob_client, "Bob's loud song")
    assert "Bob&#39;s loud song" in (await client.get("/local", headers=HTML)).text
    sent_before = await OutgoingActivity.all().count()

    response = await submit(client, "/search?q=@bob@hit.test", "/relationships/mute", actor_uri=bob.uri, back="/local")
    assert response.status_code == 303 and await Mute.exists(muter=me, muted=bob)
    assert "Bob&#39;s loud song" not in (await client.get("/local", headers=HTML)).text
    assert "Bob&#39;s loud song" in (await bob_client.get("/local", headers=HTML)).text  # only Alice's view changes
    assert await OutgoingActivity.all().count() == sent_before  # nothing is sent: they are not told
    assert "Unmute" in (await client.get("/search?q=@bob@hit.test", headers=HTML)).text
    listed = (await client.get("/settings/blocks", headers=HTML)).text
    assert "Muted people" in listed and "@bob@hit.test" in listed

    await submit(client, "/settings/blocks", "/relationships/unmute", actor_uri=bob.uri, back="/settings/blocks")
    assert "Bob&#39;s loud song" in (await client.get("/local", headers=HTML)).text


async def test_muting_oneself_is_refused(client: httpx.AsyncClient, alice: Account) -> None:
    me = await Actor.get(username="alice")
    response = await submit(client, "/settings/blocks", "/relationships/mute", actor_uri=me.uri)
    assert response.status_code == 422 and await Mute.all().count() == 0
