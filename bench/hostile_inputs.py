"""Hostile inputs benchmark: does one pathological 1 MB activity slow down everyone else?

    python bench/hostile_inputs.py [--size 1000000] [--shapes "nested <ul><li>,unclosed <a (no >)"] [--repeat 3]

Starts a real instance (`serve`, with its in-process worker, SQLite) with user `alice`, and for
each pathological shape POSTs a correctly signed Create of a Note whose `content` (or, for an
Article, `name`) is that shape repeated to about `--size` bytes, addressed to alice so that it is
processed and stored. Meanwhile two probes GET `/healthz` and alice's actor document, each every
10 ms, and record how long each answer took. Prints one row per shape: the body size, how long the
POST took to be answered (202), how long processing took (202 until the inbox item is processed),
and the p50 / max latency of the probes from the POST until processing ended. The first row is a
control: an ordinary post of about 1 KB, whose probe latencies are what the machine gives anyway.
With `--repeat N` every shape is sent N times and each column is the median of the N runs (the
range of the max is shown too). The load average is printed before and after: on a shared machine,
read the rows against it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.inbox_load import AS2, actor_server, instance
from fediverse_hit.protocol.http_signatures import sign_request_headers
from fediverse_hit.protocol.keys import generate_rsa_key, load_private_key

PROBE_EVERY = 0.010  # seconds between two probes of one kind
DEADLINE = 300.0  # seconds one shape may take to be processed
INBOX_LIMIT = 1024 * 1024  # the inbox refuses larger bodies (413)
# Name → (the repeated unit, the field it fills).
SHAPES: dict[str, tuple[str, str]] = {
    "unclosed <h1>…<h6>": ("<h1>x<h2>x<h3>x<h4>x<h5>x<h6>x", "content"),
    "unclosed <h1 (no >)": ("<h1 ", "content"),
    "unclosed <a (no >)": ("<a ", "content"),
    "unclosed <a (no >) in Article name": ("<a ", "name"),
    "unclosed <a href=x>": ("<a href=x>", "content"),
    "<b><i><u> repeated": ("<b><i><u>", "content"),
    "<!-- unclosed": ("<!--", "content"),
    "<![CDATA[": ("<![CDATA[", "content"),
    "& entity soup": ("&amp;&#x41;&lt&&#99999999;", "content"),
    "nested <blockquote>": ("<blockquote>", "content"),
    "nested <ul><li>": ("<ul><li>", "content"),
    "no tag at all": ("lorem ipsum ", "content"),
    "many <br>": ("<br>", "content"),
}


def hostile_activity(actor: str, alice: str, unit: str, field: str, size: int) -> dict[str, Any]:
    note_id = f"{actor}/notes/{uuid.uuid4().hex}"
    note: dict[str, Any] = {
        "id": note_id, "type": "Article" if field == "name" else "Note", "attributedTo": actor,
        "to": [alice], "cc": [], "published": "2026-12-05T12:00:00Z", "content": "<p>hello</p>",
        "tag": [{"type": "Mention", "href": alice, "name": "@alice"}],
    }
    note[field] = unit * (size // len(unit))
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note_id}/activity",
            "type": "Create", "actor": actor, "to": [alice], "object": note}


def signed_body(base: str, actor: str, private_pem: str, activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(activity).encode()
    while len(body) > INBOX_LIMIT:  # JSON escaping grew it past the inbox limit: trim the field
        field = "name" if activity["object"]["type"] == "Article" else "content"
        activity["object"][field] = activity["object"][field][: -(len(body) - INBOX_LIMIT) - 64]
        body = json.dumps(activity).encode()
    url = f"{base}/users/alice/inbox"
    headers = {"Host": base.removeprefix("http://"), "Content-Type": AS2}
    headers |= sign_request_headers("POST", url, headers, body, key_id=f"{actor}#main-key",
                                    private_key=load_private_key(private_pem))
    return body, headers


def processed(database: Path, activity_id: str) -> bool:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(
            "SELECT processed_at, state FROM inbox_items WHERE activity_id = ?", (activity_id,)
        ).fetchone()
    return row is not None and (row[0] is not None or row[1] not in ("pending", "processing"))


async def probe(client: httpx.AsyncClient, path: str, headers: dict[str, str], stop: asyncio.Event,
                latencies: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        await asyncio.sleep(PROBE_EVERY)


async def measure(base: str, database: Path, body: bytes, headers: dict[str, str], activity_id: str) -> dict[str, Any]:
    stop, latencies = asyncio.Event(), {"healthz": [], "actor": []}  # type: dict[str, list[float]]
    async with httpx.AsyncClient(base_url=base, timeout=DEADLINE) as probes, \
            httpx.AsyncClient(base_url=base, timeout=DEADLINE) as poster:
        tasks = [asyncio.create_task(probe(probes, "/healthz", {}, stop, latencies["healthz"])),
                 asyncio.create_task(probe(probes, "/users/alice", {"Accept": AS2}, stop, latencies["actor"]))]
        started = time.perf_counter()
        response = await poster.post("/users/alice/inbox", content=body, headers=headers)
        accepted = time.perf_counter()
        if response.status_code != 202:
            raise RuntimeError(f"the inbox answered {response.status_code}: {response.text[:200]}")
        while not await asyncio.to_thread(processed, database, activity_id):
            if time.perf_counter() - accepted > DEADLINE:
                raise RuntimeError("not processed in time")
            await asyncio.sleep(0.02)
        done = time.perf_counter()
        stop.set()
        await asyncio.gather(*tasks)
    during = sorted(latencies["healthz"] + latencies["actor"])
    return {"post": accepted - started, "processing": done - accepted,
            "p50": statistics.median(during), "max": during[-1], "probes": len(during)}


CONTROL = "control: an ordinary 1 KB post"


async def run(size: int, names: list[str], repeat: int) -> None:
    keys = generate_rsa_key()
    with tempfile.TemporaryDirectory(prefix="hit-hostile-") as temporary:
        workdir = Path(temporary)
        database = workdir / "hostile.sqlite3"
        with actor_server(keys.public_pem) as actor, \
                instance(f"sqlite://{database}", workdir, worker=True) as base:
            alice = f"{base}/users/alice"
            warm = hostile_activity(actor, alice, "<p>warm-up</p>", "content", 20)
            body, headers = signed_body(base, actor, keys.private_pem, warm)
            await measure(base, database, body, headers, warm["id"])  # fetches the key and the actor
            print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            print(f"| shape | body | POST → 202 | processing | other requests p50 | max | probes |")
            print("|---|---|---|---|---|---|---|")
            for name in [CONTROL, *names]:
                unit, field = ("<p>An ordinary post.</p>", "content") if name == CONTROL else SHAPES[name]
                rows = []
                for _ in range(repeat):
                    activity = hostile_activity(actor, alice, unit, field, 1_000 if name == CONTROL else size)
                    body, headers = signed_body(base, actor, keys.private_pem, activity)
                    rows.append(await measure(base, database, body, headers, activity["id"]))
                print(format_row(name, len(body), rows), flush=True)
            print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def format_row(name: str, size: int, rows: list[dict[str, Any]]) -> str:
    """One table row: the median of each column over `rows`, and the range of the max."""
    def median_ms(column: str) -> float:
        return float(statistics.median(row[column] for row in rows)) * 1000

    spread = "" if len(rows) == 1 else \
        f" ({min(row['max'] for row in rows) * 1000:.0f}–{max(row['max'] for row in rows) * 1000:.0f})"
    return (f"| {name} | {size / 1e6:.3f} MB | {median_ms('post'):.0f} ms | {median_ms('processing'):.0f} ms"
            f" | {median_ms('p50'):.1f} ms | {median_ms('max'):.0f} ms{spread}"
            f" | {statistics.median(row['probes'] for row in rows):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of the pathological field")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shape names")
    parser.add_argument("--repeat", type=int, default=1, help="runs per shape; columns are their medians")
    args = parser.parse_args()
    asyncio.run(run(args.size, [name.strip() for name in args.shapes.split(",")], args.repeat))


if __name__ == "__main__":
    main()
