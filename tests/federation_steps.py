"""Steps federation tests take against real instances: wait (bounded), make a user with a
token, post to an outbox (C2S), read a collection's first page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.instances import Instance
from tests.peer import AS2

PASSWORD = "correct horse battery"
WAIT = 30.0


def eventually(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll `check` (bounded) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {what}")


def make_user(instance: Instance, name: str, *extra: str) -> tuple[str, str]:
    """Create `name` on `instance`; returns (actor IRI, bearer token)."""
    instance.cli("user", "create", name, "--password", PASSWORD, *extra)
    token = instance.cli("token", "create", name).stdout.strip().splitlines()[-1]
    return instance.url(f"/users/{name}"), token


def c2s(instance: Instance, name: str, token: str, activity: dict[str, object]) -> httpx.Response:
    """POST `activity` (or a bare object) to `name`'s outbox with a bearer token."""
    return httpx.post(
        instance.url(f"/users/{name}/outbox"),
        json={"@context": "https://www.w3.org/ns/activitystreams", **activity},
        headers={"Authorization": f"Bearer {token}", "Content-Type": AS2},
        timeout=15,
    )


def members(instance: Instance, name: str, collection: str) -> list[str]:
    """The first page of a user's collection."""
    url = instance.url(f"/users/{name}/{collection}?page=1")
    return list(httpx.get(url, headers={"Accept": AS2}, timeout=10).json()["orderedItems"])


def fetch_as2(url: str) -> tuple[int, dict[str, Any]]:
    """GET an ActivityStreams document; (status, JSON or {})."""
    response = httpx.get(url, headers={"Accept": AS2}, timeout=10)
    is_json = response.headers.get("content-type", "").startswith("application/")
    return response.status_code, response.json() if is_json and response.content else {}
