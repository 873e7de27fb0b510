"""A person's first visit in headless Chromium against a real server process.

Sign up, log out, log in, fill in the profile (with an avatar and its alt text), then check that
the public profile shows it all. Skipped when no `chromium` binary is installed (Debian package).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
START_TIMEOUT = 30.0


def sign_up_in_browser(page: Any, server_url: str, username: str) -> None:
    """Sign `username` up through the form, as a person would; the page lands on /settings."""
    page.goto(f"{server_url}/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{server_url}/settings")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_health(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /healthz until it answers 200; fail with the server log if it dies or stays silent."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server did not answer /healthz within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture
def server_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A real `fediverse-hit serve` process on a free loopback port, stopped by PID afterwards."""
    with running_server(database_url, tmp_path) as base_url:
        yield base_url


@contextmanager
def running_server(database_url: str, tmp_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`fediverse-hit serve` as in `server_url`, with `extra_env` added to its environment."""
    port = free_port()
    env = {
        **os.environ,
        "HIT_DOMAIN": f"127.0.0.1:{port}",
        "HIT_SCHEME": "http",
        "HIT_DATA_DIR": str(tmp_path / "data"),
        "HIT_DATABASE_URL": database_url,
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "fediverse_hit"]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True, timeout=120)
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def avatar_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_sign_up_log_in_edit_profile_and_see_it(server_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)

            sign_up_in_browser(page, server_url, "alice")

            page.get_by_text("Menu", exact=True).click()
            page.get_by_role("button", name="Log out").click()
            page.wait_for_url(f"{server_url}/")
            expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()

            page.get_by_role("link", name="Log in", exact=True).click()
            page.get_by_label("Username").fill("alice")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{server_url}/@alice")

            page.get_by_text("Menu", exact=True).click()  # the header's <details> menu
            page.get_by_role("link", name="Settings", exact=True).click()
            page.get_by_label("Display name").fill("Alice Liddell")
            page.get_by_label("Bio").fill("I draw rabbits and clocks.")
            page.get_by_label("Field 1 label").fill("Pronouns")
            page.get_by_label("Field 1 content").fill("she/her")
            page.get_by_label("Upload an avatar").set_input_files(
                files=[{"name": "me.png", "mimeType": "image/png", "buffer": avatar_png()}]
            )
            page.get_by_label("Avatar description (alt text)").fill("A blue square, my placeholder")
            page.get_by_role("button", name="Save profile").click()
            expect(page.get_by_role("status")).to_contain_text("Your profile was saved.")

            page.goto(f"{server_url}/@alice")
            expect(page.get_by_role("heading", name="Alice Liddell", level=1)).to_be_visible()
            expect(page.get_by_text("I draw rabbits and clocks.")).to_be_visible()
            expect(page.get_by_text("Pronouns")).to_be_visible()
            expect(page.get_by_text("she/her")).to_be_visible()
            avatar = page.get_by_role("img", name="A blue square, my placeholder")
            expect(avatar).to_be_visible()
            assert avatar.evaluate("image => image.complete && image.naturalWidth") == 320
            page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "profile.png").stat().st_size > 0
