"""A stand-in for a Mastodon server on loopback, for browser tests whose real server process
must fetch a remote source: it serves one person (actor document with an RSA key, WebFinger) and
her unsigned Notes in Mastodon's shape, and accepts whatever is delivered to her inbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AS2 = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@dataclass
class MastodonStub:
    """One person on http://127.0.0.1:<port>; `documents` maps paths to what is served."""

    host: str
    username: str
    name: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    delivered: list[bytes] = field(default_factory=list)

    @property
    def actor_id(self) -> str:
        return f"http://{self.host}/users/{self.username}"

    def add_note(self, number: int, content: str) -> dict[str, Any]:
        """Serve a public Note without proof or licence, as Mastodon does."""
        note = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.actor_id}/statuses/{number}", "type": "Note", "attributedTo": self.actor_id,
            "content": content, "published": "2026-11-01T10:00:00Z", "url": f"http://{self.host}/@{self.username}/{number}",
            "to": [PUBLIC], "cc": [f"{self.actor_id}/followers"],
        }
        self.documents[urlsplit(note["id"]).path] = note
        return note


def _actor_document(stub: MastodonStub) -> dict[str, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": stub.actor_id, "type": "Person", "preferredUsername": stub.username, "name": stub.name,
        "url": f"http://{stub.host}/@{stub.username}", "inbox": f"{stub.actor_id}/inbox",
        "outbox": f"{stub.actor_id}/outbox", "followers": f"{stub.actor_id}/followers",
        "endpoints": {"sharedInbox": f"http://{stub.host}/inbox"},
        "publicKey": {"id": f"{stub.actor_id}#main-key", "owner": stub.actor_id, "publicKeyPem": pem.decode()},
    }


def _handler(stub: MastodonStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict[str, Any] | None, media_type: str = AS2) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/webfinger":
                wanted = f"acct:{stub.username}@{stub.host}"
                if parse_qs(parts.query).get("resource") != [wanted]:
                    self._send(404, {})
                    return
                links = [{"rel": "self", "type": AS2, "href": stub.actor_id}]
                self._send(200, {"subject": wanted, "links": links}, "application/jrd+json")
                return
            found = stub.documents.get(parts.path)
            self._send(200, found) if found is not None else self._send(404, {"error": "Not found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            stub.delivered.append(self.rfile.read(length))
            self._send(202, None)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler


@contextmanager
def running_mastodon_stub(username: str, name: str) -> Iterator[MastodonStub]:
    """The stub on a free loopback port, shut down afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(MastodonStub("", username, name)))
    host = f"127.0.0.1:{server.server_address[1]}"
    stub = MastodonStub(host, username, name)
    server.RequestHandlerClass = _handler(stub)
    stub.documents[urlsplit(stub.actor_id).path] = _actor_document(stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
