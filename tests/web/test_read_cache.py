"""The in-process read cache (issue 11): what anyone may read is built once and then answered
without the database, until a write changes what it shows; logged-in people never get a kept page
and never leave one behind; a deleted work is gone at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.publishing import delete_contribution, edit_contribution, publish_contribution
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.store import content_version
from fediverse_hit.store.models import Account, Contribution
from tests.query_counts import recorded_queries

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}


async def publish(app: Starlette, alice: Account, title: str = "Night swim") -> Contribution:
    draft = Draft(title=title, source="Water at midnight.")
    return await publish_contribution(await alice.actor, draft, app.state.fetcher)


async def queries_of(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, path: str, **headers: str) -> int:
    with recorded_queries(monkeypatch) as log:
        response = await client.get(path, headers=headers)
    assert response.status_code in (200, 304)
    return len(log)


@pytest.mark.parametrize("accept", ["application/activity+json", "text/html"])
async def test_a_second_anonymous_fetch_of_a_work_costs_no_query(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch, accept: str
) -> None:
    piece = await publish(app, alice)
    assert await queries_of(anonymous, monkeypatch, piece.uri, Accept=accept) > 0
    assert await queries_of(anonymous, monkeypatch, piece.uri, Accept=accept) == 0


async def test_a_second_anonymous_fetch_of_a_profile_costs_no_query(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile carries "Follow from your server", a form that prints no token, so the page
    sets no cookie and is kept like any other public page."""
    await publish(app, alice)
    assert await queries_of(anonymous, monkeypatch, "/@alice", Accept="text/html") > 0
    assert await queries_of(anonymous, monkeypatch, "/@alice", Accept="text/html") == 0


