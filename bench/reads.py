"""Read-path benchmark (issue 11): GETs per second of what other servers and visitors fetch,
beside a bare Starlette app serving a 1.3 KB JSON document, on SQLite and PostgreSQL in one run.

    python bench/reads.py [--seconds 5] [--connections 16] [--databases sqlite,postgres]

Loopback only and bounded: every row is one `wrk` run of `--seconds` (after a 1 s warm-up) over
`--connections` keep-alive connections. The server under test (one `serve --no-worker` process,
or the bare app) is pinned to CPU 0 and `wrk` (one thread) to CPU 1 with `taskset`. The bare
ceiling is measured before, between and after the instances; ratios are to their mean. The
machine is shared: the load average is printed beside the table; quote ratios, not req/s.
`--py-spy DIR` records a py-spy profile of the server for each row into DIR (collapsed stacks).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
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
PASSWORD = "benchmark-pass"
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
    """One row: what is fetched, from where, with which headers, and the answer expected."""

    name: str
    path: str
    headers: dict[str, str]
    status: int = 200


@dataclass(frozen=True)
class Result:
    """One wrk run: requests per second, body bytes of one answer, and the share of wrong answers."""

    rate: float
    size: int
    errors: int


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
def pinned_process(command: list[str], env: dict[str, str], health: str, log: Path | None = None) -> Iterator[int]:
    """Run `command` on CPU 0 until the block ends; yields its pid once `health` answers 200.
    Its output goes to `log` when given."""
    with open(log or os.devnull, "w") as output:
        child = subprocess.Popen(["taskset", "-c", "0", *command], env=env, stdout=output, stderr=output)
        try:
            wait_until_up(health)
            yield child.pid
        finally:
            child.terminate()
            child.wait(timeout=15)


def run_wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> tuple[float, int]:
    """One bounded `wrk` run pinned to CPU 1: (requests/s, answers that were not 2xx/3xx)."""
    options = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
               *options, url]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    wrong = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if rate is None:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    return float(rate.group(1)), int(wrong.group(1)) if wrong else 0


def measure_target(base: str, target: Target, args: argparse.Namespace, pid: int, label: str) -> Result:
    """Check one answer, warm up, then measure (with py-spy attached when asked)."""
    answer = httpx.get(base + target.path, headers=target.headers)
    if answer.status_code != target.status:
        raise RuntimeError(f"{target.name}: {answer.status_code}, expected {target.status}")
    run_wrk(base + target.path, target.headers, 1, args.connections)
    spy = None
    if args.py_spy:
        name = re.sub(r"\W+", "-", f"{label}-{target.name}").strip("-").lower()
        spy = subprocess.Popen([py_spy(), "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
                                "--duration", str(int(args.seconds)), "--output", str(Path(args.py_spy) / f"{name}.txt")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rate, errors = run_wrk(base + target.path, target.headers, args.seconds, args.connections)
    if spy is not None:
        spy.wait(timeout=60)
    return Result(rate, len(answer.content), errors)


def py_spy() -> str:
    """py-spy from this virtualenv, else from PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else "py-spy"


def seed(base: str, env: dict[str, str], notes: int) -> str:
    """`notes` public contributions by `alice` (through her outbox, as a client would); the last IRI."""
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


def session_cookie(base: str) -> str:
    """Log `alice` in through the login form; the `Cookie` header her browser would send."""
    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        if token is None:
            raise RuntimeError("the login page has no CSRF token")
        fields = {"csrf_token": token.group(1), "username": "alice", "password": PASSWORD, "next": ""}
        if client.post("/login", data=fields).status_code != 303:
            raise RuntimeError("logging in failed")
        if client.get("/home").status_code != 200:
            raise RuntimeError("logging in did not give a home timeline")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def targets(base: str, note: str, etag: str, cookie: str) -> list[Target]:
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
        Target("home timeline, logged in (HTML)", "/home", {"Cookie": cookie}),
    ]


