"""A local inbox sink for delivery tests and benchmarks: a separate process that verifies the HTTP
signature of every POST it receives (keys given up front) and counts what arrived.

    python bench/inbox_sink.py --port 8123 --keys keys.json [--addresses 127.0.1.1,127.0.1.2]

`keys.json` maps keyId → public key PEM. Listens on 127.0.0.1 (or on each loopback address given)
at the port; prints `ready` when listening. Any POST path is an inbox. A path segment
`/script/<steps>/` programs the answers for that path, one step per request, the last repeating:
`500,202` answers 500 then 202; `429~3` answers 429 with `Retry-After: 3`. `GET /_stats` returns
the counts: per path, requests, verified signatures and the activity ids received; per activity
id, when it first and last arrived (Unix time); per connection (`client port@server address`), the POSTs
accepted (which process sent them, for a caller that can list its processes' sockets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Self

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fediverse_hit.protocol.http_signatures import (
    SignatureError,
    verify_request_signature,
)
from fediverse_hit.protocol.keys import PublicKey, load_public_key_pem

KEEP_BODIES = 3


class Sink:
    """What the sink has received, and the scripted answers per path."""

    def __init__(self, keys: dict[str, PublicKey], bare: bool = False) -> None:
        self.keys = keys
        self.bare = bare
        self.requests: Counter[str] = Counter()
        self.verified: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.activities: dict[str, Counter[str]] = {}
        self.bodies: dict[str, list[str]] = {}  # the first few accepted bodies per path
        self.content_types: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.first_seen: dict[str, float] = {}  # activity id → Unix time of its first arrival
        self.last_seen: dict[str, float] = {}
        self.connections: Counter[str] = Counter()  # "client port@server address" → POSTs accepted

    def answer(self, path: str) -> tuple[int, dict[str, str]]:
        """The scripted status (and headers) for the n-th request to `path`; 202 by default."""
        parts = path.split("/")
        if "script" not in parts or parts.index("script") + 1 >= len(parts):
            return 202, {}
        steps = parts[parts.index("script") + 1].split(",")
        step = steps[min(self.requests[path] - 1, len(steps) - 1)]
        status, _, retry_after = step.partition("~")
        return int(status), ({"Retry-After": retry_after} if retry_after else {})

    async def inbox(self, request: Request) -> Response:
        path = request.url.path
        body = await request.body()
        if self.bare:
            return Response(status_code=202)
        self.requests[path] += 1
        url = f"http://{request.headers.get('host', '')}{path}"
        try:
            verify_request_signature("POST", url, request.headers.items(), body, self.keys.get)
        except SignatureError as exc:
            self.rejected[path] += 1
            if len(self.errors) < 20:
                self.errors.append(f"{path}: {exc}")
            return Response(status_code=401)
        self.verified[path] += 1
        status, headers = self.answer(path)
        if 200 <= status < 300:
            activity_id = str(json.loads(body).get("id", ""))
            self.first_seen.setdefault(activity_id, time.time())
            self.last_seen[activity_id] = time.time()
            server = request.scope.get("server") or ("", 0)
            if request.client is not None:
                self.connections[f"{request.client.port}@{server[0]}"] += 1
            self.activities.setdefault(path, Counter())[activity_id] += 1
            if len(self.bodies.setdefault(path, [])) < KEEP_BODIES:
                self.bodies[path].append(body.decode("utf-8"))
                self.content_types.setdefault(path, []).append(request.headers.get("content-type", ""))
        return Response(status_code=status, headers=headers)

    async def stats(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "requests": sum(self.requests.values()),
                "verified": sum(self.verified.values()),
                "rejected": sum(self.rejected.values()),
                "errors": self.errors,
                "bodies": self.bodies,
                "content_types": self.content_types,
                "first_seen": self.first_seen,
                "last_seen": self.last_seen,
                "connections": dict(self.connections),
                "paths": {
                    path: {
                        "requests": count,
                        "verified": self.verified[path],
                        "accepted": dict(self.activities.get(path, {})),
                    }
                    for path, count in self.requests.items()
                },
            }
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/_stats", self.stats, methods=["GET"]),
                Route("/{path:path}", self.inbox, methods=["POST"]),
            ]
        )


def load_keys(path: Path) -> dict[str, PublicKey]:
    """keyId → public key from a JSON file of keyId → PEM."""
    return {key_id: load_public_key_pem(pem) for key_id, pem in json.loads(path.read_text()).items()}


def bind_sockets(addresses: list[str], port: int) -> list[socket.socket]:
    """Listening sockets on `port` at each loopback address."""
    sockets = []
    for address in addresses:
        if not address.startswith("127."):
            raise SystemExit(f"refusing to listen on non-loopback address {address}")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(1024)
        sock.setblocking(False)
        sockets.append(sock)
    return sockets


def main(argv: list[str] | None = None) -> None:
    """Run the sink until killed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys", type=Path, required=True)
    parser.add_argument("--addresses", default="127.0.0.1", help="comma-separated loopback addresses")
    parser.add_argument("--bare", action="store_true", help="answer 202 at once: no verification, no counts")
    args = parser.parse_args(argv)
    sink = Sink(load_keys(args.keys), bare=args.bare)
    sockets = bind_sockets(args.addresses.split(","), args.port)
    config = uvicorn.Config(sink.app(), log_level="warning", access_log=False, lifespan="off", backlog=1024)
    server = uvicorn.Server(config)
    asyncio.run(_serve(server, sockets))


async def _serve(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
    task = asyncio.create_task(server.serve(sockets=sockets))
    while not server.started and not task.done():
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await task


class SinkProcess:
    """Start the sink as a subprocess (for tests and benchmarks) and read its counts."""

    def __init__(
        self, workdir: Path, keys: dict[str, str], addresses: list[str] | None = None, bare: bool = False,
        port: int | None = None,
    ) -> None:
        self.addresses = addresses or ["127.0.0.1"]
        self.bare = bare
        self.port = port or _free_port(self.addresses[0])
        self._keys_path = workdir / f"sink-keys-{self.port}.json"
        self._keys_path.write_text(json.dumps(keys))
        self.process: subprocess.Popen[str] | None = None

    def url(self, path: str, address: str | None = None) -> str:
        """An absolute URL on the sink for `path` (starting with `/`)."""
        return f"http://{address or self.addresses[0]}:{self.port}{path}"

    def start(self) -> SinkProcess:
        command = [sys.executable, __file__, "--port", str(self.port), "--keys", str(self._keys_path),
                   "--addresses", ",".join(self.addresses)] + (["--bare"] if self.bare else [])
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"inbox sink did not start (said {line!r})")
        return self

    def stats(self) -> dict[str, Any]:
        """The sink's counts (see `GET /_stats`)."""
        response = httpx.get(self.url("/_stats"), timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        """Stop the sink process (by its PID)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    main()
