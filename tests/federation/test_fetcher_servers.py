"""Fake remote servers for the fetcher tests: real HTTP on loopback ports (uvicorn running in the
test's event loop), answering whatever each test sets up, and recording what they received.
No tests here; the fetcher test modules import the fixtures.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from fediverse_hit.federation.fetcher import Fetcher, instance_signer
from fediverse_hit.federation.http_client import create_http_client
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.keys import KeyPairPem
from fediverse_hit.protocol.media_types import ACTIVITY_JSON
from fediverse_hit.protocol.vocab import AS_CONTEXT, SECURITY_V1
from fediverse_hit.services.instance import ensure_instance_actor
from fediverse_hit.settings import Settings, load_settings
from fediverse_hit.store.database import close_database, open_database

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class SeenRequest:
    """One request a fake server received, headers exactly as sent."""

    method: str
    url: str
    path: str
    headers: list[tuple[str, str]]


class FakeRemote:
    """A tiny HTTP server on a loopback address; tests map paths to answers with `on`/`serve_json`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.handlers: dict[str, Handler] = {}
        self.requests: list[SeenRequest] = []
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.authority}{path}"

    def on(self, path: str, handler: Handler) -> None:
        self.handlers[path] = handler

    def serve_json(
        self, path: str, document: object, *, content_type: str = ACTIVITY_JSON, status: int = 200
    ) -> None:
        async def answer(request: Request) -> Response:
            return JSONResponse(document, status_code=status, media_type=content_type)

        self.on(path, answer)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        async def answer(request: Request) -> Response:
            return RedirectResponse(location, status_code=status)

        self.on(path, answer)

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        self.requests.append(SeenRequest(request.method, str(request.url), request.url.path, headers))
        handler = self.handlers.get(request.url.path)
        response = await handler(request) if handler else Response("not here", status_code=404)
        await response(scope, receive, send)

    async def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        self.port = listener.getsockname()[1]
        config = uvicorn.Config(
            self, log_config=None, access_log=False, lifespan="off", ws="none", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[listener]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task


def actor_document(remote: FakeRemote, name: str, keys: dict[str, KeyPairPem]) -> dict[str, Any]:
    """A Mastodon-shaped actor served by `remote`, with RSA keys {fragment or path: key pair}."""
    actor_id = remote.url(f"/users/{name}")
    public_keys = [
        {
            "id": f"{actor_id}#{ref}" if not ref.startswith("/") else remote.url(ref),
            "owner": actor_id,
            "publicKeyPem": pair.public_pem,
        }
        for ref, pair in keys.items()
    ]
    return {
        "@context": [AS_CONTEXT, SECURITY_V1],
        "id": actor_id,
        "type": "Person",
        "preferredUsername": name,
        "name": name.title(),
        "summary": "<p>Hello <b>there</b></p>",
        "url": remote.url(f"/@{name}"),
        "inbox": f"{actor_id}/inbox",
        "outbox": f"{actor_id}/outbox",
        "followers": f"{actor_id}/followers",
        "following": f"{actor_id}/following",
        "endpoints": {"sharedInbox": remote.url("/inbox")},
        "manuallyApprovesFollowers": True,
        "icon": {"type": "Image", "mediaType": "image/png", "url": remote.url(f"/{name}.png"), "name": "a face"},
        "publicKey": public_keys[0] if len(public_keys) == 1 else public_keys,
    }


@pytest.fixture
async def remote() -> AsyncIterator[FakeRemote]:
    """A fake remote server on 127.0.0.1."""
    server = FakeRemote()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def other_remote() -> AsyncIterator[FakeRemote]:
    """A second fake server, on 127.0.0.2 (Linux routes all of 127/8 to loopback)."""
    server = FakeRemote("127.0.0.2")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def fed_settings(database_url: str, tmp_path: Path) -> Settings:
    """Our instance at http://hit.test, allowed to reach loopback (as in the federation tests)."""
    return load_settings(
        {
            "HIT_DOMAIN": "hit.test",
            "HIT_SCHEME": "http",
            "HIT_DATA_DIR": str(tmp_path / "data"),
            "HIT_DATABASE_URL": database_url,
            "HIT_ALLOW_PRIVATE_ADDRESSES": "1",
        }
    )


@pytest.fixture
async def database(fed_settings: Settings) -> AsyncIterator[InstanceUrls]:
    """The database open, with the instance actor and its keys; gives our IRIs."""
    urls = InstanceUrls(scheme=fed_settings.scheme, domain=fed_settings.domain)
    await open_database(fed_settings.database_url)
    try:
        await ensure_instance_actor(urls)
        yield urls
    finally:
        await close_database()


@pytest.fixture
async def http_client(fed_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    client = create_http_client(fed_settings)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def fetcher(database: InstanceUrls, fed_settings: Settings, http_client: httpx.AsyncClient) -> Fetcher:
    """A fetcher signing as the instance actor, through the shared client."""
    return Fetcher(http_client, fed_settings, await instance_signer(database))
