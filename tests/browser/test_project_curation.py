"""A project curated in headless Chromium against a real server process: two creators submit
(an image and a poem, through their C2S outboxes), the curator posts a challenge from the form,
selects and declines in the queue, composes a work from the selected pieces, and the work's
credits page lists everyone with the hand-computed shares. Then the project page as a visitor sees
it on a phone: nothing wider than the screen, challenges open before closed, the consent sentence,
works (with their own picture) linked to their credits. Screenshots at 1280 and 390 of the project page, the queue and the
compose form go to `HIT_SCREENSHOT_DIR` when set (else the test's tmp dir)."""

from __future__ import annotations

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Account, Project, ProjectChallenge
from tests.browser.test_remixes import WIDTHS, shots_dir
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, PASSWORD, server_url, sign_up_in_browser

__all__ = ["server_url"]  # the fixture: a real `fediverse-hit serve` process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
AS2 = "application/activity+json"
DESCRIPTION = ("A mural for the old harbour wall, made from what people hear and see there.\n\n"
               "Send sounds, photos, drawings and words; we paint and print the best of them together.")


async def seed_project(database_url: str, base_url: str) -> dict[str, str]:
    """The project `harbour` curated by Alice (signed up in the browser); Ada and Bo, creators
    here. Returns bearer tokens by name."""
    urls = InstanceUrls(scheme="http", domain=base_url.split("://", 1)[1])
    await open_database(database_url)
    try:
        alice = await Account.get(username="alice")
        await create_project(
            ProjectDraft(slug="harbour", title="Harbour Mural", description=DESCRIPTION,
                         license="https://creativecommons.org/licenses/by-sa/4.0/"),
            [await alice.actor], urls,
        )
        tokens = {"alice": await create_token(alice, "browser test")}
        for name in ("ada", "bo"):
            tokens[name] = await create_token(await create_account(name, PASSWORD, urls), "browser test")
        return tokens
    finally:
        await close_database()


async def close_first_challenge(database_url: str) -> None:
    """The older challenge's deadline passes (the web refuses a deadline in the past)."""
    await open_database(database_url)
    try:
        first = await ProjectChallenge.all().order_by("id").first()
        assert first is not None
        await ProjectChallenge.filter(id=first.id).update(end_time=datetime.now(UTC) - timedelta(days=2))
    finally:
        await close_database()


async def set_cover(database_url: str, cover_url: str) -> None:
    await open_database(database_url)
    try:
        await Project.filter(slug="harbour").update(cover_url=cover_url)
    finally:
        await close_database()


