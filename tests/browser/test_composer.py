"""Publishing an image in headless Chromium against a real server process.

Sign up, open the composer from the navigation, attach a real PNG with its alt text, publish
(upload.js sends the form with progress), then see the image, described, on the work page.
Skipped when no `chromium` binary is installed (Debian package).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, server_url, sign_up_in_browser

__all__ = ["server_url"]  # the fixture: a real `fediverse-hit serve` process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
ALT = "A green rectangle, wider than tall"


def picture_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 320), (30, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_publish_an_image_and_see_it_with_its_alt_text(server_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        # The page standing in for another site is served by Playwright, not from a loopback
        # address, so Chromium's local-network checks would refuse its frames before any header.
        args = [*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            policy_errors: list[str] = []
            page.on("console", lambda message: policy_errors.append(message.text)
                    if "Content Security Policy" in message.text else None)
            posts: list[str] = []  # how the composer was sent: "xhr" when upload.js showed progress
            page.on("request", lambda request: posts.append(request.resource_type)
                    if request.method == "POST" and request.url.endswith("/contributions/new") else None)

            sign_up_in_browser(page, server_url, "alice")

            page.get_by_role("link", name="New contribution", exact=True).click()
            expect(page.get_by_role("heading", name="New contribution", level=1)).to_be_visible()
            page.get_by_label("Title", exact=True).fill("Green field")
            page.get_by_label("Text", exact=True).fill("Grass, seen from **very** close.")
            page.get_by_label("File 1", exact=True).set_input_files(
                files=[{"name": "field.png", "mimeType": "image/png", "buffer": picture_png()}]
            )
            page.get_by_label("Description of file 1 (alt text)").fill(ALT)
            page.screenshot(path=str(tmp_path / "composer.png"), full_page=True)
            page.get_by_role("button", name="Publish").click()
            page.wait_for_url(re.compile(re.escape(server_url) + r"/contributions/\d+\?done=published"))

            expect(page.get_by_role("status")).to_contain_text("Your contribution was published.")
            expect(page.get_by_role("heading", name="Green field", level=1)).to_be_visible()
            expect(page.locator("strong", has_text="very")).to_be_visible()
            image = page.get_by_role("img", name=ALT)
            expect(image).to_be_visible()
            image.scroll_into_view_if_needed()
            page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
            expect(page.get_by_role("link", name="CC BY-SA 4.0")).to_be_visible()
            page.screenshot(path=str(tmp_path / "contribution.png"), full_page=True)
            work_url = page.url.split("?", 1)[0]
            assert policy_errors == []  # upload.js could send the form (connect-src 'self')

            # Another site frames the player page, as twitter:player cards do; the work page refuses.
            other_site = server_url.replace("127.0.0.1", "localhost") + "/another-site"
            page.route(other_site, lambda route: route.fulfill(
                content_type="text/html",
                body=f'<iframe title="player" src="{work_url}/embed"></iframe><iframe title="page" src="{work_url}"></iframe>',
            ))
            page.goto(other_site)
            player = page.frame_locator('iframe[title="player"]')
            expect(player.get_by_role("img", name=ALT)).to_be_attached()
            expect(player.get_by_role("link", name="Green field")).to_be_visible()
            blocked = page.frame_locator('iframe[title="page"]')
            expect(blocked.get_by_role("heading", name="Green field")).to_have_count(0)
            assert len(policy_errors) == 1 and "frame-ancestors 'none'" in policy_errors[0]
            page.goto(work_url)

            page.get_by_role("link", name="Explore", exact=True).click()
            expect(page.get_by_role("link", name="Green field", exact=True)).to_be_visible()
            expect(page.get_by_role("img", name=ALT)).to_be_visible()
            assert posts == ["xhr"]
            page.screenshot(path=str(tmp_path / "explore.png"), full_page=True)
        finally:
            browser.close()
    assert all((tmp_path / name).stat().st_size > 0 for name in ("composer.png", "contribution.png", "explore.png"))
