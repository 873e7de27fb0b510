"""axe-core (the accessibility engine, from npm: tests/browser/axe) finds no violation on the main
pages, in headless Chromium against a real server holding real data: the front page grid, a
profile, a work with an image, the composer, notifications, the About page, the settings pages and
the admin's users page; in the light and the dark colour scheme, at desktop and phone widths.

Skipped when no `chromium` binary is installed; needs `node`/`npm` for the first install.
"""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.store.database import close_database, open_database
from tests.browser.test_smoke import CHROMIUM, CHROMIUM_ARGS, PASSWORD, running_server
from tests.node_packages import install_node_packages
from tests.web_session import logged_in, submit

AXE_DIR = Path(__file__).resolve().parent / "axe"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]
WIDTHS = {"desktop": 1280, "phone": 390}


def picture_png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 320), colour).save(buffer, "PNG")
    return buffer.getvalue()


async def _create_people(database_url: str, base_url: str) -> None:
    urls = InstanceUrls(scheme="http", domain=base_url.split("://", 1)[1])
    await open_database(database_url)
    try:
        await create_account("boss", PASSWORD, urls, is_admin=True)
        for name in ("alice", "bob", "carol", "dan", "eve"):
            await create_account(name, PASSWORD, urls)
    finally:
        await close_database()


def _publish(client: httpx.Client, fields: dict[str, str], picture: bytes | None = None) -> str:
    token = client.get("/contributions/new").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    files = {"file_1": ("picture.png", picture, "image/png")} if picture else {"file_1": ("", b"", "application/octet-stream")}
    response = client.post("/contributions/new", data={"csrf_token": token, "visibility": "public", **fields}, files=files)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _done(response: httpx.Response) -> None:
    assert response.status_code == 303, f"{response.request.url}: {response.status_code} {response.text[:500]}"


def seed_site(database_url: str, base_url: str) -> dict[str, str]:
    """People, works and reactions, so every page shows what it shows in use. Returns page paths."""
    asyncio.run(_create_people(database_url, base_url))
    alice, bob, carol, eve, boss = (logged_in(base_url, name, PASSWORD) for name in ("alice", "bob", "carol", "eve", "boss"))
    try:
        _done(submit(alice, "/settings", "/settings", {"display_name": "Alice Liddell", "bio": "I draw rabbits and clocks."}))
        work = _publish(alice, {"title": "Green field", "alt_1": "A green field under a pale sky", "source": "Painted at dawn."},
                        picture_png((30, 160, 90)))
        _publish(bob, {"title": "Harbour", "alt_1": "Blue water"}, picture_png((20, 60, 160)))
        _publish(alice, {"title": "Tide poem", "source": "The tide comes in, the tide goes out, and the gulls keep count."})
        _publish(carol, {"title": "", "source": "A note without a title, about *clocks*."})
        work = work.split("?", 1)[0]
        path = work.split("://", 1)[1].split("/", 1)[1]
        for client in (bob, carol, eve):
            _done(submit(client, f"/{path}", f"/{path}/like", {"back": f"/{path}"}))
            _done(submit(client, "/search", "/relationships/follow", {"actor_uri": f"{base_url}/users/alice"}))
        _done(submit(bob, "/", "/contributions/new", {"source": "@alice lovely colours!", "in_reply_to": work, "visibility": "public"}))
        _done(submit(alice, "/settings", "/relationships/block", {"actor_uri": f"{base_url}/users/dan"}))
        _done(submit(alice, "/settings", "/relationships/mute", {"actor_uri": f"{base_url}/users/dan"}))
        _done(submit(boss, "/admin/instance", "/admin/instance", {
            "name": "Tidepool Studio", "description": "A server for people who make things.",
            "rules": "Be kind\nCredit your sources", "contact_email": "admin@tidepool.example"}))
        _done(submit(boss, "/admin/users", "/admin/users/dan/suspend", {}))
    finally:
        for client in (alice, bob, carol, eve, boss):
            client.close()
    return {"work": f"/{path}"}


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_server(database_url, tmp_path) as base_url:
        yield base_url, seed_site(database_url, base_url)


def main_pages(work: str) -> list[tuple[str, str | None]]:
    """(path, who is logged in) for every page the test looks at."""
    return [
        ("/", None), ("/about", None), ("/@alice", None), (work, None),
        ("/", "alice"), (work, "alice"), ("/contributions/new", "alice"), ("/notifications", "alice"),
        ("/notifications?filter=mentions", "alice"), ("/settings", "alice"), ("/settings/password", "alice"),
        ("/settings/blocks", "alice"), ("/admin/users", "boss"), ("/admin/instance", "boss"),
    ]  # fmt: skip


def log_in(page: Any, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/@{name}")


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (every rule axe runs by default)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return result


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps([{"id": v["id"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"][:3]]}
                       for v in violations], indent=1)  # fmt: skip


def test_main_pages_have_no_axe_violations(site: tuple[str, dict[str, str]]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: axe-core (tests/browser/axe) cannot be installed")
    install_node_packages(AXE_DIR)
    axe_source = (AXE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text()
    base_url, paths = site
    found: dict[str, str] = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for scheme in ("light", "dark"):
                contexts: dict[str | None, Any] = {}
                for path, who in main_pages(paths["work"]):
                    if who not in contexts:
                        # bypass_csp: axe is injected as an inline script, which our pages' CSP refuses.
                        contexts[who] = browser.new_context(bypass_csp=True, color_scheme=scheme)
                        contexts[who].new_page().set_default_timeout(15_000)
                        if who:
                            log_in(contexts[who].pages[0], base_url, who)
                    page = contexts[who].pages[0]
                    page.goto(f"{base_url}{path}")
                    for width_name, width in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": 900})
                        violations = axe_violations(page, axe_source)
                        if violations:
                            found[f"{path} as {who or 'visitor'}, {scheme}, {width_name}"] = describe(violations)
                for context in contexts.values():
                    context.close()
        finally:
            browser.close()
    assert not found, "\n".join(f"{where}:\n{what}" for where, what in found.items())
