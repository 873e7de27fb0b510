"""One instance run as a cluster, for tests on PostgreSQL: `init` once, then web processes
(`serve --no-worker`, each on its own loopback port) and `worker` processes, all sharing one
throwaway database and one data dir (docs/architecture.md, "cluster").

The instance's domain is the first web process's address; requests to the others carry that
`Host`, as nginx forwards it (`Cluster.web_get`, `Cluster.signed_post`). `sockets_of(pid)` lists a
process's TCP client ports (Linux /proc), so a receiver can tell which worker sent a request.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.instances import CLI_COMMAND, STARTUP_TIMEOUT, free_port, instance_env, throwaway_database
from tests.peer import Peer

STOP_TIMEOUT = 10.0


@dataclass
class ClusterProcess:
    """One process of the cluster: a web process (with a port) or a worker."""

    name: str
    args: list[str]
    log_path: Path
    port: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, env: dict[str, str], cwd: Path) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*CLI_COMMAND, *self.args], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        """SIGKILL, by PID: the process gets no chance to release what it holds."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Cluster:
    """Web and worker processes of one instance on one database."""

    data_dir: Path
    database_url: str
    webs: list[ClusterProcess]
    workers: list[ClusterProcess]

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.webs[0].port}"

    @property
    def env(self) -> dict[str, str]:
        return instance_env(self.domain, self.data_dir, self.database_url)

    def public_url(self, path: str) -> str:
        return f"http://{self.domain}{path}"

    def web_url(self, index: int, path: str) -> str:
        """`path` on web process `index` (its own port; send `Host: domain` with it)."""
        return f"http://127.0.0.1:{self.webs[index].port}{path}"

    def web_get(self, index: int, path: str, accept: str = "application/activity+json") -> httpx.Response:
        headers = {"Host": self.domain, "Accept": accept}
        return httpx.get(self.web_url(index, path), headers=headers, timeout=15, trust_env=False)

    def signed_post(self, peer: Peer, index: int, path: str, activity: dict[str, Any]) -> httpx.Response:
        """POST `activity` signed by `peer` for our public URL, sent to web process `index`."""
        payload = json.dumps(activity).encode()
        headers = peer.signed_headers(self.public_url(path), payload) | {"Host": self.domain}
        return httpx.post(self.web_url(index, path), content=payload, headers=headers, timeout=15, trust_env=False)

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [*CLI_COMMAND, *args], env=self.env, cwd=self.data_dir, capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, f"`fediverse-hit {' '.join(args)}` exited {result.returncode}\n{result.stderr}"
        return result.stdout

    def sql(self, query: str, *params: object) -> list[dict[str, Any]]:
        """Run one statement on a connection of our own; the rows as dicts."""

        async def run() -> list[dict[str, Any]]:
            connection = await asyncpg.connect(self.database_url)
            try:
                return [dict(row) for row in await connection.fetch(query, *params)]
            finally:
                await connection.close()

        return asyncio.run(run())

    def terminate_connections(self) -> int:
        """End every backend connected to the database but the admin one that asks."""
        rows = self.sql(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(rows[0]["n"])

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n" + p.log_path.read_text(encoding="utf-8", errors="replace")
            for p in [*self.webs, *self.workers]
            if p.log_path.exists()
        )

    def start(self) -> None:
        """Run `init`, then start every process; return when each web process answers."""
        self.cli("init")
        for process in [*self.webs, *self.workers]:
            process.start(self.env, self.data_dir)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for web in self.webs:
            while True:
                assert web.process is not None and web.process.poll() is None, self.logs()
                assert time.monotonic() < deadline, f"{web.name} not healthy\n{self.logs()}"
                try:
                    if httpx.get(self.web_url(self.webs.index(web), "/healthz"), timeout=2, trust_env=False).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)

    def stop(self) -> None:
        for process in [*self.workers, *self.webs]:
            process.stop()


@contextmanager
def running_cluster(base_dir: Path, webs: int, workers: int) -> Iterator[Cluster]:
    """A started cluster on a new database; every process stopped and the database dropped after."""
    data_dir = base_dir / "instance"
    data_dir.mkdir(parents=True)
    with throwaway_database(data_dir) as database_url:
        cluster = Cluster(
            data_dir,
            database_url,
            [
                ClusterProcess(f"web{n + 1}", ["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                               data_dir / f"web{n + 1}.log", port)
                for n, port in enumerate(free_port() for _ in range(webs))
            ],
            [ClusterProcess(f"worker{n + 1}", ["worker"], data_dir / f"worker{n + 1}.log") for n in range(workers)],
        )
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()


def sockets_of(pid: int) -> set[str]:
    """`pid`'s IPv4 TCP connections as `local port@remote address` (from /proc; Linux), the key
    bench/inbox_sink.py counts accepted POSTs by."""
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir() if fd_dir.exists() else []:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    connections = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[9] in inodes:
            local_port = int(fields[1].split(":")[1], 16)
            remote = fields[2].split(":")[0]
            address = ".".join(str(int(remote[i : i + 2], 16)) for i in (6, 4, 2, 0))  # little-endian hex
            connections.add(f"{local_port}@{address}")
    return connections
