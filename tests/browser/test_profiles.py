"""Profiles in headless Chromium, against two real instances (A and B, own databases, real
signed HTTP): a person on A opens bob's profile on B as a page of A, sees his earlier works and
follows him with one click; a local profile with its counts, follow button and, for visitors,
"Follow from your server". Screenshots at 1280 and 390 pixels wide go to HIT_SCREENSHOT_DIR.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.test_remixes import screenshot_both, shots_dir
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS
from tests.federation_steps import PASSWORD, c2s, eventually, make_user, members
from tests.instances import Instance, InstanceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def png_file(name: str, size: tuple[int, int], colour: tuple[int, int, int]) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def log_in(page: Any, instance: Instance, username: str) -> None:
    page.goto(instance.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(instance.url(f"/@{username}"))


def test_follow_someone_elsewhere_from_their_profile_page_here(instances: InstanceFactory, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    a, b = instances.start(2)
    ada, _ = make_user(a, "ada")
    _, bob_token = make_user(b, "bob")
    for title, text in (("Harbour sketches", "Drawn at dawn #harbour"), ("Night ferry", "Lights on the water.")):
        note = {"type": "Note", "name": title, "content": text, "to": [PUBLIC]}
        assert c2s(b, "bob", bob_token, note).status_code == 201
    shots = shots_dir(tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            log_in(page, a, "ada")
            page.goto(a.url(f"/@bob@{b.domain}"))
            expect(page.get_by_role("heading", name="bob", level=1)).to_be_visible()
            expect(page.get_by_role("link", name="Harbour sketches", exact=True)).to_be_visible()
            expect(page.get_by_role("link", name="Night ferry", exact=True)).to_be_visible()
            expect(page.get_by_role("link", name="Open on their server", exact=True)).to_have_attribute("href", b.url("/@bob"))
            screenshot_both(page, shots, "remote-profile")

            page.get_by_role("button", name=f"Follow @bob@{b.domain}").click()
            page.wait_for_url(a.url(f"/@bob@{b.domain}"))
            eventually(lambda: members(b, "bob", "followers") == [ada], "bob's followers on B list ada")
            unfollow = page.get_by_role("button", name=f"Unfollow @bob@{b.domain}")

            def accepted() -> bool:  # B's Accept reaches A a moment after B lists ada
                page.reload()
                return bool(unfollow.count() == 1)

            eventually(accepted, "A records bob's Accept: the button says Unfollow")

            page.get_by_role("link", name="Harbour sketches", exact=True).click()
            expect(page.get_by_role("heading", name="Harbour sketches", level=1)).to_be_visible()
            assert page.url.startswith(a.url("/remote-contributions/"))
            screenshot_both(page, shots, "remote-work")
        finally:
            browser.close()


def test_follow_a_local_creator_from_their_profile(instances: InstanceFactory, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    (a,) = instances.start(1)
    make_user(a, "ada")
    make_user(a, "carol")
    shots = shots_dir(tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            owner = browser.new_page(viewport={"width": 1280, "height": 900})
            owner.set_default_timeout(20_000)
            log_in(owner, a, "ada")
            owner.goto(a.url("/settings"))
            owner.get_by_label("Display name").fill("Ada Lovelace")
            owner.get_by_label("Bio").fill("Notes on engines, looms and the music they could make.")
            owner.get_by_label("Upload an avatar").set_input_files(files=[png_file("me.png", (320, 320), (30, 90, 160))])
            owner.get_by_label("Upload a header image").set_input_files(files=[png_file("wide.png", (1500, 500), (200, 150, 60))])
            owner.get_by_label("Header description (alt text)").fill("A golden field at dusk")
            owner.get_by_role("button", name="Save profile").click()
            expect(owner.get_by_role("status")).to_contain_text("Your profile was saved.")

            visitor = browser.new_page(viewport={"width": 1280, "height": 900})
            visitor.set_default_timeout(20_000)
            visitor.goto(a.url("/@ada"))
            expect(visitor.get_by_role("img", name="A golden field at dusk")).to_be_visible()
            visitor.get_by_text("Follow from your server").click()
            expect(visitor.get_by_label("Your handle")).to_be_visible()
            screenshot_both(visitor, shots, "local-profile-visitor")

            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            log_in(page, a, "carol")
            page.goto(a.url("/@ada"))
            counts = page.get_by_role("list", name="Counts")
            expect(counts).to_contain_text("0 followers")
            page.get_by_role("button", name=f"Follow @ada@{a.domain}").click()
            expect(page.get_by_role("button", name=f"Unfollow @ada@{a.domain}")).to_be_visible()
            expect(counts).to_contain_text("1 follower")
            page.get_by_role("link", name="1 follower").click()
            expect(page.get_by_role("heading", name="Followers of Ada Lovelace")).to_be_visible()
            expect(page.get_by_role("link", name=f"carol @carol@{a.domain}")).to_be_visible()

            page.goto(a.url("/@carol"))
            expect(page.get_by_role("link", name="Edit profile")).to_be_visible()
            screenshot_both(page, shots, "local-profile-own")
        finally:
            browser.close()
