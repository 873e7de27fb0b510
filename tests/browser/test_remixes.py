"""Remixing in headless Chromium against a real server process: "Remix this" opens the composer
with the work as first source, a second source and weights are typed, a wrong total comes back
named; the work page of a 1,000-work family draws a folded tree whose nodes are links reached
by keyboard; and a remix published from the composer (a work picked from the creator's own, a
Mastodon-shaped post by URL, fetched from a stand-in server on loopback) shows its sources,
credits, badge and tree, and a verification report over its real signed chain. Screenshots at desktop (1280) and phone (390) widths go to `HIT_SCREENSHOT_DIR`
when it is set (else the test's tmp dir). Skipped when no `chromium` binary is installed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.protocol.quote_consent import ConsentState
from fediverse_hit.services.quote_consent import receive_quote_request
from fediverse_hit.store.models import Actor, Contribution
from tests.browser.mastodon_stub import MastodonStub, running_mastodon_stub
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, running_server, server_url, sign_up_in_browser
from tests.remix_families import START, add_work, build_large_family, cite, remote_actor

__all__ = ["server_url"]  # the fixture: a real `fediverse-hit serve` process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
WIDTHS = {"desktop": 1280, "phone": 390}


def shots_dir(tmp_path: Path) -> Path:
    target = Path(os.environ.get("HIT_SCREENSHOT_DIR", "") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


async def seed_family(database_url: str, base_url: str) -> dict[str, str]:
    """Alice's works (signed up in the browser) in a family: sources on two other servers above,
    remixes below, and a 1,000-work family around "Center". Returns the pages by name."""
    domain = base_url.split("://", 1)[1]
    urls = InstanceUrls(scheme="http", domain=domain)
    await open_database(database_url)
    try:
        alice = await Actor.get(username="alice", local=True)
        await Actor.filter(id=alice.id).update(name="Alice Liddell")
        alice = await Actor.get(id=alice.id)
        bob, carol = await remote_actor("bob", "b.example"), await remote_actor("carol", "pixels.example")
        song = await add_work(bob, "Wind in the reeds", urls)
        photo = await add_work(carol, "Morning fog over the lake", urls, minutes=1)
        field = await add_work(alice, "Green field", urls, minutes=2)
        await cite(field, [photo], state="attested")
        sketch = await add_work(alice, "Pencil sketch", urls, minutes=3)
        remix = await add_work(alice, "Field with wind", urls, minutes=4, upstream_share=4000)
        await cite(remix, [field, song, sketch], (5000, 3000, 2000))
        for minutes, (author, title) in enumerate([(bob, "Field, slowed down"), (carol, "Windy field at dusk")], start=5):
            echo = await add_work(author, title, urls, minutes=minutes)
            await cite(echo, [remix])
        center = await add_work(alice, "Center of a big family", urls, minutes=5000, upstream_share=5000)
        await build_large_family(center, [alice, bob, carol], urls, 999)
        return {name: work.uri for name, work in
                {"field": field, "sketch": sketch, "remix": remix, "center": center}.items()}
    finally:
        await close_database()


def test_remix_this_composer_and_the_folded_tree(server_url: str, database_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    shots = shots_dir(tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": WIDTHS["desktop"], "height": 900})
            page.set_default_timeout(15_000)
            sign_up_in_browser(page, server_url, "alice")
            with ThreadPoolExecutor(1) as seeder:  # Playwright's own event loop runs in this thread
                works = seeder.submit(asyncio.run, seed_family(database_url, server_url)).result()

            # "Remix this" on the work page opens the composer with the work as the first source.
            page.goto(works["field"])
            page.get_by_role("link", name="Remix this “Green field”").click()
            expect(page.get_by_role("heading", name="New remix", level=1)).to_be_visible()
            expect(page.get_by_text("Remixing “Green field” by @alice@")).to_be_visible()
            expect(page.get_by_label("Source 1 (the main one)")).to_have_value(works["field"])
            page.get_by_label("Title", exact=True).fill("Field and sketch")
            page.get_by_label("Text", exact=True).fill("The field, drawn over in pencil.")
            page.get_by_label("Source 2", exact=True).fill(works["sketch"])
            page.get_by_label("Weight of source 1 (%)").fill("70")
            page.get_by_label("Weight of source 2 (%)").fill("70")
            page.get_by_label("Share of the credit for your sources (%)").fill("40")
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"remix-composer-{name}.png"), full_page=True)
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            page.get_by_role("button", name="Publish").click()

            summary = page.get_by_role("alert")
            expect(summary).to_contain_text("The weights must add up to 100 %")
            expect(page.get_by_label("Source 2", exact=True)).to_have_value(works["sketch"])
            summary.get_by_role("link").click()
            assert page.url.endswith("#sources")
            expect(page.get_by_role("group", name="Works this builds on")).to_be_in_viewport()
            page.screenshot(path=str(shots / "remix-composer-error-desktop.png"), full_page=True)
            page.get_by_label("Weight of source 2 (%)").fill("30")
            page.get_by_role("button", name="Publish").click()
            page.wait_for_url(re.compile(re.escape(server_url) + r"/contributions/\d+\?done=published"))
            expect(page.get_by_role("heading", name="Field and sketch", level=1)).to_be_visible()

            # A remix page: sources with weights and states, credits, the tree, the report.
            page.goto(works["remix"])
            sources = page.get_by_role("region", name="Built on")
            expect(sources.get_by_role("link", name="Wind in the reeds")).to_be_visible()
            expect(sources.get_by_text("Weight 30 %")).to_be_visible()
            credits = page.get_by_role("region", name="Credits")
            expect(credits.get_by_role("row", name=re.compile(r"Alice Liddell .* 78 %"))).to_be_visible()
            tree = page.get_by_role("group", name=re.compile("Remix tree of “Field with wind”"))
            expect(tree.get_by_role("link", name=re.compile("“Windy field at dusk” by Carol .*on pixels.example"))).to_be_visible()
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"remix-page-{name}.png"), full_page=True)
            # 1,000 works: folded to fit, every node a link, reachable with the keyboard.
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            page.goto(works["center"])
            tree = page.get_by_role("group", name=re.compile("Remix tree of “Center of a big family”: 333 works above it, 666 below"))
            expect(tree).to_be_visible()
            box = tree.bounding_box()
            assert box is not None and box["width"] <= 1200 and box["height"] <= 1100
            folds = tree.get_by_role("link", name=re.compile(r"\d+ more works: see the whole family"))
            assert folds.count() >= 2
            page.get_by_role("link", name="The whole family as a list").focus()
            page.keyboard.press("Shift+Tab")  # back into the scrolling region, then into the tree's last link
            page.keyboard.press("Shift+Tab")
            focused = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
            assert focused.endswith("see the whole family") or focused.startswith("“")
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"big-tree-{name}.png"), full_page=True)
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            folds.first.click()
            page.wait_for_url(re.compile(r"/family#(above|below)-\d+$"))
            expect(page.get_by_role("heading", name=re.compile("Remix family of"), level=1)).to_be_visible()
        finally:
            browser.close()


@pytest.fixture
def open_server_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A real server that may reach loopback hosts (the Mastodon stand-in)."""
    with running_server(database_url, tmp_path, {"HIT_ALLOW_PRIVATE_ADDRESSES": "1"}) as base_url:
        yield base_url


