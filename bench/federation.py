"""Federation benchmarks, loopback only, bounded in count and time.

    python bench/federation.py [--database sqlite|postgres] [--runs 3] [--inboxes 1000]

(a) inbox: signed POSTs accepted per second by one `serve --no-worker` process (bench/inbox_load.py),
    from this process as the load generator over raw keep-alive connections.
(b) fan-out: one activity to followers on N distinct shared inboxes (distinct loopback hosts
    127.0.x.y, all served by one sink process that verifies every signature), delivered by one
    worker (`run_forever`, default WorkerConfig) through its aiohttp session with the SSRF guard
    on (a policy admitting loopback only); deliveries per second from enqueue to the last row
    written as delivered. Also K activities × N inboxes, where connections get reused.
    `--only fanout` runs just this on SQLite, with the httpx clients used before beside it and
    the RSA signing rate measured before and after, on uvloop like `serve` and `worker`, and
    prints the load average. Rates are also
    given per CPU-second of this process (worker and signing alike), which a loaded machine
    disturbs far less than wall-clock rates. On a 2-core
    machine this process (worker, signing) is pinned to CPU 0 and the sink to CPU 1.
(c) ceilings: RSA-2048 sign and verify per second, signing a request, and the POST rate of the
    same sender lanes without any database: to a bare Starlette app and to the verifying sink.
(d) PostgreSQL only: a fan-out to 300 shared inboxes with 1 and with 2 `worker` processes beside
    one `serve --no-worker` (bench/cluster_fan_out.py), and the time from a post's 201 to its
    first delivery. `--only cluster` runs just this part.
Prints a table of medians over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cluster_fan_out import bench_cluster_fan_out
from bench.inbox_load import inbox_rates
from bench.inbox_sink import SinkProcess
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.delivery_session import create_delivery_session
from fediverse_hit.federation.http_client import create_http_client
from fediverse_hit.federation.ssrf import IPAddress
from fediverse_hit.federation.worker import run_forever
from fediverse_hit.protocol.http_signatures import (
    sign_request_headers,
    verify_request_signature,
)
from fediverse_hit.protocol.keys import (
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
)
from fediverse_hit.settings import load_settings
from fediverse_hit.store.database import apply_migrations, close_database, open_database
from fediverse_hit.store.models import Actor, ActorKey, Delivery, InboxItem

SENDER = "http://bench.test/users/bench"
KEY_ID = f"{SENDER}#main-key"
DEADLINE = 120.0  # seconds any one measurement may take
Row = tuple[str, str, list[float], str]  # (part, size, values per run, unit)


# The worker's own client factory, as `serve`/`worker` build it (loopback allowed, as in tests).
SETTINGS = load_settings({"HIT_DOMAIN": "bench.test", "HIT_SCHEME": "http", "HIT_ALLOW_PRIVATE_ADDRESSES": "1"})


def client_factory() -> httpx.AsyncClient:
    return create_http_client(SETTINGS)


def session_factory() -> aiohttp.ClientSession:
    """The worker's delivery session with the SSRF guard on, its policy allowing only loopback
    (the sink's addresses): the guard's full cost is paid on every connection."""
    return create_delivery_session(SETTINGS, policy=loopback_only)


def loopback_only(address: IPAddress) -> str | None:
    return None if address.is_loopback else "not loopback (benchmark policy)"


def loopback_hosts(count: int) -> list[str]:
    """`count` distinct loopback addresses 127.0.x.y (x ≥ 1), one per simulated server."""
    return [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(count)]


# --- (a) inbox ------------------------------------------------------------------------------


async def bench_inbox(args: argparse.Namespace, database_url: str, workdir: Path) -> list[Row]:
    """(a) Signed POSTs accepted (202) per second by one web process without a worker."""
    count, lanes = 3000, 16
    rates = await inbox_rates(database_url, workdir, count, lanes, args.runs)
    return [("(a) inbox, signed Follow POSTs → 202", f"{count} POSTs, {lanes} connections", rates, "POST/s")]


# --- (b) fan-out ----------------------------------------------------------------------------


async def make_sender(pem_private: str, pem_public: str) -> Actor:
    actor = await Actor.create(uri=SENDER, username="bench", domain="bench.test", local=True)
    await ActorKey.create(actor=actor, key_id=KEY_ID, algorithm="rsa", public_pem=pem_public, private_pem=pem_private)
    return actor


def activity() -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{SENDER}/activities/{uuid.uuid4().hex}",
        "type": "Create",
        "actor": SENDER,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {"type": "Note", "content": "<p>" + "benchmark text " * 40 + "</p>"},
    }


async def fan_out_once(
    sender: Actor, inboxes: list[str], activities: int, factory: ClientFactory = session_factory
) -> tuple[float, float, float]:
    """Enqueue `activities` × inboxes and deliver them with one worker; (enqueue s, deliver s,
    CPU seconds this process spent while delivering)."""
    before = await Delivery.filter(state="delivered").count()
    target = before + activities * len(inboxes)
    started = time.perf_counter()
    for _ in range(activities):
        await enqueue_activity(activity(), sender, inboxes)
    enqueued, cpu_started = time.perf_counter(), time.process_time()
    stop = asyncio.Event()
    worker = asyncio.create_task(run_forever(stop, factory, _no_inbox))
    try:
        while await Delivery.filter(state="delivered").count() < target:
            if time.perf_counter() - enqueued > DEADLINE:
                raise RuntimeError("fan-out did not finish in time")
            await asyncio.sleep(0.05)
        finished, cpu = time.perf_counter(), time.process_time() - cpu_started
    finally:
        stop.set()
        await worker
    return enqueued - started, finished - enqueued, cpu


async def _no_inbox(item: InboxItem) -> None:
    raise RuntimeError("the benchmark has no inbox items")


async def bench_fan_out(
    args: argparse.Namespace, database_url: str, workdir: Path, clients: tuple[str, ...] = ("aiohttp",)
) -> list[Row]:
    """(b) Deliveries per second of one worker fanning out to distinct shared inboxes, with the
    worker's aiohttp session and (with "httpx" in `clients`) the httpx clients used before."""
    keys = generate_rsa_key()
    await apply_migrations(database_url)
    await close_database()
    await open_database(database_url)
    rows: list[Row] = []
    try:
        sender = await make_sender(keys.private_pem, keys.public_pem)
        hosts = loopback_hosts(args.inboxes)
        with SinkProcess(workdir, {KEY_ID: keys.public_pem}, hosts) as sink:
            if getattr(args, "pin", False) and sink.process is not None:
                os.sched_setaffinity(sink.process.pid, {1})  # this process (the worker) has CPU 0
            inboxes = [sink.url("/inbox", host) for host in hosts]
            for activities in (1, args.activities):
                size = f"{activities} act × {len(inboxes)} inboxes"
                for name in clients:
                    enqueue_rates, deliver_rates, cpu_rates = [], [], []
                    for _ in range(args.runs):
                        factory = session_factory if name == "aiohttp" else client_factory
                        enqueue_s, deliver_s, cpu_s = await fan_out_once(sender, inboxes, activities, factory)
                        count = activities * len(inboxes)
                        enqueue_rates.append(count / enqueue_s)
                        deliver_rates.append(count / deliver_s)
                        cpu_rates.append(count / cpu_s)
                    if name == clients[0]:
                        rows.append(("(b) enqueue (fan-out rows)", size, enqueue_rates, "rows/s"))
                    rows.append((f"(b) deliver, 1 worker, {name}", size, deliver_rates, "deliveries/s"))
                    rows.append((f"(b) same, per CPU-second, {name}", size, cpu_rates, "deliveries/CPU-s"))
            stats = sink.stats()
            if stats["rejected"] or stats["verified"] != stats["requests"]:
                raise RuntimeError(f"sink rejected signatures: {stats['errors']}")
            print(f"   sink verified {stats['verified']} of {stats['requests']} signed POSTs", file=sys.stderr)
    finally:
        await close_database()
    return rows


# --- (c) ceilings ---------------------------------------------------------------------------


def per_second(count: int, work: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    started = clock()
    for _ in range(count):
        work()
    return count / (clock() - started)


def bench_crypto(runs: int, cpu: bool = False) -> list[Row]:
    """(c) RSA-2048 primitives and whole request signing/verification, one core (with `cpu`:
    only request signing, per CPU-second of this process)."""
    keys = generate_rsa_key()
    private, public = load_private_key(keys.private_pem), load_public_key_pem(keys.public_pem)
    body = b'{"type":"Create"}' * 50
    url = "http://127.0.0.1:9/inbox"
    headers = {"Content-Type": "application/activity+json"}
    signed = headers | sign_request_headers("POST", url, headers, body, key_id=KEY_ID, private_key=private)

    def sign() -> object:
        return sign_request_headers("POST", url, headers, body, key_id=KEY_ID, private_key=private)

    def verify() -> object:
        return verify_request_signature("POST", url, signed, body, {KEY_ID: public}.get)

    def load() -> object:
        return load_private_key(keys.private_pem)

    if cpu:
        return [("(c) sign request, per CPU-second", "2048-bit, 850 B body", [per_second(2000, sign, time.process_time) for _ in range(runs)], "/CPU-s")]
    return [
        ("(c) sign request (rsa-sha256)", "2048-bit, 850 B body", [per_second(2000, sign) for _ in range(runs)], "/s"),
        ("(c) verify request", "2048-bit, 850 B body", [per_second(5000, verify) for _ in range(runs)], "/s"),
        ("(c) load RSA private key PEM", "2048-bit", [per_second(20, load) for _ in range(runs)], "/s"),
    ]


async def post_rate(urls: list[str], count: int, lanes: int, signed: bool) -> float:
    """POSTs per second through `lanes` sender tasks, each with its own client (no database)."""
    keys = generate_rsa_key() if signed else None
    private = load_private_key(keys.private_pem) if keys else None
    body = b'{"id":"x","type":"Create"}' * 30
    clients = [client_factory() for _ in range(lanes)]
    jobs = iter(range(count))

    async def lane(client: httpx.AsyncClient, offset: int) -> None:
        for number in jobs:
            url = urls[(number + offset) % len(urls)]
            headers = {"Content-Type": "application/activity+json"}
            if private is not None:
                headers |= sign_request_headers("POST", url, headers, body, key_id=KEY_ID, private_key=private)
            response = await client.post(url, content=body, headers=headers)
            if response.status_code >= 300 and signed is False:
                raise RuntimeError(f"sink answered {response.status_code}")

    started = time.perf_counter()
    await asyncio.gather(*(lane(client, index) for index, client in enumerate(clients)))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(client.aclose() for client in clients))
    return count / elapsed


async def bench_http(args: argparse.Namespace, workdir: Path) -> list[Row]:
    """(c) The HTTP ceiling: keep-alive POSTs to a bare app and to the verifying sink."""
    rows: list[Row] = []
    count, lanes = 4000, 32
    hosts = loopback_hosts(32)
    with SinkProcess(workdir, {}, hosts, bare=True) as bare:
        urls = [bare.url("/inbox", host) for host in hosts]
        rates = [await post_rate(urls, count, lanes, signed=False) for _ in range(args.runs)]
        rows.append(("(c) bare Starlette POST, keep-alive", f"{count} POSTs, {lanes} lanes", rates, "POST/s"))
    keys = generate_rsa_key()
    with SinkProcess(workdir, {KEY_ID: keys.public_pem}, hosts) as sink:
        urls = [sink.url("/inbox", host) for host in hosts]
        rates = [await post_rate(urls, count, lanes, signed=True) for _ in range(args.runs)]
        rows.append(("(c) signed POST to verifying sink", f"{count} POSTs, {lanes} lanes", rates, "POST/s"))
    return rows


# --- driver ---------------------------------------------------------------------------------


async def with_postgres_database(admin_url: str, work: Callable[[str], Awaitable[list[Row]]]) -> list[Row]:
    name = f"hit_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(f"{admin_url}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return await work(f"{admin_url}/{name}")
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'part':38} {'size':34} {'median':>10}  unit          runs")
    for part, size, values, unit in rows:
        runs = ", ".join(f"{value:,.0f}" for value in values)
        print(f"{part:38} {size:34} {statistics.median(values):>10,.0f}  {unit:13} [{runs}]")


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="hit-bench-") as tmp:
        workdir = Path(tmp)
        if args.only == "fanout":
            args.pin = os.cpu_count() == 2
            if args.pin:  # as bench/reads.py: the worker and the signing rate on CPU 0, the sink on CPU 1
                os.sched_setaffinity(0, {0})
            print(f"load average (1, 5, 15 min) at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
            rows = bench_crypto(args.runs)[:1] + bench_crypto(args.runs, cpu=True)
            rows += await bench_fan_out(args, f"sqlite://{workdir / 'bench.sqlite3'}", workdir, ("httpx", "aiohttp"))
            rows += bench_crypto(args.runs)[:1] + bench_crypto(args.runs, cpu=True)
            print_table(f"Fan-out on sqlite beside the signing ceiling (medians of {args.runs} runs)", rows)
            print(f"load average (1, 5, 15 min) at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
            return
        if args.only == "cluster":
            rows = await asyncio.to_thread(bench_cluster_fan_out, args.postgres_url, workdir, args.followers, args.runs)
            print_table(f"Fan-out with worker processes on postgres (medians of {args.runs} runs)", rows)
            return
        if args.database == "postgres":
            rows = await with_postgres_database(args.postgres_url, lambda url: bench_inbox(args, url, workdir))
            rows += await with_postgres_database(args.postgres_url, lambda url: bench_fan_out(args, url, workdir))
        else:
            rows = await bench_inbox(args, f"sqlite://{workdir / 'inbox.sqlite3'}", workdir)
            rows += await bench_fan_out(args, f"sqlite://{workdir / 'bench.sqlite3'}", workdir)
        if args.database == "postgres":
            rows += await asyncio.to_thread(bench_cluster_fan_out, args.postgres_url, workdir, args.followers, args.runs)
        rows += bench_crypto(args.runs)
        rows += await bench_http(args, workdir)
    print_table(f"Federation benchmark on {args.database} (medians of {args.runs} runs)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inboxes", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=5, help="activities in the second fan-out size")
    parser.add_argument("--followers", type=int, default=300, help="(d) shared inboxes of the cluster fan-out")
    parser.add_argument("--only", choices=("cluster", "fanout"), help="run only part (d) (PostgreSQL), or (b) with the signing ceiling before and after (SQLite)")
    args = parser.parse_args()
    if not 1 <= args.inboxes <= 2000 or not 1 <= args.runs <= 10 or not 1 <= args.activities <= 20 or not 1 <= args.followers <= 1000:
        raise SystemExit("keep the benchmark bounded: inboxes ≤ 2000, runs ≤ 10, activities ≤ 20")
    if args.only == "fanout":
        uvloop.run(main_async(args))  # the loop `serve` (uvicorn) and `worker` run on
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
