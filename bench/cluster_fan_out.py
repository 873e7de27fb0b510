"""(d) Fan-out with worker processes on PostgreSQL (issue 14): one `serve --no-worker` process and
1 or 2 `worker` processes on one fresh database; alice has N remote followers, one per loopback
host 127.0.x.y, each with its own shared inbox path on one verifying sink process.

Each run posts a public note through the client-to-server API and measures, from the 201, the
time to the first delivery and to the last (deliveries per second = N / time to the last).
The first run of each cluster is every host's first contact; later runs reuse connections.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import asyncpg
import httpx

from bench.inbox_sink import SinkProcess
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Actor, ActorKey, Follow

AS = "https://www.w3.org/ns/activitystreams"
PASSWORD = "correct horse battery"
DEADLINE = 120.0
_SCRIPT = Path(sys.executable).with_name("fediverse-hit")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "fediverse_hit"]
Row = tuple[str, str, list[float], str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _database(admin_url: str) -> Iterator[str]:
    name = f"hit_bench_cluster_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(f"{admin_url}/postgres")
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _seed_followers(database_url: str, inboxes: list[str]) -> dict[str, str]:
    await open_database(database_url)
    try:
        alice = await Actor.get(username="alice", local=True)
        for number, inbox in enumerate(inboxes):
            host = inbox.split("/")[2]
            actor = await Actor.create(uri=f"http://{host}/users/f{number}", username=f"f{number}", domain=host,
                                       inbox=f"http://{host}/users/f{number}/inbox", shared_inbox=inbox)
            await Follow.create(follower=actor, followed=alice, state="accepted", activity_uri=f"{actor.uri}#follow")
        return {key.key_id: key.public_pem for key in await ActorKey.filter(actor=alice, algorithm="rsa")}
    finally:
        await close_database()


@contextmanager
def _processes(env: dict[str, str], workdir: Path, port: int, workers: int) -> Iterator[None]:
    """One web process and `workers` worker processes, stopped (by PID) at the end."""
    with ExitStack() as stack:
        commands = [["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)]] + [["worker"]] * workers
        for number, args in enumerate(commands):
            log = stack.enter_context((workdir / f"{args[0]}-{number}.log").open("ab"))
            process = subprocess.Popen([*CLI, *args], env=env, cwd=workdir, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT)
            stack.callback(_stop, process)
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("web process did not start")
            time.sleep(0.1)
        time.sleep(2.0)  # the workers open their database and change-feed connections
        yield


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _cli(env: dict[str, str], workdir: Path, *args: str) -> str:
    result = subprocess.run([*CLI, *args], env=env, cwd=workdir, capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL, check=True)
    return result.stdout


def _fan_out_once(sink: SinkProcess, web: str, token: str, followers: int) -> tuple[float, float]:
    """Post one note; (seconds from the 201 to its first delivery, to its last)."""
    known = set(sink.stats()["first_seen"])
    note = {"@context": AS, "type": "Note", "content": f"bench {uuid.uuid4().hex}", "to": [f"{AS}#Public"]}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/activity+json"}
    response = httpx.post(f"{web}/users/alice/outbox", json=note, headers=headers, timeout=30, trust_env=False)
    answered = time.time()
    if response.status_code != 201:
        raise RuntimeError(f"post answered {response.status_code}")
    deadline = time.monotonic() + DEADLINE
    while True:
        stats = sink.stats()
        new = set(stats["first_seen"]) - known
        if new:
            activity_id = new.pop()
            if sum(1 for entry in stats["paths"].values() if activity_id in entry["accepted"]) >= followers:
                return stats["first_seen"][activity_id] - answered, stats["last_seen"][activity_id] - answered
        if time.monotonic() > deadline:
            raise RuntimeError("fan-out did not finish in time")
        time.sleep(0.05)


def bench_cluster_fan_out(admin_url: str, workdir: Path, followers: int, runs: int) -> list[Row]:
    """(d) The same fan-out with 1 and with 2 worker processes, side by side."""
    rows: list[Row] = []
    hosts = [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(followers)]
    for workers in (1, 2):
        firsts, rates = [], []
        with _database(admin_url) as database_url:
            port, sink_port = _free_port(), _free_port()
            data_dir = workdir / f"cluster-{workers}"
            data_dir.mkdir()
            env = {k: v for k, v in os.environ.items() if not k.startswith("HIT_")} | {
                "HIT_DOMAIN": f"127.0.0.1:{port}", "HIT_SCHEME": "http", "HIT_DATA_DIR": str(data_dir),
                "HIT_DATABASE_URL": database_url, "HIT_ALLOW_PRIVATE_ADDRESSES": "1",
            }
            _cli(env, data_dir, "init")
            _cli(env, data_dir, "user", "create", "alice", "--password", PASSWORD)
            token = _cli(env, data_dir, "token", "create", "alice").strip().splitlines()[-1]
            inboxes = [f"http://{host}:{sink_port}/shared/{n}" for n, host in enumerate(hosts)]
            keys = asyncio.run(_seed_followers(database_url, inboxes))
            with SinkProcess(data_dir, keys, hosts, port=sink_port) as sink, _processes(env, data_dir, port, workers):
                for _ in range(runs):
                    first, last = _fan_out_once(sink, f"http://127.0.0.1:{port}", token, followers)
                    firsts.append(first * 1000)
                    rates.append(followers / last)
        label = f"{workers} worker process{'es' if workers > 1 else ''}"
        rows.append((f"(d) fan-out, {label}", f"1 act × {followers} inboxes, run 1 first contact", rates, "deliveries/s"))
        rows.append((f"(d) post 201 → first delivery, {label}", "same posts", firsts, "ms"))
    print(f"   cores: {os.cpu_count()}", file=sys.stderr)
    return rows