async def seed_sources(database_url: str, base_url: str, zoe: MastodonStub, note: dict[str, Any]) -> dict[str, str]:
    """Alice's works, Zoe (a Mastodon user) and her post as received here, and a quote request
    waiting for Alice's approval. Returns the pages by name."""
    urls = InstanceUrls(scheme="http", domain=base_url.split("://", 1)[1])
    await open_database(database_url)
    try:
        alice = await Actor.get(username="alice", local=True)
        await Actor.filter(id=alice.id).update(name="Alice Liddell")
        sketch = await add_work(alice, "Pencil sketch", urls, minutes=1)
        field = await add_work(alice, "Green field", urls, minutes=2)
        person = await Actor.create(
            uri=zoe.actor_id, username=zoe.username, domain=zoe.host, name=zoe.name, url=f"http://{zoe.host}/@zoe",
            inbox=f"{zoe.actor_id}/inbox", document=zoe.documents[f"/users/{zoe.username}"],
        )
        await Contribution.create(
            uri=note["id"], url=note["url"], author=person, local=False, title="", content_html=note["content"],
            license="", visibility="public", published_at=START, raw_json=json.dumps(note),
        )
        bob = await remote_actor("bob", "b.example")
        await receive_quote_request("https://b.example/activities/q1", bob, field, "https://b.example/works/9", None,
                                    ConsentState.PENDING)
        return {"sketch": sketch.uri, "field": field.uri}
    finally:
        await close_database()


