"""Real Fediverse Hit instances as subprocesses, for federation tests (DESIGN.md §10).

Each instance is `fediverse-hit init` then `fediverse-hit serve` on its own free loopback port,
with its own data dir and its own database: a SQLite file in the data dir, or, when
`HIT_TEST_POSTGRES_URL` is set, a throwaway PostgreSQL database created and dropped here.
Use the `instances` fixture, or `module_instances` to share them across a module (both
registered by tests/conftest.py):

    def test_something(instances: InstanceFactory) -> None:
        a, b = instances.start(2)
        a.cli("user", "create", "alice", "--password", "correct horse battery")
        httpx.get(a.url("/.well-known/nodeinfo"))

When a test fails, each instance's server output is attached to the report.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Coroutine, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

POSTGRES_URL = os.environ.get("HIT_TEST_POSTGRES_URL", "").rstrip("/")
# Generous: on a loaded 2-core machine (CI beside other work) start-up has taken over 30 s; a
# server that never comes up still fails well inside the per-test timeout (pyproject.toml).
STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
CLI_TIMEOUT = 60.0
INSTANCE_NAMES = "abcdefghijklmnopqrstuvwxyz"

# The console script beside the running interpreter (the project's venv), else `python -m`.
_SCRIPT = Path(sys.executable).with_name("fediverse-hit")
CLI_COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "fediverse_hit"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_coroutine(coro: Coroutine[Any, Any, None]) -> None:
    # In a thread of its own, so that async tests (whose loop is running) can start instances too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


async def _postgres_admin(sql: str) -> None:
    connection = await asyncpg.connect(f"{POSTGRES_URL}/postgres")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def throwaway_database(data_dir: Path) -> Iterator[str]:
    """An empty database URL: a new PostgreSQL database (dropped on exit) or a SQLite file."""
    if not POSTGRES_URL:
        yield f"sqlite://{data_dir / 'hit.sqlite3'}"
        return
    name = f"hit_instance_{uuid.uuid4().hex[:12]}"
    _run_coroutine(_postgres_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        _run_coroutine(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _as_text(output: str | bytes | None) -> str:
    # On timeout, subprocess hands over the partial output as bytes even in text mode.
    if isinstance(output, bytes):
        return output.decode("utf-8", errors="replace")
    return output or ""


def instance_env(domain: str, data_dir: Path, database_url: str) -> dict[str, str]:
    """The process environment of one instance: ours, with every HIT_* setting replaced."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HIT_")}
    env.update(
        HIT_DOMAIN=domain,
        HIT_SCHEME="http",
        HIT_DATA_DIR=str(data_dir),
        HIT_DATABASE_URL=database_url,
        HIT_ALLOW_PRIVATE_ADDRESSES="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Instance:
    """One running instance: where it listens, its files, and a way to run its CLI."""

    name: str
    port: int
    data_dir: Path
    database_url: str
    env: dict[str, str] = field(repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "serve.log"

    def url(self, path: str) -> str:
        """An absolute URL on this instance for `path` (which starts with `/`)."""
        return self.base_url + path

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `fediverse-hit ARGS…` against this instance; fails the test on a non-zero exit."""
        command = f"`fediverse-hit {' '.join(args)}` on instance {self.name}"
        try:
            result = subprocess.run(
                [*CLI_COMMAND, *args],
                env=self.env,
                cwd=self.data_dir,
                capture_output=True,
                text=True,
                timeout=CLI_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(
                f"{command} did not finish in {CLI_TIMEOUT:.0f} s\n"
                f"--- stdout ---\n{_as_text(exc.stdout)}--- stderr ---\n{_as_text(exc.stderr)}"
            ) from None
        if check and result.returncode != 0:
            raise AssertionError(
                f"{command} exited {result.returncode}\n"
                f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}"
            )
        return result

    def server_log(self) -> str:
        """What the server process wrote to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self, *serve_options: str) -> None:
        """Launch `fediverse-hit serve` (with `serve_options`) and wait until `/healthz` answers."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*CLI_COMMAND, "serve", "--host", "127.0.0.1", "--port", str(self.port), *serve_options],
                env=self.env,
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"instance {self.name} ({self.base_url}) exited with {self.process.returncode} "
                    f"while starting:\n{self.server_log()}"
                )
            try:
                # trust_env=False: a proxy configured in the environment must not see loopback traffic.
                if httpx.get(self.url("/healthz"), timeout=2.0, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"instance {self.name} ({self.base_url}) not healthy after {STARTUP_TIMEOUT:.0f} s:\n"
            + self.server_log()
        )

    def stop(self) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL if it has not exited in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)


class InstanceFactory:
    """Starts instances on demand and stops them (and drops their databases) at the end."""

    def __init__(self, base_dir: Path) -> None:
        self._base_dir = base_dir
        self._cleanup = ExitStack()
        self.started: list[Instance] = []
        _LIVE_FACTORIES.append(self)

    def start(self, count: int = 1) -> list[Instance]:
        """Initialise and start `count` more instances (in parallel); returns them once all are healthy."""
        created = [self._prepare() for _ in range(count)]
        with ThreadPoolExecutor(max_workers=max(count, 1)) as pool:
            list(pool.map(self._launch, created))
        return created

    def _prepare(self) -> Instance:
        index = len(self.started)
        name = INSTANCE_NAMES[index] if index < len(INSTANCE_NAMES) else f"i{index}"
        data_dir = self._base_dir / name
        data_dir.mkdir(parents=True)
        port = free_port()
        database_url = self._cleanup.enter_context(throwaway_database(data_dir))
        env = instance_env(f"127.0.0.1:{port}", data_dir, database_url)
        instance = Instance(name, port, data_dir, database_url, env)
        self._cleanup.callback(instance.stop)
        self.started.append(instance)
        return instance

    @staticmethod
    def _launch(instance: Instance) -> None:
        instance.cli("init")
        instance.start()

    def close(self) -> None:
        """Stop every instance (newest first), then drop their databases."""
        try:
            self._cleanup.close()
        finally:
            _LIVE_FACTORIES.remove(self)


# Factories not yet closed: their instances' output goes into the report of a failing test.
_LIVE_FACTORIES: list[InstanceFactory] = []


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[InstanceFactory]:
    """A factory of real instances: `a, b = instances.start(2)`; all are stopped after the test."""
    factory = InstanceFactory(tmp_path / "instances")
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture(scope="module")
def module_instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstanceFactory]:
    """Like `instances`, but shared by the tests of one module (stopped after its last test)."""
    factory = InstanceFactory(tmp_path_factory.mktemp("instances"))
    try:
        yield factory
    finally:
        factory.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, attach the output of every running instance to the test report."""
    report = yield
    if report.failed:
        for factory in _LIVE_FACTORIES:
            for instance in factory.started:
                title = f"server output of instance {instance.name} ({instance.base_url})"
                report.sections.append((title, instance.server_log()))
    return report
