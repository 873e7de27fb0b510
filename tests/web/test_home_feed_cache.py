"""A logged-in person's home feed (and any timeline they read) is kept for them (web/feed_cache.py,
issue 11) and is never stale or leaked: whatever changes what it shows shows on the next load, each
person gets their own page and each browser its own CSRF token, and the header's counts are fresh
on every load."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.interactions import boost, like
from fediverse_hit.federation.publishing import delete_contribution, edit_contribution, publish_contribution
from fediverse_hit.federation.relationships import block_account, follow_account, unfollow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.mutes import mute_actor
from fediverse_hit.services.notifications import notify
from fediverse_hit.settings import Settings
from fediverse_hit.store.content_version import apply_announcement, set_shared_reads_trusted
from fediverse_hit.store.models import Account, Actor, Contribution
from fediverse_hit.web.feed_cache import MAX_AGE_SECONDS
from tests.asgi_forms import CSRF, HTML, PASSWORD, log_in
from tests.query_counts import recorded_queries

pytestmark = pytest.mark.anyio

# A kept feed for a kept session costs the header's counts only.
KEPT_QUERIES = 1


async def actor(username: str) -> Actor:
    return await Actor.get(username=username)


async def bob_follows_someone_posting(app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls) -> Contribution:
    """Bob (logged in on `bob_client`) follows Dana, who has posted "Dana's piece"; his home is kept."""
    await create_account("dana", PASSWORD, urls)
    piece = await publish_contribution(await actor("dana"), Draft(title="Dana's piece", source="Hello"), app.state.fetcher)
    await follow_account(await actor("bob"), await actor("dana"), urls)
    assert "Dana&#39;s piece" in (await bob_client.get("/home", headers=HTML)).text
    return piece


async def home_queries(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> int:
    with recorded_queries(monkeypatch) as log:
        assert (await client.get("/home", headers=HTML)).status_code == 200
    return len(log)


async def kept_cost(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, path: str = "/home") -> int:
    """The fewest queries of three loads of `path`: on PostgreSQL the notices of this process's own
    earlier writes may arrive after the first load and rightly drop what it kept."""
    counts = []
    for _ in range(3):
        with recorded_queries(monkeypatch) as log:
            assert (await client.get(path, headers=HTML)).status_code == 200
        counts.append(len(log))
    return min(counts)


def token_of(page: str) -> str:
    tokens: set[str] = set(CSRF.findall(page))
    assert len(tokens) == 1, tokens
    return tokens.pop()


async def test_a_kept_home_costs_only_the_session_and_the_header_counts(
    app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bob_follows_someone_posting(app, bob_client, urls)
    assert await kept_cost(bob_client, monkeypatch) == KEPT_QUERIES
    page = (await bob_client.get("/home", headers=HTML)).text
    assert "Dana&#39;s piece" in page and "@bob" in page
    response = await bob_client.get("/home", headers=HTML)
    assert response.headers["cache-control"] == "private, no-store"


async def test_a_kept_home_expires(
    app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bob_follows_someone_posting(app, bob_client, urls)
    cache = app.state.feed_cache
    now = cache.clock()
    cache.clock = lambda: now + MAX_AGE_SECONDS + 1  # relative times must not freeze
    assert await home_queries(bob_client, monkeypatch) > KEPT_QUERIES


Change = Callable[[Starlette, Contribution, InstanceUrls], Awaitable[None]]


async def liked_by_someone(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await create_account("erin", PASSWORD, urls)
    await like(await actor("erin"), piece, urls)


async def new_post(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await publish_contribution(await actor("dana"), Draft(title="Dana's second", source="Again"), app.state.fetcher)


async def boosted_by_dana(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await create_account("erin", PASSWORD, urls)
    other = await publish_contribution(await actor("erin"), Draft(title="Erin's piece", source="Hi"), app.state.fetcher)
    await boost(await actor("dana"), other, urls)


async def edited(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await edit_contribution(await actor("dana"), piece, Draft(title="Dana's edited piece", source="Hello"), app.state.fetcher)


async def deleted(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await delete_contribution(await actor("dana"), piece, urls)


async def muted(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await mute_actor(await actor("bob"), await actor("dana"))


async def blocked(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await block_account(await actor("bob"), await actor("dana"), urls)


async def unfollowed(app: Starlette, piece: Contribution, urls: InstanceUrls) -> None:
    await unfollow_account(await actor("bob"), await actor("dana"), urls)


@pytest.mark.parametrize(
    ("change", "shown", "gone"),
    [
        (liked_by_someone, "1 like<", ""),
        (new_post, "Dana&#39;s second", ""),
        (boosted_by_dana, "Erin&#39;s piece", ""),
        (edited, "Dana&#39;s edited piece", ""),
        (deleted, "", "Dana&#39;s piece"),
        (muted, "", "Dana&#39;s piece"),
        (blocked, "", "Dana&#39;s piece"),
        (unfollowed, "", "Dana&#39;s piece"),
    ],
)
async def test_a_change_shows_on_the_next_load_of_a_kept_home(
    change: Change, shown: str, gone: str, app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    piece = await bob_follows_someone_posting(app, bob_client, urls)
    await bob_client.get("/home", headers=HTML)  # served from the kept feed
    await change(app, piece, urls)
    page = (await bob_client.get("/home", headers=HTML)).text
    assert shown in page
    if gone:
        assert gone not in page


async def test_the_like_form_of_a_kept_home_posts_and_the_like_shows(
    app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    piece = await bob_follows_someone_posting(app, bob_client, urls)
    page = (await bob_client.get("/home", headers=HTML)).text
    action = f"/contributions/{piece.local_id}/like"
    assert f'action="{action}"' in page
    response = await bob_client.post(action, data={"csrf_token": token_of(page), "back": "/home"}, headers=HTML)
    assert response.status_code == 303
    page = (await bob_client.get("/home", headers=HTML)).text
    assert "1 like<" in page and "</svg> Unlike<" in page


async def test_each_browser_of_one_person_gets_its_own_csrf_token(
    app: Starlette, settings: Settings, bob_client: httpx.AsyncClient, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece = await bob_follows_someone_posting(app, bob_client, urls)
    first = token_of((await bob_client.get("/home", headers=HTML)).text)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as phone:
        await log_in(phone, "bob")
        assert await kept_cost(phone, monkeypatch) == KEPT_QUERIES  # the same kept feed…
        second = token_of((await phone.get("/home", headers=HTML)).text)  # …with this browser's own token
        assert second != first
        action = f"/contributions/{piece.local_id}/like"
        refused = await phone.post(action, data={"csrf_token": first, "back": "/home"}, headers=HTML)
        assert refused.status_code == 403
        assert (await phone.post(action, data={"csrf_token": second, "back": "/home"}, headers=HTML)).status_code == 303


async def test_two_people_never_get_each_others_home(
    app: Starlette, client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    piece = await bob_follows_someone_posting(app, bob_client, urls)
    await follow_account(await actor("alice"), await actor("dana"), urls)
    await publish_contribution(await actor("alice"), Draft(title="Alice's own", source="Mine"), app.state.fetcher)
    token = token_of((await bob_client.get("/home", headers=HTML)).text)
    liked = await bob_client.post(f"/contributions/{piece.local_id}/like", data={"csrf_token": token, "back": "/home"}, headers=HTML)
    assert liked.status_code == 303
    bobs = (await bob_client.get("/home", headers=HTML)).text
    alices = (await client.get("/home", headers=HTML)).text
    assert "Alice&#39;s own" in alices and "Alice&#39;s own" not in bobs
    assert "</svg> Unlike<" in bobs and "</svg> Unlike<" not in alices
    assert token_of(bobs) != token_of(alices)
    assert "Your profile <span class=\"handle\">@alice</span>" in alices
    assert "Your profile <span class=\"handle\">@bob</span>" in bobs


async def test_the_header_counts_are_fresh_on_a_kept_home(
    app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    await bob_follows_someone_posting(app, bob_client, urls)
    await notify(await actor("bob"), "follow", await actor("dana"))  # notifications move no content version
    page = (await bob_client.get("/home", headers=HTML)).text
    assert '<span class="count">1<span class="visually-hidden"> unread</span>' in page
    await mute_actor(await actor("bob"), await actor("dana"))  # nor does a muted person's notification count
    page = (await bob_client.get("/home", headers=HTML)).text
    assert "unread</span>" not in page


async def test_another_process_s_write_or_a_lost_listener_rebuilds_a_kept_home(
    app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bob_follows_someone_posting(app, bob_client, urls)
    assert await kept_cost(bob_client, monkeypatch) == KEPT_QUERIES
    apply_announcement("content:likes")  # what the PostgreSQL change feed does on another process's like
    assert await home_queries(bob_client, monkeypatch) > KEPT_QUERIES
    set_shared_reads_trusted(False)  # the change listener lost its connection
    try:
        assert await home_queries(bob_client, monkeypatch) > KEPT_QUERIES
        assert await home_queries(bob_client, monkeypatch) > KEPT_QUERIES
    finally:
        set_shared_reads_trusted(True)


@pytest.mark.parametrize("path", ["/local", "/federated", "/tags/sea"])
async def test_other_timelines_are_kept_for_a_logged_in_person_and_show_a_new_post(
    path: str, app: Starlette, bob_client: httpx.AsyncClient, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bob_follows_someone_posting(app, bob_client, urls)
    assert await kept_cost(bob_client, monkeypatch, path) == KEPT_QUERIES
    await publish_contribution(await actor("dana"), Draft(title="Tagged", source="Waves #sea"), app.state.fetcher)
    assert "Tagged" in (await bob_client.get(path, headers=HTML)).text