def screenshot_both(page: Any, shots: Path, name: str) -> None:
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width_name}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_a_remix_published_from_the_composer_shows_its_signed_chain(
    open_server_url: str, database_url: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    shots = shots_dir(tmp_path)
    server_url = open_server_url
    with running_mastodon_stub("zoe", "Zoe Park") as zoe, sync_api.sync_playwright() as playwright:
        note = zoe.add_note(1, "<p>Fog over the harbour this morning, the cranes half gone.</p>")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": WIDTHS["desktop"], "height": 900})
            page.set_default_timeout(20_000)
            sign_up_in_browser(page, server_url, "alice")
            with ThreadPoolExecutor(1) as seeder:
                works = seeder.submit(asyncio.run, seed_sources(database_url, server_url, zoe, note)).result()

            # The composer: a source picked from Alice's own works, Zoe's works found by handle,
            # her post added by URL, weights typed.
            page.goto(f"{server_url}/contributions/new")
            page.get_by_label("Title", exact=True).fill("Harbour sketch")
            page.get_by_label("Text", exact=True).fill("My pencil sketch, after Zoe's foggy harbour.")
            page.get_by_text("Build on other works (remix)").click()
            page.get_by_role("button", name="Show my recent works").click()
            picked = page.get_by_role("region", name="Your recent works")
            picked.get_by_role("button", name="Add “Pencil sketch” as a source").click()
            expect(page.get_by_label("Source 1 (the main one)")).to_have_value(works["sketch"])
            expect(page.get_by_label("Title", exact=True)).to_have_value("Harbour sketch")
            page.get_by_label("Works of someone else").fill(f"@zoe@{zoe.host}")
            page.get_by_label("Works of someone else").press("Enter")
            theirs = page.get_by_role("region", name=f"Works by Zoe Park (@zoe@{zoe.host})")
            expect(theirs.get_by_role("link", name="Text by Zoe Park")).to_be_visible()
            page.get_by_label("Source 2", exact=True).fill(note["id"])
            page.get_by_label("Weight of source 1 (%)").fill("60")
            page.get_by_label("Weight of source 2 (%)").fill("40")
            screenshot_both(page, shots, "remix-composer-picker")
            page.get_by_role("button", name="Publish").click()
            page.wait_for_url(re.compile(re.escape(server_url) + r"/contributions/\d+\?done=published"), timeout=60_000)
            remix_url = page.url.split("?", 1)[0]

            # The work page: sources with weights and link states, credits, badge, tree.
            expect(page.get_by_role("heading", name="Harbour sketch", level=1)).to_be_visible()
            expect(page.get_by_text("approved this remix")).to_have_count(0)  # her own work: nobody to ask
            sources = page.get_by_role("region", name="Built on")
            first, second = sources.get_by_role("listitem").nth(0), sources.get_by_role("listitem").nth(1)
            expect(first.get_by_role("link", name="Pencil sketch")).to_be_visible()
            expect(first).to_contain_text("Weight 60 %")
            expect(first).to_contain_text("Verified")
            expect(second.get_by_role("link", name="Text by Zoe Park")).to_be_visible()
            expect(second).to_contain_text("Weight 40 %")
            expect(second).to_contain_text("Attested")
            credits = page.get_by_role("region", name="Credits")
            expect(credits.get_by_role("row", name=re.compile(r"Alice Liddell .* 80 %"))).to_be_visible()
            expect(credits.get_by_role("row", name=re.compile(r"Zoe Park .* 20 %"))).to_be_visible()
            badge = page.get_by_role("link", name=re.compile("Chain recorded: 1 verified, 1 attested"))
            expect(badge).to_be_visible()
            tree = page.get_by_role("group", name="Remix tree of “Harbour sketch”: 2 works above it, 0 below")
            expect(tree.get_by_role("link", name=re.compile(r"“Text by Zoe Park” by Zoe Park .*on 127\.0\.0\.1"))).to_be_visible()
            screenshot_both(page, shots, "published-remix")

            # The report: the chain as signed, checked now.
            badge.click()
            expect(page.get_by_role("heading", name="Attribution chain of Harbour sketch", level=1)).to_be_visible()
            expect(page.get_by_role("status")).to_contain_text("The chain holds. Some links are attested")
            links = page.locator(".report-link")
            expect(links).to_have_count(3)
            expect(links.nth(0)).to_contain_text("Verified")
            expect(links.filter(has_text=works["sketch"]).get_by_role("link", name="Pencil sketch")).to_be_visible()
            expect(links.filter(has_text=works["sketch"])).to_contain_text("Verified")
            expect(links.filter(has_text=note["id"])).to_contain_text("Attested")
            screenshot_both(page, shots, "chain-report")

            page.goto(f"{remix_url}/family")
            expect(page.get_by_role("heading", name="Its sources (2)", level=2)).to_be_visible()
            screenshot_both(page, shots, "family")

            # A quote request waits for Alice: the notification leads to the page that answers it.
            page.goto(f"{server_url}/notifications")
            page.get_by_role("link", name="Approve or decline").click()
            page.wait_for_url(f"{server_url}/quote-requests")
            expect(page.get_by_role("button", name="Approve @bob@b.example quoting Green field")).to_be_visible()
            expect(page.get_by_role("button", name=re.compile("Withdraw approval"))).to_have_count(0)  # not her own remix
            screenshot_both(page, shots, "quote-requests")
        finally:
            browser.close()
    assert any(b'"type": "Create"' in body or b'"type":"Create"' in body for body in zoe.delivered)
