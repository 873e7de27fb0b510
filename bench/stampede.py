"""Preview stampede (issue 11 item 5): a boosted work's page and Note fetched 2,000 times from 200
distinct connections at once, while signed deliveries keep arriving at the inbox.

    python bench/stampede.py [--databases sqlite,postgres] [--inbox-lanes 4]

One `serve` process with its in-process worker (so the Follows it accepts are also processed,
and each one moves the content version the read cache keys on) is pinned to CPU 0; this process
(the generator, raw keep-alive HTTP/1.1) and the signing actor's server run on CPU 1. The 200
connections are opened first, then each sends its 10 GETs (page and Note in turn) one after the
other; inbox lanes send pre-signed Follows for as long as the stampede lasts. Loopback only,
bounded in count (2,000 GETs, at most 4,000 POSTs) and time (60 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.federation import with_postgres_database  # noqa: E402
from bench.inbox_load import actor_server, free_port, signed_requests  # noqa: E402
from bench.reads import CLI, PASSWORD, pinned_process, seed  # noqa: E402
from fediverse_hit.protocol.keys import generate_rsa_key  # noqa: E402

AS2 = "application/activity+json"
CONNECTIONS = 200
GETS_PER_CONNECTION = 10
INBOX_REQUESTS = 4000
TIME_LIMIT = 60.0


@dataclass
class Tally:
    """Statuses and latencies (seconds) of one kind of request."""

    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def add(self, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a keep-alive connection and read its whole answer; its status."""
    writer.write(request)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def stampede(host: str, port: int, path: str) -> tuple[Tally, float]:
    """2,000 GETs from 200 connections opened beforehand; (tally, seconds from first to last)."""
    page = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/html\r\n\r\n".encode()
    note = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {AS2}\r\n\r\n".encode()
    connections = await asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(CONNECTIONS)))
    tally = Tally()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for number in range(GETS_PER_CONNECTION):
            sent = time.perf_counter()
            status = await exchange(reader, writer, page if number % 2 == 0 else note)
            tally.add(status, time.perf_counter() - sent)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(reader, writer) for reader, writer in connections))
    return tally, time.perf_counter() - started


async def deliveries(host: str, port: int, requests: list[bytes], lanes: int, stop: asyncio.Event) -> Tally:
    """Pre-signed inbox POSTs over `lanes` connections until `stop` is set (or they run out)."""
    queue = iter(requests)
    tally = Tally()

    async def lane() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        for request in queue:
            if stop.is_set():
                break
            sent = time.perf_counter()
            tally.add(await exchange(reader, writer, request), time.perf_counter() - sent)
        writer.close()

    await asyncio.gather(*(lane() for _ in range(lanes)))
    return tally


async def run_instance(database_url: str, workdir: Path, args: argparse.Namespace) -> list[str]:
    """One instance: seed, warm the inbox's key cache, then stampede and deliveries together."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HIT_DOMAIN": f"127.0.0.1:{port}", "HIT_SCHEME": "http", "HIT_DATABASE_URL": database_url,
           "HIT_DATA_DIR": str(workdir / f"stampede-{port}"), "HIT_ALLOW_PRIVATE_ADDRESSES": "1"}
    await asyncio.to_thread(_init, env)
    keys = generate_rsa_key()
    with actor_server(keys.public_pem) as actor, pinned_process([*CLI, "serve", "--port", str(port)], env, f"{base}/healthz", args.server_log):
        note = await asyncio.to_thread(seed, base, env, 1)
        path = note.removeprefix(base)
        warm = signed_requests(base, actor, keys.private_pem, 5)
        await deliveries("127.0.0.1", port, warm, 1, asyncio.Event())  # the key is fetched once
        posts = signed_requests(base, actor, keys.private_pem, INBOX_REQUESTS)
        stop = asyncio.Event()
        inbox = asyncio.create_task(deliveries("127.0.0.1", port, posts, args.inbox_lanes, stop))
        await asyncio.sleep(0.5)  # deliveries already flowing when the stampede starts
        inbox_started = time.perf_counter()
        reads, seconds = await asyncio.wait_for(stampede("127.0.0.1", port, path), TIME_LIMIT)
        stop.set()
        accepted = await asyncio.wait_for(inbox, TIME_LIMIT)
        inbox_seconds = time.perf_counter() - inbox_started + 0.5
    return [
        f"stampede: {sum(reads.statuses.values()):,} GETs ({reads.statuses}) in {seconds:.2f} s from {CONNECTIONS} "
        f"connections: p50 {1000 * reads.percentile(0.5):.0f} ms, p99 {1000 * reads.percentile(0.99):.0f} ms, "
        f"max {1000 * max(reads.latencies):.0f} ms",
        f"inbox meanwhile: {sum(accepted.statuses.values()):,} signed Follows ({accepted.statuses}) over "
        f"{args.inbox_lanes} connections, {sum(accepted.statuses.values()) / inbox_seconds:,.0f}/s: "
        f"p50 {1000 * accepted.percentile(0.5):.0f} ms, p99 {1000 * accepted.percentile(0.99):.0f} ms",
        f"verdict: all answered 200: {reads.statuses == {200: CONNECTIONS * GETS_PER_CONNECTION}}; "
        f"within 10 s: {seconds < 10}; p99 < 1 s: {reads.percentile(0.99) < 1}; "
        f"inbox accepted every delivery it got: {set(accepted.statuses) == {202}}",
    ]


def _init(env: dict[str, str]) -> None:
    import subprocess

    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "user", "create", "alice", "--password", PASSWORD], env=env, check=True, capture_output=True)


async def main_async(args: argparse.Namespace) -> None:
    before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hit-stampede-") as tmp:
        for engine in args.databases:
            run: Callable[[str], Awaitable[list[str]]] = lambda url: run_instance(url, Path(tmp), args)  # noqa: E731
            if engine == "postgres":
                lines = await with_postgres_database(args.postgres_url, run)  # type: ignore[arg-type]
            else:
                lines = await run(f"sqlite://{Path(tmp) / 'stampede.sqlite3'}")
            print(f"\n{engine}:")
            for line in lines:
                print(f"  {line}")
    print(f"\nload average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; after: "
          + " ".join(f"{value:.2f}" for value in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres", type=lambda text: text.split(","))
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--inbox-lanes", type=int, default=4)
    parser.add_argument("--server-log", type=Path, help="write the server's output to this file")
    args = parser.parse_args()
    if not 1 <= args.inbox_lanes <= 32 or not set(args.databases) <= {"sqlite", "postgres"}:
        raise SystemExit("--inbox-lanes 1–32; --databases sqlite, postgres or both")
    os.sched_setaffinity(0, {1})  # the generator stays off the server's core
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
