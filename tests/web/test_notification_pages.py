"""The notifications page through real forms: what each kind says, from whom, the link to the
contribution, the unread count in the navigation, and marking everything read."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest

from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.models import Account, Actor, Notification
from tests.asgi_forms import HTML, csrf_from

pytestmark = pytest.mark.anyio

UNREAD = re.compile(r'Notifications(?:</span>)? <span class="count">(\d+)<span class="visually-hidden"> unread</span>')


async def submit(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    data = {"csrf_token": await csrf_from(client, page), **fields}
    return await client.post(action, data=data, files={"file_1": ("", b"", "application/octet-stream")}, headers=HTML)


async def alices_work(client: httpx.AsyncClient, title: str = "Clockwork") -> str:
    response = await submit(client, "/contributions/new", "/contributions/new", title=title, visibility="public")
    assert response.status_code == 303
    return urlsplit(response.headers["location"]).path


def unread_in_nav(page: str) -> int:
    match = UNREAD.search(page)
    return int(match.group(1)) if match else 0


async def test_notifications_need_a_login(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/notifications", headers=HTML)).status_code == 401


async def test_each_kind_is_worded_with_who_and_a_link(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    path = await alices_work(client)
    assert "Nothing yet." in (await client.get("/notifications", headers=HTML)).text
    await submit(bob_client, path, f"{path}/like")
    await submit(bob_client, path, f"{path}/boost")
    await submit(bob_client, path, "/contributions/new", source="Lovely gears!", in_reply_to=f"http://hit.test{path}")
    await follow_account(await Actor.get(username="bob"), await Actor.get(username="alice"), urls)
    assert unread_in_nav((await client.get("/", headers=HTML)).text) == 4

    page = (await client.get("/notifications", headers=HTML)).text
    items = re.findall(r'<li class="notification notification-(\w+) unread" id="notification-\d+">(.*?)</li>', page, re.S)
    kinds = [kind for kind, _ in items]
    assert sorted(kinds) == ["boost", "follow", "like", "reply"]
    text = {kind: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for kind, body in items}
    assert "New bob @bob@hit.test liked your contribution: Clockwork" in text["like"]
    assert "boosted your contribution: Clockwork" in text["boost"]
    assert "replied to you" in text["reply"] and "Lovely gears!" in text["reply"]  # the reply's own words
    assert "followed you" in text["follow"]
    assert f'href="http://hit.test{path}"' in dict(items)["like"]
    assert 'href="http://hit.test/@bob"' in dict(items)["like"]
    assert unread_in_nav(page) == 0  # seen: read from now on, though marked "New" on this page
    again = (await client.get("/notifications", headers=HTML)).text
    assert "unread-badge" not in again and 'notification-like"' in again


async def test_mark_all_read_clears_the_count(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await alices_work(client)
    await submit(bob_client, path, f"{path}/like")
    await submit(bob_client, "/", "/contributions/new", source="Hi @alice", visibility="public")  # a mention
    assert unread_in_nav((await client.get("/", headers=HTML)).text) == 2
    assert unread_in_nav((await bob_client.get("/", headers=HTML)).text) == 0

    mentions = (await client.get("/notifications?filter=mentions", headers=HTML)).text  # sees only the mention
    assert "1 more unread" in mentions and "Mark all as read" in mentions
    forged = await client.post("/notifications/read", data={"csrf_token": "forged"}, headers=HTML)
    assert forged.status_code == 403
    response = await submit(client, "/", "/notifications/read")
    assert response.status_code == 303
    page = (await client.get(response.headers["location"], headers=HTML)).text
    assert "Everything is marked as read." in page and unread_in_nav(page) == 0
    assert 'class="notification notification-like"' in page  # still listed, no longer new
    assert "Mark all as read" not in page
    assert await Notification.filter(read_at=None).count() == 0


async def test_notification_about_a_deleted_contribution_has_no_link(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await alices_work(client, "Soon gone")
    await submit(bob_client, path, f"{path}/like")
    await submit(client, path, f"{path}/delete", confirm="yes")
    page = (await client.get("/notifications", headers=HTML)).text
    assert "Soon gone" not in page and f"http://hit.test{path}" not in page


async def test_hostile_display_name_is_escaped(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    await Actor.filter(username="bob").update(name='<img src=x onerror="alert(1)">')
    path = await alices_work(client)
    await submit(bob_client, path, f"{path}/like")
    page = (await client.get("/notifications", headers=HTML)).text
    assert "&lt;img src=x onerror=" in page and "<img src=x" not in page


@pytest.mark.parametrize(("undo", "wording"), [("unlike", "liked your contribution"), ("unboost", "boosted your contribution")])
async def test_a_like_or_boost_taken_back_here_takes_its_notification_too(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, undo: str, wording: str
) -> None:
    # As an inbound Undo does (one rule for local and remote reactions): no stale "liked" left.
    path = await alices_work(client)
    done = undo.removeprefix("un")
    assert (await submit(bob_client, path, f"{path}/{done}")).status_code == 303
    assert wording in (await client.get("/notifications", headers=HTML)).text
    assert (await submit(bob_client, path, f"{path}/{undo}")).status_code == 303
    assert wording not in (await client.get("/notifications", headers=HTML)).text
