"""Driving one in-process instance's HTML forms: CSRF tokens and logging in (the async
counterpart of tests/web_session.py, which drives real server processes)."""

from __future__ import annotations

import re

import httpx

PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the form on `path`."""
    match = CSRF.search((await client.get(path, headers=HTML)).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str) -> None:
    """Log `client` in as `username` (whose password is PASSWORD)."""
    token = await csrf_from(client, "/login")
    response = await client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert response.status_code == 303