def harbour_png(width: int, height: int, sky: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(24, 60, 96))
    for n in range(6):
        x = 40 + n * width // 6
        draw.rectangle((x, height // 2, x + width // 14, height * 2 // 3), fill=(200 - n * 20, 90, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(client: httpx.Client, token: str, png: bytes, description: str) -> dict[str, Any]:
    response = client.post("/api/media", headers={"Authorization": f"Bearer {token}"},
                           files={"file": ("harbour.png", png, "image/png")}, data={"description": description})
    assert response.status_code == 201, response.text
    media: dict[str, Any] = response.json()
    return media


def outbox(client: httpx.Client, path: str, token: str, body: dict[str, Any]) -> str:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": AS2}
    response = client.post(path, json={"@context": "https://www.w3.org/ns/activitystreams", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["location"]


def submit_pieces(base_url: str, tokens: dict[str, str]) -> str:
    """Ada and Bo submit by addressing their posts to the project, as from any server; Alice
    posts one challenge over C2S (it will be the closed one) and uploads the cover. Returns the
    cover's URL."""
    project = f"{base_url}/projects/harbour"
    public = "https://www.w3.org/ns/activitystreams#Public"
    with httpx.Client(base_url=base_url, timeout=15) as client:
        picture = upload(client, tokens["ada"], harbour_png(960, 640, (240, 190, 120)), "Cranes against an orange evening sky")
        cover = upload(client, tokens["alice"], harbour_png(1600, 500, (150, 190, 220)), "The harbour wall")
        outbox(client, "/users/ada/outbox", tokens["ada"], {"type": "Note", "name": "Cranes at dusk", "content": "The cranes at the container quay.",
               "to": [public], "cc": [project], "attachment": [{"id": picture["id"]}]})
        outbox(client, "/users/bo/outbox", tokens["bo"], {"type": "Note", "name": "Gull song", "content": "Gulls argue over the nets / the tide keeps time.",
               "to": [public], "cc": [project]})
        outbox(client, "/users/ada/outbox", tokens["ada"], {"type": "Note", "name": "Parking lot", "content": "Not really the harbour.",
               "to": [public], "cc": [project]})
        deadline = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        outbox(client, "/projects/harbour/outbox", tokens["alice"], {"type": "Create", "object": {
            "type": "Note", "name": "First call: faces of the quay", "content": "Portraits of people who work here.", "endTime": deadline}})
    return str(cover["url"])


def test_curator_selects_composes_and_the_credits_show_it(server_url: str, database_url: str, tmp_path: Path) -> None:
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
                tokens = seeder.submit(asyncio.run, seed_project(database_url, server_url)).result()
                cover_url = submit_pieces(server_url, tokens)
                seeder.submit(asyncio.run, close_first_challenge(database_url)).result()
                seeder.submit(asyncio.run, set_cover(database_url, cover_url)).result()

            # The curator posts a challenge from the form.
            page.goto(f"{server_url}/projects/harbour")
            page.get_by_role("link", name="Post a challenge").click()
            page.get_by_label("Title (optional)").fill("Sounds of the harbour")
            page.get_by_label("Brief").fill("Record the harbour: engines, gulls, ropes, voices.")
            page.get_by_label("Audio").check()
            page.get_by_label("Deadline (UTC)").fill((datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
            page.get_by_role("button", name="Post challenge").click()
            expect(page.get_by_role("status")).to_contain_text("Challenge posted")

            # The queue: select two pieces, decline the third with a note.
            page.get_by_role("link", name=re.compile(r"Submissions queue \(3 waiting\)")).click()
            expect(page.get_by_role("heading", name="Waiting for a decision (3)")).to_be_visible()
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"project-queue-{name}.png"), full_page=True)
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            page.get_by_role("button", name="Select “Cranes at dusk”").click()
            expect(page.get_by_role("status")).to_contain_text("Selected.")
            page.get_by_role("button", name="Select “Gull song”").click()
            page.get_by_text("Decline… “Parking lot”").click()
            page.get_by_label("Note to the creator (optional)").fill("Lovely, but not the harbour.")
            page.get_by_role("button", name="Decline “Parking lot”").click()
            expect(page.get_by_role("status")).to_contain_text("Declined.")
            expect(page.get_by_role("heading", name="Waiting for a decision (0)")).to_be_visible()
            expect(page.get_by_text("Note: Lovely, but not the harbour.")).to_be_visible()

            # Compose a work: both selected pieces ticked; weights 75 / equal; 60 % to the sources.
            page.goto(f"{server_url}/projects/harbour")
            page.get_by_role("link", name="Compose a work").click()
            expect(page.get_by_role("checkbox", name=re.compile("Cranes at dusk"))).to_be_checked()
            expect(page.get_by_role("checkbox", name=re.compile("Parking lot"))).to_have_count(0)
            page.get_by_label("Title").fill("Harbour mural")
            page.get_by_label("Text", exact=True).fill("Painted from your pieces.")
            page.get_by_label("Weight of “Cranes at dusk” (%)").fill("75")
            page.get_by_label("Share of the credit for the sources (%)").fill("60")
            mural_png = tmp_path / "mural.png"
            mural_png.write_bytes(harbour_png(1200, 700, (250, 210, 150)))
            page.get_by_label("Picture, recording or video").set_input_files(str(mural_png))
            page.get_by_label("Description for people who cannot see or hear it").fill("The finished mural on the harbour wall")
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"project-compose-{name}.png"), full_page=True)
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            page.get_by_role("button", name="Publish work").click()

            # The credits page: Alice (the curator) 40 %, Ada 75 % of 60 % = 45 %, Bo 15 %.
            page.wait_for_url(re.compile(re.escape(server_url) + r"/projects/harbour/credits/\d+$"))
            expect(page.get_by_role("heading", name="Credits of “Harbour mural”", level=1)).to_be_visible()
            rows = page.get_by_role("table").get_by_role("row")
            for who, share in (("alice", "40"), ("ada", "45"), ("bo", "15")):
                expect(rows.filter(has_text=f"@{who}@")).to_contain_text(re.compile(rf"(?<!\d){share}\s?%"))
            page.screenshot(path=str(shots / "project-credits-desktop.png"), full_page=True)

            page.goto(f"{server_url}/projects/harbour")
            page.get_by_role("link", name="Credits of “Harbour mural”").click()
            expect(page.get_by_role("heading", name="Credits of “Harbour mural”", level=1)).to_be_visible()
        finally:
            browser.close()

        check_visitor_layout(playwright, server_url, shots, expect)


def check_visitor_layout(playwright: Any, server_url: str, shots: Path, expect: Any) -> None:
    """The project page as a logged-out visitor sees it, wide and on a phone."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        for name, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{server_url}/projects/harbour")
            page.screenshot(path=str(shots / f"project-page-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"wider than the {name} screen"
            expect(page.get_by_role("img", name="Cover of Harbour Mural")).to_be_visible()
            expect(page.get_by_role("link", name="Log in to follow")).to_be_visible()
            expect(page.get_by_text("A submission is consent to be used in the project's works.")).to_be_visible()
            expect(page.get_by_role("link", name="Curator tools")).to_have_count(0)
            challenges = page.locator(".challenge h3")
            expect(challenges).to_have_text(["Sounds of the harbour", "First call: faces of the quay"])
            expect(page.locator(".challenge.closed")).to_contain_text("Closed on")
            selected = page.get_by_role("region", name="Selected pieces")
            expect(selected.get_by_role("img", name="Cranes against an orange evening sky")).to_be_visible()
            expect(page.get_by_role("link", name="Credits of “Harbour mural”")).to_be_visible()
            works = page.get_by_role("region", name="Works")
            expect(works.get_by_role("img", name="The finished mural on the harbour wall")).to_be_visible()
            follow = page.get_by_role("link", name="Log in to follow").bounding_box()
            assert follow is not None and follow["x"] + follow["width"] <= width
            page.close()
    finally:
        browser.close()