def measure_instance(database_url: str, workdir: Path, args: argparse.Namespace, label: str) -> dict[str, tuple[str, Result]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HIT_DOMAIN": f"127.0.0.1:{port}", "HIT_SCHEME": "http", "HIT_DATABASE_URL": database_url,
           "HIT_DATA_DIR": str(workdir / f"reads-{port}"), "HIT_ALLOW_PRIVATE_ADDRESSES": "1"}
    subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "user", "create", "alice", "--password", PASSWORD], env=env, check=True, capture_output=True)
    rows = {}
    with pinned_process([*CLI, "serve", "--no-worker", "--port", str(port)], env, f"{base}/healthz") as pid:
        note = seed(base, env, args.notes)
        etag = httpx.get(note, headers={"Accept": AS2}).headers.get("etag", '"none"')
        for target in targets(base, note, etag, session_cookie(base)):
            rows[target.name] = (target.path, measure_target(base, target, args, pid, label))
    return rows


def bare_ceiling(args: argparse.Namespace) -> Result:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with pinned_process([sys.executable, "-c", BARE_APP, str(port)], dict(os.environ), f"{base}/note") as pid:
        return measure_target(base, Target("bare", "/note", {}), args, pid, "bare")


async def measure_postgres(workdir: Path, args: argparse.Namespace) -> dict[str, tuple[str, Result]]:
    async def work(url: str) -> list[dict[str, tuple[str, Result]]]:
        return [await asyncio.to_thread(measure_instance, url, workdir, args, "postgres")]

    return (await with_postgres_database(args.postgres_url, work))[0]  # type: ignore[arg-type, index]


def print_table(columns: dict[str, dict[str, tuple[str, Result]]], bare: list[Result], args: argparse.Namespace) -> None:
    ceiling = sum(result.rate for result in bare) / len(bare)
    names = list(next(iter(columns.values())))
    print(f"\nReads: one `serve --no-worker` process on CPU 0, wrk (1 thread, {args.connections} keep-alive "
          f"connections, {args.seconds} s a row) on CPU 1; {args.notes} public notes by one user\n")
    head = " | ".join(f"{engine} req/s | {engine} of ceiling" for engine in columns)
    print(f"| what | URL | body bytes | {head} |")
    print("|---|---|---|" + "---|---|" * len(columns))
    bare_rates = " / ".join(f"{result.rate:,.0f}" for result in bare)
    print(f"| bare Starlette, 1.3 KB JSON (each measure) | `/note` | {bare[0].size:,} | "
          + " | ".join(f"{bare_rates} | 100 %" for _ in columns) + " |")
    for name in names:
        path, first = next(iter(columns.values()))[name]
        cells = []
        for rows in columns.values():
            result = rows[name][1]
            wrong = f" ({result.errors} wrong)" if result.errors else ""
            cells.append(f"{result.rate:,.0f}{wrong} | {100 * result.rate / ceiling:.1f} %")
        print(f"| {name} | `{path[:60]}` | {first.size:,} | " + " | ".join(cells) + " |")


async def main_async(args: argparse.Namespace) -> None:
    before = os.getloadavg()
    columns: dict[str, dict[str, tuple[str, Result]]] = {}
    bare = [bare_ceiling(args)]
    with tempfile.TemporaryDirectory(prefix="hit-reads-") as tmp:
        workdir = Path(tmp)
        for engine in args.databases:
            if engine == "postgres":
                columns["PostgreSQL"] = await measure_postgres(workdir, args)
            else:
                columns["SQLite"] = measure_instance(f"sqlite://{workdir / 'reads.sqlite3'}", workdir, args, "sqlite")
            bare.append(bare_ceiling(args))
    print_table(columns, bare, args)
    print(f"\nload average (1, 5, 15 min) before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; after: "
          + " ".join(f"{value:.2f}" for value in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres", type=lambda text: text.split(","))
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--notes", type=int, default=50)
    parser.add_argument("--py-spy", metavar="DIR", help="record a py-spy profile of the server for each row")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 30 or not 1 <= args.connections <= 256 or not 1 <= args.notes <= 200:
        raise SystemExit("keep the benchmark bounded: seconds 1–30, connections ≤ 256, notes ≤ 200")
    if not set(args.databases) <= {"sqlite", "postgres"}:
        raise SystemExit("--databases takes sqlite, postgres or both")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if args.py_spy:
        Path(args.py_spy).mkdir(parents=True, exist_ok=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
