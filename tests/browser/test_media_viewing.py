"""Looking at a work's image in headless Chromium: the lightbox opens in a dialog with the
description and closes with Escape; without JavaScript the same click opens the image file itself;
the ALT badge shows the description without any script. Then, on the notifications page, grouped
likes and following back with one click."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import log_in, seed_site
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, running_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
ALT = "A green field under a pale sky"


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_server(database_url, tmp_path) as base_url:
        yield base_url, seed_site(database_url, base_url)


def _page(browser: Any, *, scripts: bool = True) -> Any:
    page = browser.new_context(java_script_enabled=scripts).new_page()
    page.set_default_timeout(15_000)
    return page


def test_lightbox_alt_badge_and_follow_back(site: tuple[str, dict[str, str]]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    base_url, paths = site
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = _page(browser)
            page.goto(base_url + paths["work"])
            page.get_by_role("link", name=f"{ALT} (full size)").click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            expect(dialog.get_by_role("img", name=ALT)).to_be_visible()
            expect(dialog.get_by_text(ALT)).to_be_visible()
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
            assert page.url == base_url + paths["work"]  # the visitor never left the page

            static = _page(browser, scripts=False)
            static.goto(base_url + paths["work"])
            badge_text = static.locator(".alt-badge p")
            expect(badge_text).to_be_hidden()
            static.locator(".alt-badge > summary").click()
            expect(badge_text).to_have_text(ALT)
            static.get_by_role("link", name=f"{ALT} (full size)").click()
            static.wait_for_url("**/media/*.png")

            alice = _page(browser)
            log_in(alice, base_url, "alice")
            alice.goto(f"{base_url}/notifications")
            expect(alice.get_by_text("and 2 others liked your contribution")).to_be_visible()
            alice.get_by_text("Show all 3").first.click()
            alice.get_by_role("button", name="Follow back bob").click()
            alice.wait_for_url(f"{base_url}/notifications")
            alice.get_by_text("Show all 3").first.click()
            expect(alice.get_by_role("button", name="Follow back bob")).to_have_count(0)
            expect(alice.get_by_role("button", name="Follow back carol")).to_be_visible()
        finally:
            browser.close()
