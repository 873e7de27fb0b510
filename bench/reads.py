"""Read-path benchmark (issue 11): GETs per second of what other servers and visitors fetch,
beside a bare Starlette app serving a 1.3 KB JSON document in the same run.

    python bench/reads.py [--database sqlite|postgres] [--requests 2000] [--lanes 16]

Loopback only and bounded. The server (`serve --no-worker`, one process) is pinned to CPU 0 and
the bare app likewise; the load generator (this process: raw keep-alive HTTP/1.1 over `--lanes`
connections, responses read by Content-Length) runs on CPU 1. The machine is shared: state the
load average printed at the end beside any figure you quote.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.federation import with_postgres_database  # noqa: E402
from bench.inbox_load import free_port  # noqa: E402

CLI = [sys.executable, "-m", "fediverse_hit"]
AS2 = "application/activity+json"
BARE_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
BODY = ('{"@context":"https://www.w3.org/ns/activitystreams","type":"Note","content":"' + 'x' * 1200 + '"}').encode()
async def note(request):
    return Response(BODY, media_type="application/activity+json")
uvicorn.run(Starlette(routes=[Route("/note", note)]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclass(frozen=True)
class Target:
    """One row: what is fetched, from where, with which headers."""

    name: str
    path: str
    headers: dict[str, str]
    status: int = 200


def pinned(command: list[str]) -> list[str]:
    return ["taskset", "-c", "0", *command]


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(command: list[str], env: dict[str, str], health: str) -> Iterator[None]:
    child = subprocess.Popen(pinned(command), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(health)
        yield
    finally:
        child.terminate()
        child.wait(timeout=15)


def seed(base: str, env: dict[str, str], notes: int) -> str:
    """User `alice` with `notes` public contributions; returns the last one's IRI."""
    token = subprocess.run([*CLI, "token", "create", "alice"], env=env, check=True, capture_output=True, text=True)
    bearer = {"Authorization": f"Bearer {token.stdout.strip().splitlines()[-1]}", "Content-Type": AS2}
    location = ""
    with httpx.Client(base_url=base, timeout=30) as client:
        for n in range(notes):
            note = {"type": "Note", "name": f"Piece {n}", "content": f"<p>Line {n} of the read benchmark. #sea</p>"}
            response = client.post("/users/alice/outbox", json=note, headers=bearer)
            response.raise_for_status()
            location = response.headers["location"]
    return location


async def load(base: str, target: Target, count: int, lanes: int) -> tuple[float, int]:
    """GET `target` `count` times over `lanes` keep-alive connections: (requests/s, body bytes)."""
    host, port = base.removeprefix("http://").split(":")
    extra = "".join(f"{key}: {value}\r\n" for key, value in target.headers.items())
    request = f"GET {target.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
    remaining = iter(range(count))
    sizes: list[int] = []

    async def lane() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for _ in remaining:
            writer.write(request)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status != target.status:
                raise RuntimeError(f"{target.name}: {status}, expected {target.status}")
            sizes.append(length)
        writer.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(lane() for _ in range(lanes))), timeout=300)
    return count / (time.perf_counter() - started), sizes[-1]


def targets(note: str, base: str, etag: str) -> list[Target]:
    path = note.removeprefix(base)
    as2 = {"Accept": AS2}
    return [
        Target("webfinger", f"/.well-known/webfinger?resource=acct:alice@{base.removeprefix('http://')}", {}),
        Target("actor document (AS2)", "/users/alice", as2),
        Target("contribution Note (AS2)", path, as2),
        Target("contribution Note, 304 to If-None-Match", path, {**as2, "If-None-Match": etag}, 304),
        Target("outbox first page (AS2)", "/users/alice/outbox?page=1", as2),
        Target("profile page (HTML)", "/@alice", {}),
        Target("contribution page (HTML)", path, {}),
        Target("local timeline (HTML)", "/local", {}),
    ]


async def measure(database_url: str, workdir: Path, args: argparse.Namespace) -> list[tuple[str, str, int, float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HIT_DOMAIN": f"127.0.0.1:{port}", "HIT_SCHEME": "http", "HIT_DATABASE_URL": database_url,
           "HIT_DATA_DIR": str(workdir / f"reads-{port}"), "HIT_ALLOW_PRIVATE_ADDRESSES": "1"}
    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "user", "create", "alice", "--password", "benchmark-pass"], env=env, check=True, capture_output=True)
    rows = []
    with process([*CLI, "serve", "--no-worker", "--port", str(port)], env, f"{base}/healthz"):
        note = seed(base, env, args.notes)
        etag = httpx.get(note, headers={"Accept": AS2}).headers.get("etag", '"none"')
        for target in targets(note, base, etag):
            await load(base, target, min(200, args.requests), args.lanes)  # warm-up
            rate, size = await load(base, target, args.requests, args.lanes)
            rows.append((target.name, target.path, size, rate))
    return rows


async def bare_ceiling(args: argparse.Namespace) -> tuple[float, int]:
    port = free_port()
    with process([sys.executable, "-c", BARE_APP, str(port)], dict(os.environ), f"http://127.0.0.1:{port}/note"):
        target = Target("bare", "/note", {})
        await load(f"http://127.0.0.1:{port}", target, min(200, args.requests), args.lanes)
        return await load(f"http://127.0.0.1:{port}", target, args.requests, args.lanes)


async def main_async(args: argparse.Namespace) -> None:
    before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hit-reads-") as tmp:
        workdir = Path(tmp)
        ceiling, bare_size = await bare_ceiling(args)
        if args.database == "postgres":
            rows = await with_postgres_database(args.postgres_url, lambda url: measure(url, workdir, args))  # type: ignore[arg-type, return-value]
        else:
            rows = await measure(f"sqlite://{workdir / 'reads.sqlite3'}", workdir, args)
        ceiling_after, _ = await bare_ceiling(args)
    bare = (ceiling + ceiling_after) / 2
    print(f"Reads on {args.database}: {args.requests} GETs per row over {args.lanes} keep-alive connections, "
          f"{args.notes} notes; server pinned to CPU 0, generator on the rest")
    print(f"| what | URL | body bytes | req/s | of the bare ceiling |\n|---|---|---|---|---|")
    print(f"| bare Starlette, 1.3 KB JSON (before / after) | /note | {bare_size:,} | {ceiling:,.0f} / {ceiling_after:,.0f} | 100 % |")
    for name, path, size, rate in rows:
        print(f"| {name} | `{path[:48]}` | {size:,} | {rate:,.0f} | {100 * rate / bare:.1f} % |")
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; after: "
          + " ".join(f"{value:.2f}" for value in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--lanes", type=int, default=16)
    parser.add_argument("--notes", type=int, default=50)
    args = parser.parse_args()
    if not 100 <= args.requests <= 20000 or not 1 <= args.lanes <= 64 or not 1 <= args.notes <= 200:
        raise SystemExit("keep the benchmark bounded: requests 100–20000, lanes ≤ 64, notes ≤ 200")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
