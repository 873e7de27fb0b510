"""Work-page benchmark: the page of a work whose remix family holds 1,000 works (DESIGN §7, §8).

    python bench/remix_page.py [--runs 20] [--size 1000] [--postgres URL]

Builds a throwaway database (SQLite, or a new database on the PostgreSQL server at URL), stores
a family of `size` works around one local work (a third above it, the rest below, as
tests/remix_families.py does), then GETs that work's page in-process (httpx.ASGITransport, the
whole app: session, queries, tree, credits, template) `runs` times after one warm-up, and prints
the median and the slowest, in wall and CPU (`process_time`) milliseconds. Target: median < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fediverse_hit.app import create_app
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.settings import ensure_data_dir, load_settings
from fediverse_hit.store.database import apply_migrations, close_database
from tests.remix_families import add_work, build_large_family, remote_actor


async def measure(database_url: str, data_dir: Path, size: int, runs: int) -> dict[str, list[float]]:
    await apply_migrations(database_url)
    await close_database()
    settings = load_settings({"HIT_DOMAIN": "hit.test", "HIT_SCHEME": "http", "HIT_DATA_DIR": str(data_dir),
                              "HIT_DATABASE_URL": database_url})
    ensure_data_dir(settings)
    app = create_app(settings)
    urls = InstanceUrls(scheme="http", domain="hit.test")
    timings: dict[str, list[float]] = {"work page wall": [], "work page cpu": [], "family page wall": []}
    async with app.router.lifespan_context(app):
        account = await create_account("alice", "correct horse battery", urls)
        alice = await account.actor
        authors = [alice, await remote_actor("bob", "b.example"), await remote_actor("carol", "c.example")]
        center = await add_work(alice, "Center", urls, minutes=10**6, upstream_share=5000)
        await build_large_family(center, authors, urls, size - 1)
        path = "/" + center.uri.split("/", 3)[3]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hit.test") as client:
            for target, key in ((path, "work page"), (path + "/family", "family page")):
                (await client.get(target)).raise_for_status()  # warm-up: templates compiled, caches filled
                for _ in range(runs):
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = await client.get(target)
                    timings[f"{key} wall"].append((time.perf_counter() - wall) * 1000)
                    if key == "work page":
                        timings["work page cpu"].append((time.process_time() - cpu) * 1000)
                    assert response.status_code == 200 and "remix-tree-svg" in response.text or key == "family page"
    return timings


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            name = f"hit_bench_{uuid.uuid4().hex[:10]}"
            admin = await asyncpg.connect(f"{args.postgres}/postgres")
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                timings = await measure(f"{args.postgres}/{name}", Path(tmp), args.size, args.runs)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
        else:
            timings = await measure(f"sqlite://{tmp}/bench.sqlite3", Path(tmp), args.size, args.runs)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.size}-work family, {args.runs} runs, {engine}")
    print("| measure | median ms | max ms |")
    print("|---|---|---|")
    for key, values in timings.items():
        print(f"| {key} | {statistics.median(values):.1f} | {max(values):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL without database name")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