async def test_concurrent_first_fetches_build_the_page_once(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is tried: 20 visitors ask for a page nobody has asked for yet, all at once."""
    piece = await publish(app, alice)
    one_build = await queries_of(anonymous, monkeypatch, f"{piece.uri}?first=1")
    with recorded_queries(monkeypatch) as log:
        answers = await asyncio.gather(*(anonymous.get(piece.uri) for _ in range(20)))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.text for answer in answers}) == 1
    assert len(log) == one_build


async def test_the_note_and_the_page_on_one_url_are_kept_apart(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    note = await anonymous.get(piece.uri, headers=AS2)
    page = await anonymous.get(piece.uri)
    assert note.headers["content-type"] == "application/activity+json"
    assert page.headers["content-type"].startswith("text/html")
    assert (await anonymous.get(piece.uri, headers=AS2)).json()["id"] == piece.uri


async def test_a_kept_note_is_answered_304_to_its_tag_without_a_query(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece = await publish(app, alice)
    tag = (await anonymous.get(piece.uri, headers=AS2)).headers["etag"]
    with recorded_queries(monkeypatch) as log:
        again = await anonymous.get(piece.uri, headers={**AS2, "If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["etag"], log) == (304, b"", tag, [])
    assert again.headers["cache-control"] == "public, no-cache"


async def test_an_edit_is_shown_at_once_on_the_page_and_in_the_note(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    piece = await publish(app, alice)
    await anonymous.get(piece.uri)
    await anonymous.get(piece.uri, headers=AS2)
    await edit_contribution(piece.author, piece, Draft(title="Night swim", source="Water at dawn."), app.state.fetcher)
    assert "Water at dawn." in (await anonymous.get(piece.uri)).text
    assert "Water at dawn." in (await anonymous.get(piece.uri, headers=AS2)).json()["content"]


async def test_a_deleted_work_is_gone_at_once_from_the_page_the_note_and_the_profile(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, urls: InstanceUrls
) -> None:
    piece = await publish(app, alice, title="Vanishing piece")
    for headers in ({}, AS2):
        assert (await anonymous.get(piece.uri, headers=headers)).status_code == 200
    assert "Vanishing piece" in (await anonymous.get("/@alice")).text
    await delete_contribution(piece.author, piece, urls)
    for headers in ({}, AS2):
        assert (await anonymous.get(piece.uri, headers=headers)).status_code == 410
    assert "Vanishing piece" not in (await anonymous.get("/@alice")).text


async def test_a_logged_in_person_never_gets_the_anonymous_page_nor_leaves_theirs(
    app: Starlette, client: httpx.AsyncClient, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    """What is tried: the anonymous page is kept first, then Alice (with her cookie) asks for the
    same URL; then she asks first and an anonymous visitor follows."""
    piece = await publish(app, alice)
    assert "Log out" not in (await anonymous.get(piece.uri)).text
    assert "Log out" in (await client.get(piece.uri)).text
    assert "Log out" in (await client.get("/local")).text
    assert "Log out" not in (await anonymous.get("/local")).text


async def test_a_page_built_for_another_host_header_is_not_served_to_everyone(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account
) -> None:
    """What is tried: cache poisoning — a visitor sends `Host: evil.example` so that the page's
    absolute links point there, then an ordinary visitor asks for the same path."""
    piece = await publish(app, alice)
    poisoned = await anonymous.get(piece.uri, headers={"Host": "evil.example"})
    assert poisoned.status_code == 200 and "evil.example" in poisoned.text  # links follow the Host
    honest = await anonymous.get(piece.uri)
    assert "evil.example" not in honest.text


async def test_a_page_that_sets_a_cookie_is_not_kept(anonymous: httpx.AsyncClient, app: Starlette) -> None:
    """What is tried: the login form (its CSRF token sets a session cookie) fetched by two
    visitors without cookies must give each their own token."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=str(anonymous.base_url)) as other:
        first = await anonymous.get("/login")
        second = await other.get("/login")
    assert "set-cookie" in first.headers and "set-cookie" in second.headers
    assert first.cookies.get("hit_session") != second.cookies.get("hit_session")


async def test_a_follow_leaves_the_kept_note_alone_and_a_reply_count_change_does_not(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece = await publish(app, alice)
    await anonymous.get(piece.uri, headers=AS2)
    content_version.note_written("follows")
    assert await queries_of(anonymous, monkeypatch, piece.uri, Accept="application/activity+json") == 0
    content_version.note_written("contributions")
    assert await queries_of(anonymous, monkeypatch, piece.uri, Accept="application/activity+json") > 0


async def test_nothing_is_kept_while_other_processes_may_be_unheard(
    app: Starlette, anonymous: httpx.AsyncClient, alice: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece = await publish(app, alice)
    await anonymous.get(piece.uri, headers=AS2)
    monkeypatch.setattr(content_version, "_trusted", False)
    assert await queries_of(anonymous, monkeypatch, piece.uri, Accept="application/activity+json") > 0


def test_writes_name_their_table_and_bookkeeping_tables_leave_kept_pages_alone() -> None:
    notes = content_version.note_statement
    assert notes("execute_insert", ('INSERT INTO "inbox_items" ("id") VALUES (?)',)) is None
    assert notes("execute_query", ('SELECT * FROM "contributions"',)) is None
    assert notes("begin", ()) is None
    assert notes("execute_query_dict", ("WITH RECURSIVE up(id) AS (SELECT 1) SELECT id FROM up",)) is None
    assert notes("execute_query", ("WITH gone AS (DELETE FROM follows RETURNING id) SELECT id FROM gone",)) == ("follows",)
    claim = ("WITH picked AS (SELECT id FROM deliveries LIMIT 5 FOR UPDATE SKIP LOCKED) "
             "UPDATE deliveries AS t SET state = 'claimed' FROM picked WHERE t.id = picked.id RETURNING t.id")
    assert notes("execute_query", (claim,)) is None
    assert notes("execute_insert", ('INSERT INTO "contributions" ("id") VALUES (?)',)) == ("contributions",)
    upsert = 'INSERT INTO "likes" ("id") VALUES (?) ON CONFLICT ("id") DO UPDATE SET "id"=EXCLUDED."id"'
    assert notes("execute_insert", (upsert,)) == ("likes",)
    assert notes("execute_query", ('UPDATE "actors" SET "name"=?',)) == ("actors",)
    assert notes("execute_query", ('DELETE FROM "likes" WHERE "id"=?',)) == ("likes",)
    assert notes("execute_script", ("ALTER TABLE x ADD y INT",)) == ("",)


def test_what_was_built_holds_until_a_table_it_read_changes() -> None:
    with content_version.tracking_reads() as tracker:
        content_version.note_statement("execute_query", ('SELECT "a" FROM "contributions" JOIN "actors" ON 1',))
    stamp = tracker.stamp()
    assert stamp is not None and stamp.holds()
    content_version.note_statement("execute_query", ('INSERT INTO "follows" ("id") VALUES (?)',))
    assert stamp.holds()  # a Follow changes nothing this page read
    content_version.note_statement("execute_query", ('UPDATE "actors" SET "name"=?',))
    assert not stamp.holds()


def test_what_a_block_inside_another_read_counts_for_the_outer_one() -> None:
    with content_version.tracking_reads() as outer:
        with content_version.tracking_reads():  # e.g. the session's account, kept apart
            content_version.note_statement("execute_query", ('SELECT "a" FROM "accounts"',))
    stamp = outer.stamp()
    assert stamp is not None
    content_version.note_statement("execute_query", ('UPDATE "accounts" SET "name"=?',))
    assert not stamp.holds()


def test_a_build_during_which_a_table_it_read_changed_is_not_kept() -> None:
    with content_version.tracking_reads() as tracker:
        content_version.note_statement("execute_query", ('SELECT "a" FROM "contributions"',))
        content_version.note_statement("execute_query", ('DELETE FROM "contributions" WHERE "id"=?',))
    assert tracker.stamp() is None


def test_another_process_announcing_a_table_makes_what_read_it_stale() -> None:
    with content_version.tracking_reads() as tracker:
        content_version.note_statement("execute_query", ('SELECT "a" FROM "contributions"',))
    stamp = tracker.stamp()
    assert stamp is not None
    content_version.apply_announcement(content_version.announcement("contributions"))
    assert not stamp.holds()
