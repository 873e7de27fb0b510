"""Every object a page shows passes `can_view`'s rule: a public reply to a followers-only
contribution never names its parent ("Replying to ‹title›") to anonymous visitors or to logged-in
strangers, on any page that shows the reply; a follower does see it. Boosts and notifications
show nothing across a block. Hostile case throughout: reading a title one was not addressed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from fediverse_hit.federation.relationships import block_account, follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.models import Account, Actor, Contribution
from tests.asgi_forms import HTML
from tests.web.test_contribution_pages import publish_page, submit

pytestmark = pytest.mark.anyio

SECRET = "Secret garden plans"
REPLY = "Count me in"


@dataclass(frozen=True)
class Thread:
    """Alice's followers-only contribution and Carol's public reply to it (Carol follows Alice)."""

    parent: str
    reply: str



async def actor(name: str) -> Actor:
    return await Actor.get(username=name, local=True)


@pytest.fixture
async def thread(client: httpx.AsyncClient, alice: Account, carol_client: httpx.AsyncClient, urls: InstanceUrls) -> Thread:
    parent = await publish_page(client, title=SECRET, visibility="followers")
    await follow_account(await actor("carol"), await actor("alice"), urls)
    answer = await submit(carol_client, parent, "/contributions/new", title=REPLY, source="Yes! #gardening",
                          in_reply_to=f"http://hit.test{parent}", visibility="public")
    assert answer.status_code == 303, answer.text
    return Thread(parent, urlsplit((await Contribution.get(title=REPLY)).uri).path)


async def page(http: httpx.AsyncClient, path: str) -> str:
    response = await http.get(path, headers=HTML)
    assert response.status_code == 200
    return response.text


async def test_reply_page_does_not_name_a_parent_the_viewer_may_not_see(
    thread: Thread, anonymous: httpx.AsyncClient, bob_client: httpx.AsyncClient
) -> None:
    for stranger in (anonymous, bob_client):
        shown = await page(stranger, thread.reply)
        assert REPLY in shown and "Replying to" in shown and "an earlier contribution" in shown
        assert SECRET not in shown


async def test_reply_page_names_the_parent_to_those_who_may_see_it(
    thread: Thread, client: httpx.AsyncClient, carol_client: httpx.AsyncClient
) -> None:
    for allowed in (client, carol_client):
        assert f"Replying to <a href=\"http://hit.test{thread.parent}\">{SECRET}" in await page(allowed, thread.reply)


async def test_tag_page_does_not_name_a_hidden_parent(
    thread: Thread, anonymous: httpx.AsyncClient, bob_client: httpx.AsyncClient, carol_client: httpx.AsyncClient
) -> None:
    for stranger in (anonymous, bob_client):
        shown = await page(stranger, "/tags/gardening")
        assert REPLY in shown and SECRET not in shown
    assert SECRET in await page(carol_client, "/tags/gardening")


async def test_home_timeline_reply_cards_do_not_name_a_hidden_parent(
    thread: Thread, bob_client: httpx.AsyncClient, carol_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    await follow_account(await actor("bob"), await actor("carol"), urls)
    shown = await page(bob_client, "/home")
    assert REPLY in shown and SECRET not in shown
    assert SECRET in await page(carol_client, "/home")


async def test_profile_pinned_reply_does_not_name_a_hidden_parent(
    thread: Thread, carol_client: httpx.AsyncClient, anonymous: httpx.AsyncClient, client: httpx.AsyncClient,
) -> None:
    pinned = await submit(carol_client, thread.reply, f"{thread.reply}/pin")
    assert pinned.status_code == 303
    shown = await page(anonymous, "/@carol")
    assert REPLY in shown and "Pinned" in shown and SECRET not in shown
    assert SECRET in await page(client, "/@carol")


async def test_notifications_do_not_name_what_the_recipient_may_no_longer_see(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    await publish_page(client, title="A note for @bob", source="Hello @bob")
    assert "A note for @bob" in await page(bob_client, "/notifications")
    await block_account(await actor("bob"), await actor("alice"), urls)
    shown = await page(bob_client, "/notifications")
    assert "mentioned you" in shown and "A note for @bob" not in shown


async def test_boosts_on_home_show_nothing_across_a_block(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, carol_client: httpx.AsyncClient,
    urls: InstanceUrls,
) -> None:
    boosted = await publish_page(client, title="Widely shared piece")
    assert (await submit(carol_client, boosted, f"{boosted}/boost")).status_code == 303
    await follow_account(await actor("bob"), await actor("carol"), urls)
    assert "Widely shared piece" in await page(bob_client, "/home")
    await block_account(await actor("alice"), await actor("bob"), urls)
    assert "Widely shared piece" not in await page(bob_client, "/home")
