"""Every collection page and timeline costs a fixed number of queries whatever its length
(issue 11): the queries of a page listing 5 contributions and of one listing a full page
are counted, and must be the same number."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.publishing import publish_contribution, set_pinned
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.store.content_version import bump_version
from fediverse_hit.store.models import Account, Actor, Contribution
from tests.query_counts import recorded_queries

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}


async def publish_many(app: Starlette, author: Actor, count: int) -> list[Contribution]:
    return [
        await publish_contribution(author, Draft(title=f"Piece {n}", source=f"Line {n} #sea"), app.state.fetcher)
        for n in range(count)
    ]


async def queries_of(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, path: str, **headers: str) -> int:
    """The queries of building `path` (not of answering it from the read cache)."""
    bump_version()
    with recorded_queries(monkeypatch) as log:
        response = await client.get(path, headers=headers)
    assert response.status_code == 200
    return len(log)


async def test_outbox_page_of_5_and_of_40_notes_costs_the_same_queries(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await alice.actor
    await publish_many(app, author, 5)
    short = await queries_of(anonymous, monkeypatch, "/users/alice/outbox?page=1", **AS2)
    await publish_many(app, author, 45)
    page = (await anonymous.get("/users/alice/outbox?page=1", headers=AS2)).json()
    assert len(page["orderedItems"]) == 40
    assert await queries_of(anonymous, monkeypatch, "/users/alice/outbox?page=1", **AS2) == short


async def test_featured_collection_of_1_and_of_5_pinned_notes_costs_the_same_queries(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, urls: InstanceUrls, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await alice.actor
    pieces = await publish_many(app, author, 5)
    await set_pinned(author, pieces[0], True, urls)
    one = await queries_of(anonymous, monkeypatch, "/users/alice/featured", **AS2)
    for piece in pieces[1:]:
        await set_pinned(author, piece, True, urls)
    assert len((await anonymous.get("/users/alice/featured", headers=AS2)).json()["orderedItems"]) == 5
    assert await queries_of(anonymous, monkeypatch, "/users/alice/featured", **AS2) == one


@pytest.mark.parametrize("path", ["/local", "/federated", "/tags/sea", "/@alice"])
async def test_public_timeline_of_5_and_of_50_contributions_costs_the_same_queries(
    path: str, app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await alice.actor
    await publish_many(app, author, 5)
    short = await queries_of(anonymous, monkeypatch, path)
    await publish_many(app, author, 45)
    assert await queries_of(anonymous, monkeypatch, path) == short


async def test_home_timeline_of_5_and_of_50_contributions_costs_the_same_queries(
    app: Starlette, client: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await alice.actor
    await publish_many(app, author, 5)
    short = await queries_of(client, monkeypatch, "/home")
    await publish_many(app, author, 45)
    assert await queries_of(client, monkeypatch, "/home") == short
