"""Feeling at home in headless Chromium against a real server process: liking keeps your place,
the composer shows what you chose, an edit's history is readable, and the narrow header's menu
opens (with and without JavaScript).

Screenshots at 1280 and 390 pixels wide go to `tmp_path`, or to `$HIT_SCREENSHOT_DIR` when set
(to look at them). Skipped when no `chromium` binary is installed (Debian package).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, PASSWORD, server_url
from tests.web_session import csrf_from, logged_in, submit

__all__ = ["server_url"]  # the fixture: a real `fediverse-hit serve` process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
WIDTHS = {"desktop": 1280, "phone": 390}
COLOURS = [(30, 160, 90), (200, 120, 40), (60, 90, 200), (170, 50, 120), (90, 90, 90), (220, 190, 40)]


def picture(colour: tuple[int, int, int], size: tuple[int, int] = (640, 420)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def sign_up(base_url: str, username: str) -> httpx.Client:
    """A new account, logged in on an httpx client of its own."""
    with httpx.Client(base_url=base_url, timeout=15) as anonymous:
        token = csrf_from(anonymous.get("/signup"))
        response = anonymous.post("/signup", data={"csrf_token": token, "username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
    return logged_in(base_url, username, PASSWORD)


def publish(client: httpx.Client, title: str, text: str, colour: tuple[int, int, int] | None = None) -> str:
    """Publish through the composer form; returns the work's address."""
    token = csrf_from(client.get("/contributions/new"))
    fields = {"csrf_token": token, "title": title, "source": text, "visibility": "public", "alt_1": f"A {title.lower()}"}
    files = {"file_1": ("picture.png", picture(colour), "image/png")} if colour else {"file_1": ("", b"", "application/octet-stream")}
    response = client.post("/contributions/new", data=fields, files=files)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("?", 1)[0]


@pytest.fixture
def neighbourhood(server_url: str) -> Iterator[dict[str, Any]]:
    """Bob with eight works (some pictures), and Alice, who follows him; both logged in over httpx."""
    bob = sign_up(server_url, "bob")
    works = [publish(bob, f"Study {n}", f"Sketch number {n}, in #ink.", COLOURS[n % len(COLOURS)] if n % 2 else None)
             for n in range(1, 9)]
    alice = sign_up(server_url, "alice")
    followed = submit(alice, "/search", "/relationships/follow", {"actor_uri": f"{server_url}/users/bob"})
    assert followed.status_code == 303
    yield {"bob": bob, "alice": alice, "works": works}
    bob.close()
    alice.close()


def shots_dir(tmp_path: Path) -> Path:
    chosen = Path(os.environ.get("HIT_SCREENSHOT_DIR", tmp_path))
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def log_in(page: Any, server_url: str, username: str) -> None:
    page.goto(f"{server_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(server_url) + "/@" + username))


SETTLED_SCROLL_Y = """() => new Promise(resolve => {
    let last = -1, unchanged = 0;
    const look = () => {
        const y = window.scrollY;
        unchanged = y === last ? unchanged + 1 : 0;
        last = y;
        if (unchanged >= 10) resolve(y); else requestAnimationFrame(look);
    };
    look();
})"""


def test_liking_keeps_the_scroll_position(server_url: str, neighbourhood: dict[str, Any], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)
            log_in(page, server_url, "alice")
            page.goto(f"{server_url}/home")
            card = page.get_by_role("article", name="Study 3")
            card.scroll_into_view_if_needed()
            start = page.evaluate(SETTLED_SCROLL_Y)
            page.mouse.wheel(0, 120)
            page.wait_for_function("start => window.scrollY > Math.max(600, start)", arg=start)
            page.evaluate("window.stillThisPage = true")  # gone if the browser loads another page
            before = page.evaluate(SETTLED_SCROLL_Y)  # a wheel scroll may still be gliding (CI saw 120 px)

            card.get_by_role("button", name="Like “Study 3”").click()
            expect(card.get_by_role("button", name="Unlike “Study 3”")).to_be_focused()
            expect(card.get_by_text("1 like", exact=True)).to_be_visible()
            assert page.evaluate("window.stillThisPage") is True
            assert abs(page.evaluate("window.scrollY") - before) <= 1
            card.get_by_role("button", name="Boost “Study 3”").click()
            expect(card.get_by_role("button", name="Undo boost “Study 3”")).to_be_visible()
            assert abs(page.evaluate("window.scrollY") - before) <= 1
            page.screenshot(path=str(shots_dir(tmp_path) / "home-1280.png"))

            page.reload()  # the server has it
            expect(page.get_by_role("article", name="Study 3").get_by_text("1 like", exact=True)).to_be_visible()

            # Without JavaScript the form posts, and the browser comes back to the same card.
            still = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
            plain = still.new_page()
            plain.set_default_timeout(15_000)
            log_in(plain, server_url, "alice")
            plain.goto(f"{server_url}/home")
            plain.get_by_role("article", name="Study 2").get_by_role("button", name="Like “Study 2”").click()
            plain.wait_for_url(re.compile(r"/home#c-\d+$"))
            liked = plain.get_by_role("article", name="Study 2")
            expect(liked.get_by_role("button", name="Unlike “Study 2”")).to_be_in_viewport()
            still.close()
        finally:
            browser.close()


def test_composer_previews_files_counts_characters_and_explains_licences(
    server_url: str, neighbourhood: dict[str, Any], tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            policy_errors: list[str] = []
            page.on("console", lambda message: policy_errors.append(message.text)
                    if "Content Security Policy" in message.text else None)
            log_in(page, server_url, "alice")
            page.get_by_role("link", name="New contribution").click()
            expect(page.get_by_role("heading", name="New contribution", level=1)).to_be_visible()
            expect(page.get_by_label("Licence", exact=True)).to_be_hidden()  # folded under "More options"

            page.get_by_label("Title", exact=True).fill("Orange")
            page.get_by_label("Text", exact=True).fill("Ripe.")
            expect(page.get_by_text("5 of 20000 characters")).to_be_visible()

            page.get_by_label("File 1", exact=True).set_input_files(
                files=[{"name": "orange.png", "mimeType": "image/png", "buffer": picture((230, 130, 20), (300, 200))}]
            )
            preview = page.get_by_role("img", name="Preview of orange.png")
            expect(preview).to_be_visible()
            page.wait_for_function("image => image.complete && image.naturalWidth === 300", arg=preview.element_handle())
            expect(page.get_by_text(re.compile(r"Chosen: orange\.png \(image, \d+ kB\)"))).to_be_visible()

            # A file dropped on the Files box goes into the next empty slot (here: file 2, unfolded).
            page.evaluate("""() => {
                const transfer = new DataTransfer();
                transfer.items.add(new File(["RIFF"], "song.wav", {type: "audio/wav"}));
                const zone = document.querySelector("[data-drop-zone]");
                zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            }""")
            expect(page.get_by_text("Chosen: song.wav (audio, 1 kB)")).to_be_visible()
            assert page.get_by_label("File 2", exact=True).evaluate("input => input.files[0].name") == "song.wav"

            page.get_by_text("More options").click()
            page.get_by_text("What the licences mean").click()
            expect(page.get_by_text("It may be shared as it is, but not changed")).to_be_visible()
            expect(page.get_by_label("Title", exact=True)).to_have_value("Orange")  # the draft is still there
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots_dir(tmp_path) / f"composer-{width}.png"), full_page=True)
            assert policy_errors == []
        finally:
            browser.close()


