"""The header: a few icons with labels, the rest in a <details> menu that opens without
JavaScript; follow requests only when some wait; one Admin entry, for administrators, leading to
the admin pages' own sub-navigation."""

from __future__ import annotations

import httpx
import pytest

from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.mutes import mute_actor
from fediverse_hit.services.notifications import notify
from fediverse_hit.store.header_counts import HeaderCounts, header_counts
from fediverse_hit.store.models import Account, Actor
from tests.asgi_forms import HTML, PASSWORD, log_in
from tests.query_counts import recorded_queries

pytestmark = pytest.mark.anyio


def header(page: str) -> str:
    return page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


async def test_follow_requests_show_only_when_some_wait(client: httpx.AsyncClient, alice: Account, urls: InstanceUrls) -> None:
    shown = header((await client.get("/home", headers=HTML)).text)
    assert '<details class="menu">' in shown and "Follow requests" not in shown
    await Actor.filter(id=alice.actor_id).update(manually_approves_followers=True)  # type: ignore[attr-defined]
    await create_account("bob", PASSWORD, urls)
    await follow_account(await Actor.get(username="bob"), await Actor.get(username="alice"), urls)
    shown = header((await client.get("/home", headers=HTML)).text)
    assert 'href="http://hit.test/follow-requests">Follow requests <span class="count">1<span class="visually-hidden"> waiting</span>' in shown


async def test_one_admin_entry_for_administrators_only(client: httpx.AsyncClient, alice: Account, urls: InstanceUrls) -> None:
    assert 'href="http://hit.test/admin"' not in header((await client.get("/home", headers=HTML)).text)
    assert (await client.get("/admin", headers=HTML)).status_code == 403
    await create_account("boss", PASSWORD, urls, is_admin=True)
    await log_in(client, "boss")
    shown = header((await client.get("/home", headers=HTML)).text)
    assert shown.count('href="http://hit.test/admin') == 1
    overview = (await client.get("/admin", headers=HTML)).text
    nav = overview.split('aria-label="Administration"', 1)[1].split("</nav>", 1)[0]
    for path in ("/admin/registrations", "/admin/domain-blocks", "/admin/licence"):
        assert f'href="http://hit.test{path}"' in nav
    assert 'aria-current="page">Overview' in nav
    assert 'aria-current="page">Domain blocks' in (await client.get("/admin/domain-blocks", headers=HTML)).text


async def test_visitors_see_log_in_and_a_favicon(anonymous: httpx.AsyncClient) -> None:
    page = (await anonymous.get("/federated", headers=HTML)).text
    assert '<link rel="icon" href="http://hit.test/static/favicon.svg" type="image/svg+xml">' in page
    shown = header(page)
    assert "Log in" in shown and "Sign up" in shown and '<details class="menu">' not in shown
    assert (await anonymous.get("/static/favicon.svg")).headers["content-type"].startswith("image/svg+xml")


async def test_header_counts_unread_notifications_from_unmuted_people_and_waiting_requests_in_one_query(
    client: httpx.AsyncClient, alice: Account, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    await Actor.filter(username="alice").update(manually_approves_followers=True)
    me = await Actor.get(username="alice")
    for name in ("bob", "carol"):
        await create_account(name, PASSWORD, urls)
        await notify(me, "like", await Actor.get(username=name))
    await follow_account(await Actor.get(username="bob"), me, urls)  # a request, and its notification
    await mute_actor(me, await Actor.get(username="carol"))
    with recorded_queries(monkeypatch) as log:
        counts = await header_counts(me)
    assert counts == HeaderCounts(unread_notifications=2, pending_follow_requests=1) and len(log) == 1
    shown = header((await client.get("/home", headers=HTML)).text)
    assert '<span class="count">2<span class="visually-hidden"> unread</span>' in shown
