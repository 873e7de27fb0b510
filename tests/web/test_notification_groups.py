"""Grouped notifications, the mentions filter, follow-back and the work concerned, through the
real page and forms; the grouping window as a fast decision test."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.relationships import follow_account
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.mutes import mute_actor
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Account, Actor, Follow, Notification
from fediverse_hit.web.excerpts import excerpt_of
from fediverse_hit.web.notification_groups import group_notifications
from tests.asgi_forms import HTML, PASSWORD, log_in
from tests.web.test_notification_pages import alices_work, submit

pytestmark = pytest.mark.anyio


def _lines(page: str) -> list[str]:
    """The text of each notification line (the first paragraph of each item)."""
    return [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in re.findall(r'<p class="notification-line">(.*?)</p>', page, re.S)]


async def test_likes_of_one_work_become_one_line_naming_the_newest(
    client: httpx.AsyncClient,
    alice: Account,
    bob_client: httpx.AsyncClient,
    app: Starlette,
    settings: Settings,
    urls: InstanceUrls,
) -> None:
    gears, other = await alices_work(client, "Gears"), await alices_work(client, "Springs")
    await submit(bob_client, gears, f"{gears}/like")
    await submit(bob_client, other, f"{other}/like")
    for name in ("dora", "eli"):
        await create_account(name, PASSWORD, urls)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.base_url) as http:
            await log_in(http, name)
            await submit(http, gears, f"{gears}/like")

    lines = _lines((await client.get("/notifications", headers=HTML)).text)
    assert lines[0].startswith("New eli and 2 others liked your contribution: Gears")
    assert lines[1].startswith("New bob @bob@hit.test liked your contribution: Springs")  # another work: its own line
    assert len(lines) == 2


async def test_mentions_filter_shows_replies_and_mentions_only_with_their_words(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await alices_work(client)
    await submit(bob_client, path, f"{path}/like")
    await submit(bob_client, "/", "/contributions/new", source="@alice the gears sing at dawn", visibility="public")
    page = (await client.get("/notifications?filter=mentions", headers=HTML)).text
    assert "mentioned you" in page and "the gears sing at dawn" in page
    assert "liked your contribution" not in page
    assert '/notifications?filter=mentions" aria-current="page"' in page


async def test_follow_back_from_a_follow_notification(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient, urls: InstanceUrls
) -> None:
    alice_actor, bob = await Actor.get(username="alice"), await Actor.get(username="bob")
    await follow_account(bob, alice_actor, urls)
    page = await client.get("/notifications", headers=HTML)
    assert "Follow back" in page.text
    response = await submit(client, "/notifications", "/relationships/follow", actor_uri=bob.uri, back="/notifications")
    assert response.status_code == 303 and response.headers["location"] == "/notifications"
    assert await Follow.exists(follower=alice_actor, followed=bob)
    again = (await client.get("/notifications", headers=HTML)).text
    assert "Follow back" not in again and "You follow them" in again


async def test_a_muted_persons_notifications_are_not_shown_or_counted(
    client: httpx.AsyncClient, alice: Account, bob_client: httpx.AsyncClient
) -> None:
    path = await alices_work(client)
    await submit(bob_client, path, f"{path}/like")
    await mute_actor(await Actor.get(username="alice"), await Actor.get(username="bob"))
    await submit(bob_client, path, f"{path}/boost")  # after the mute: not even recorded
    page = (await client.get("/notifications", headers=HTML)).text
    assert "liked your contribution" not in page and "boosted" not in page
    assert 'class="count"' not in page
    assert await Notification.filter(kind="boost").count() == 0


def _row(kind: str, minutes_ago: int, contribution_id: int | None = 1) -> Notification:
    row = Notification(kind=kind, created_at=datetime(2026, 1, 2, tzinfo=UTC) - timedelta(minutes=minutes_ago))
    row.contribution_id = contribution_id  # type: ignore[attr-defined]
    return row


def test_a_group_spans_at_most_twelve_hours_and_replies_never_group() -> None:
    rows = [_row("like", 0), _row("reply", 1), _row("like", 60), _row("reply", 61), _row("like", 12 * 60 + 1)]
    groups = group_notifications(rows)
    assert [(g.newest.kind, len(g.members)) for g in groups] == [("like", 2), ("reply", 1), ("reply", 1), ("like", 1)]


@pytest.mark.parametrize(
    ("html", "limit", "expected"),
    [
        ("<p>Hello <b>world</b></p><p>again</p>", 11, "Hello world…"),  # cut after a whole word
        ("<p>Hello world again</p>", 13, "Hello world…"),
        ("<p>short</p>", 200, "short"),
        ("<p>a &lt;script&gt; tag</p>", 200, "a <script> tag"),  # text, escaped by the template later
        ("<p>" + "x" * 30 + "</p>", 10, "x" * 10 + "…"),  # one long word is cut inside it
    ],
)
def test_an_excerpt_is_plain_text_cut_at_a_word(html: str, limit: int, expected: str) -> None:
    assert excerpt_of(html, limit) == expected
