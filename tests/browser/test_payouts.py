"""A curator pays a work's contributors in headless Chromium against a real server process: on the
project page records an earning (an absurd amount first, refused with the cap said), reads the
proposal's lines, moves an amount with a reason (shown in the public log) and finalizes. Screenshots
at desktop (1280) and phone (390) widths go to `HIT_SCREENSHOT_DIR` when set (else the tmp dir).
Skipped when no `chromium` binary is installed.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.services.tokens import create_token
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Account
from tests.browser.test_remixes import WIDTHS, shots_dir
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, PASSWORD, server_url, sign_up_in_browser

__all__ = ["server_url"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
AS2 = "application/activity+json"


async def seed_project(database_url: str, base_url: str) -> dict[str, str]:
    """Bo, the project `mural` curated by Alice (window 0 days), and bearer tokens for both."""
    urls = InstanceUrls(scheme="http", domain=base_url.split("://", 1)[1])
    await open_database(database_url)
    try:
        bo = await create_account("bo", PASSWORD, urls)
        alice = await Account.get(username="alice")
        await create_project(ProjectDraft(slug="mural", title="City Mural", comment_days=0), [await alice.actor], urls)
        return {"alice": await create_token(alice, "test"), "bo": await create_token(bo, "test")}
    finally:
        await close_database()


def post_as(base_url: str, path: str, token: str, body: dict[str, Any]) -> str:
    response = httpx.post(f"{base_url}{path}", json={"@context": "https://www.w3.org/ns/activitystreams", **body},
                          headers={"Authorization": f"Bearer {token}", "Content-Type": AS2}, timeout=30)
    assert response.status_code == 201, response.text
    return response.headers["location"]


def screenshot_both(page: Any, shots: Path, name: str) -> None:
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width_name}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_a_curator_records_an_earning_adjusts_a_line_and_finalizes(server_url: str, database_url: str, tmp_path: Path) -> None:
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
            poem = post_as(server_url, "/users/bo/outbox", tokens["bo"],
                           {"type": "Note", "name": "Tide", "content": "A poem.", "to": ["https://www.w3.org/ns/activitystreams#Public"]})
            post_as(server_url, "/projects/mural/outbox", tokens["alice"], {"type": "Create", "object": {
                "type": "Note", "name": "Harbour mural", "content": "From Bo's poem.", "fhit:upstreamShare": 6000,
                "to": ["https://www.w3.org/ns/activitystreams#Public"], "fhit:sources": [{"object": poem}]}})

            page.goto(f"{server_url}/projects/mural")
            page.get_by_label("Amount in minor units (cents for EUR)").fill("1000000000001")
            page.get_by_role("button", name="Record and open a proposal").click()
            expect(page.get_by_text("amount must be at most 1,000,000,000,000 minor units")).to_be_visible()
            page.goto(f"{server_url}/projects/mural")
            screenshot_both(page, shots, "project-payments")
            page.get_by_label("Amount in minor units (cents for EUR)").fill("10000")
            page.get_by_label("Where it came from").fill("Festival fee")
            page.get_by_role("button", name="Record and open a proposal").click()
            expect(page.get_by_role("heading", name="Payment proposal for “Harbour mural”", level=1)).to_be_visible()
            # 100.00 EUR, half to the pool: Alice keeps the work's 40 % (20.00), Bo 60 % (30.00).
            expect(page.get_by_role("row", name="30.00 EUR")).to_contain_text("bo")
            expect(page.get_by_role("row", name="20.00 EUR")).to_contain_text("alice")

            page.get_by_label("From").select_option(label=page.get_by_label("From").locator("option", has_text="alice").inner_text())
            page.get_by_label("To", exact=True).select_option(label=page.get_by_label("To", exact=True).locator("option", has_text="bo").inner_text())
            page.get_by_label("Amount in minor units (cents for EUR)").fill("250")
            page.get_by_label("Reason (public)").fill("Bo read the poem aloud at the opening")
            page.get_by_role("button", name="Adjust").click()
            expect(page.get_by_text("Reason: Bo read the poem aloud at the opening")).to_be_visible()
            expect(page.get_by_role("row", name="32.50 EUR")).to_contain_text("bo")
            screenshot_both(page, shots, "payment-proposal")

            page.get_by_role("button", name="Finalize and send the statement").click()
            expect(page.get_by_text("Final", exact=True)).to_be_visible()
            screenshot_both(page, shots, "payment-final")
        finally:
            browser.close()
