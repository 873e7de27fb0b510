"""Using a real instance's HTML forms as a person would: log in, then submit forms with the
CSRF token the page carries."""

from __future__ import annotations

import re

import httpx

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(page: httpx.Response) -> str:
    """The CSRF token of the first form on `page`."""
    match = _CSRF.search(page.text)
    assert match, f"no CSRF token on {page.url}"
    return match.group(1)


def logged_in(base_url: str, username: str, password: str) -> httpx.Client:
    """An httpx client holding a session cookie for `username` on the instance at `base_url`."""
    client = httpx.Client(base_url=base_url, timeout=15, headers={"Accept": "text/html"})
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 303, response.text
    return client


def submit(client: httpx.Client, page_path: str, action: str, fields: dict[str, str]) -> httpx.Response:
    """Load `page_path` for its CSRF token and POST `fields` to `action`."""
    token = csrf_from(client.get(page_path))
    return client.post(action, data={"csrf_token": token, **fields})