def test_pinning_in_place_then_the_edit_history_shows_what_changed(server_url: str, neighbourhood: dict[str, Any], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    work = publish(neighbourhood["alice"], "Harbour", "Boats at dawn.\nGulls overhead.", (40, 110, 170))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            log_in(page, server_url, "alice")
            page.goto(work)
            expect(page.get_by_text("(edited")).to_have_count(0)
            page.evaluate("window.stillThisPage = true")  # pinning, too, happens in place
            page.get_by_role("button", name="Pin to your profile").click()
            expect(page.get_by_role("button", name="Unpin from your profile")).to_be_focused()
            assert page.evaluate("window.stillThisPage") is True
            page.get_by_role("link", name="Edit", exact=True).click()
            page.get_by_label("Text", exact=True).fill("Boats at dawn.\nFog over the water.")
            page.get_by_role("button", name="Save changes").click()
            expect(page.get_by_role("status")).to_contain_text("Your changes were saved.")
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots_dir(tmp_path) / f"work-{width}.png"), full_page=True)

            edited = page.get_by_role("article", name="Harbour").get_by_role("link", name=re.compile(r"^\(edited .*see the history"))
            expect(edited.locator("time")).to_have_text("now")
            edited.click()
            expect(page.get_by_role("heading", name="Edit history of “Harbour”", level=1)).to_be_visible()
            expect(page.get_by_role("heading", name=re.compile("^Current version"), level=2)).to_be_visible()
            expect(page.get_by_role("heading", name=re.compile("^First published"), level=2)).to_be_visible()
            diff = page.get_by_role("group", name="Changes to the text")
            expect(diff.locator("del")).to_have_text("Removed: Gulls overhead.")
            expect(diff.locator("ins")).to_have_text("Added: Fog over the water.")
            time = page.locator("h2 time").first
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", time.get_attribute("title") or "")
            for name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots_dir(tmp_path) / f"history-{width}.png"), full_page=True)
        finally:
            browser.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_narrow_header_menu_opens(server_url: str, neighbourhood: dict[str, Any], tmp_path: Path, javascript: bool) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
            page = context.new_page()
            page.set_default_timeout(15_000)
            log_in(page, server_url, "alice")
            page.goto(f"{server_url}/home")
            main = page.get_by_role("navigation", name="Main")
            for label in ("Home", "Explore", "Search", "New contribution", "Notifications"):
                expect(main.get_by_role("link", name=label)).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
            settings = page.get_by_role("link", name="Settings", exact=True)
            expect(settings).to_be_hidden()
            if javascript:
                page.screenshot(path=str(shots_dir(tmp_path) / "home-390.png"), full_page=False)
            page.get_by_text("Menu", exact=True).click()
            expect(settings).to_be_visible()
            if javascript:
                page.screenshot(path=str(shots_dir(tmp_path) / "menu-390.png"))
                page.keyboard.press("Escape")
                expect(settings).to_be_hidden()
                page.get_by_text("Menu", exact=True).click()
            settings.click()
            page.wait_for_url(f"{server_url}/settings")
            context.close()
        finally:
            browser.close()
