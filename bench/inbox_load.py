"""(a) Inbox benchmark: signed POSTs accepted per second by one `serve --no-worker` process.

The server runs as its own process; this process is the load generator. Requests are Follow
activities with distinct ids, signed (draft-cavage rsa-sha256) before the clock starts, sent over
raw keep-alive HTTP/1.1 connections so the generator costs little. The signing actor is served
from a thread here; the server fetches its key once (warm-up) and then verifies every request.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fediverse_hit.protocol.http_signatures import sign_request_headers
from fediverse_hit.protocol.keys import generate_rsa_key, load_private_key

CLI = [sys.executable, "-m", "fediverse_hit"]
AS2 = "application/activity+json"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def actor_server(public_pem: str) -> Iterator[str]:
    """Serve one Person with `public_pem` on a loopback port; yields its actor IRI."""
    port = free_port()
    actor = f"http://127.0.0.1:{port}/users/loader"

    async def document(request: Request) -> Response:
        return JSONResponse(
            {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
             "id": actor, "type": "Person", "preferredUsername": "loader", "inbox": f"{actor}/inbox",
             "publicKey": {"id": f"{actor}#main-key", "owner": actor, "publicKeyPem": public_pem}},
            media_type=AS2,
        )

    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/users/loader", document)]),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield actor
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def instance(database_url: str, workdir: Path, *, worker: bool = False) -> Iterator[str]:
    """A real instance (`serve --no-worker`, or with its worker) with user `alice`; yields its base URL."""
    port = free_port()
    env = {**os.environ, "HIT_DOMAIN": f"127.0.0.1:{port}", "HIT_SCHEME": "http",
           "HIT_DATA_DIR": str(workdir / f"inbox-{port}"), "HIT_DATABASE_URL": database_url,
           "HIT_ALLOW_PRIVATE_ADDRESSES": "1"}
    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "user", "create", "alice", "--password", "benchmark-pass"], env=env,
                   check=True, capture_output=True)
    options = [] if worker else ["--no-worker"]
    process = subprocess.Popen([*CLI, "serve", *options, "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def signed_requests(base: str, actor: str, private_pem: str, count: int) -> list[bytes]:
    """`count` raw HTTP/1.1 POSTs of distinct Follows to alice's inbox, signed now."""
    key = load_private_key(private_pem)
    url, host = f"{base}/users/alice/inbox", base.removeprefix("http://")
    requests = []
    for _ in range(count):
        body = json.dumps({"@context": "https://www.w3.org/ns/activitystreams",
                           "id": f"{actor}/follows/{uuid.uuid4().hex}", "type": "Follow",
                           "actor": actor, "object": f"{base}/users/alice"}).encode()
        headers = {"Host": host, "Content-Type": AS2}
        headers |= sign_request_headers("POST", url, headers, body, key_id=f"{actor}#main-key", private_key=key)
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        requests.append(f"POST /users/alice/inbox HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return requests


async def send_all(base: str, requests: list[bytes], lanes: int) -> tuple[float, dict[int, int]]:
    """Send every request over `lanes` keep-alive connections; (seconds, count per status)."""
    host, port = base.removeprefix("http://").split(":")
    statuses: dict[int, int] = {}
    queue = iter(requests)

    async def lane() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for request in queue:
            writer.write(request)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(lane() for _ in range(lanes))), timeout=120)
    return time.perf_counter() - started, statuses


async def inbox_rates(database_url: str, workdir: Path, count: int, lanes: int, runs: int) -> list[float]:
    """Accepted inbox POSTs per second, one value per run."""
    keys = generate_rsa_key()
    rates = []
    with actor_server(keys.public_pem) as actor, instance(database_url, workdir) as base:
        await send_all(base, signed_requests(base, actor, keys.private_pem, 20), 1)  # key fetch, warm-up
        for _ in range(runs):
            requests = signed_requests(base, actor, keys.private_pem, count)
            seconds, statuses = await send_all(base, requests, lanes)
            if statuses != {202: count}:
                raise RuntimeError(f"the inbox did not accept everything: {statuses}")
            rates.append(count / seconds)
    return rates
