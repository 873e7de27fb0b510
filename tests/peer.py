"""A minimal independent ActivityPub peer for tests: one Person with its own RSA and Ed25519
keys, served by a real uvicorn server on a loopback port, whose inbox records what arrives.

It signs with the project's protocol code but shares nothing else with the server under test:
its actor document, inbox and key handling are written here, the way another implementation
would see us from outside.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fediverse_hit.protocol.http_message_signatures import sign_message
from fediverse_hit.protocol.http_signatures import sign_request_headers
from fediverse_hit.protocol.keys import (
    KeyPairPem,
    generate_ed25519_key,
    generate_rsa_key,
    load_private_key,
)
from tests.instances import free_port

AS2 = "application/activity+json"


@dataclass
class Peer:
    """A running peer: its actor IRI, keys, and the requests its inbox received."""

    port: int
    rsa: KeyPairPem = field(default_factory=generate_rsa_key)
    ed25519: KeyPairPem = field(default_factory=generate_ed25519_key)
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    username: str = "zoe"
    name: str = "Zoe"
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # served at their path, by GET

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor_id(self) -> str:
        return f"{self.base}/users/{self.username}"

    @property
    def key_id(self) -> str:
        return f"{self.actor_id}#main-key"

    @property
    def ed25519_key_id(self) -> str:
        return f"{self.actor_id}#ed25519-key"

    def actor_document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": self.username,
            "name": self.name,
            "inbox": f"{self.actor_id}/inbox",
            "outbox": f"{self.actor_id}/outbox",
            "followers": f"{self.actor_id}/followers",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.actor_id, "publicKeyPem": self.rsa.public_pem},
        }

    def signed_headers(
        self, url: str, payload: bytes, *, scheme: str = "cavage", now: datetime | None = None, private_pem: str | None = None
    ) -> dict[str, str]:
        """Headers for a POST of `payload` signed by this peer (draft-cavage or RFC 9421)."""
        headers = {"Content-Type": AS2}
        key = load_private_key(private_pem or self.rsa.private_pem)
        if scheme == "cavage":
            headers.update(sign_request_headers("POST", url, headers, payload, key_id=self.key_id, private_key=key, now=now))
        else:
            headers.update(sign_message("POST", url, headers, payload, key_id=self.key_id, private_key=key))
        return headers

    def signed_post(self, url: str, activity: dict[str, Any], **signing: Any) -> httpx.Response:
        """POST `activity` signed by this peer."""
        payload = json.dumps(activity).encode()
        return httpx.post(url, content=payload, headers=self.signed_headers(url, payload, **signing), timeout=10)

    def inbox_activities(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.received]

    def wait_for_activity(self, kind: str, timeout: float = 20.0) -> tuple[str, dict[str, str], bytes]:
        """The first received request carrying an activity of `kind` (path, headers, raw body)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path, headers, body in list(self.received):
                if json.loads(body).get("type") == kind:
                    return path, headers, body
            time.sleep(0.1)
        raise AssertionError(f"no {kind} arrived within {timeout}s; got {self.inbox_activities()}")


def _peer_app(peer: Peer) -> Starlette:
    async def actor(request: Request) -> Response:
        return JSONResponse(peer.actor_document(), media_type=AS2)

    async def inbox(request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        peer.received.append((request.url.path, headers, await request.body()))
        return Response(status_code=202)

    async def stored_object(request: Request) -> Response:
        document = peer.objects.get(request.url.path)
        if document is None:
            return Response(status_code=404)
        return JSONResponse(document, media_type=AS2)

    return Starlette(
        routes=[
            Route(f"/users/{peer.username}", actor),
            Route(f"/users/{peer.username}/inbox", inbox, methods=["POST"]),
            Route("/inbox", inbox, methods=["POST"]),
            Route("/{path:path}", stored_object),
        ]
    )


@pytest.fixture
def peer() -> Iterator[Peer]:
    """A running independent peer on a free loopback port."""
    with running_peer(Peer(port=free_port())) as running:
        yield running


@contextmanager
def running_peer(running: Peer) -> Iterator[Peer]:
    """Serve `running` on its port until the block ends (for tests that need a second peer)."""
    config = uvicorn.Config(_peer_app(running), host="127.0.0.1", port=running.port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=10)
