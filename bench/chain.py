"""Attribution-chain benchmarks (pure protocol code; no server, no database, no network).

    python bench/chain.py [--runs 5]

(a) verify a chain of depth 100 from its bundle (parse included, and alone);
(b) verify a DAG of 1,000 nodes (each citing up to 3 earlier works) from its bundle;
    both per node, beside the floor: one Ed25519 verify plus one JCS canonicalization of the same
    objects (the least any verifier must do per signed object; target: within 2x of it);
(c) credits (exact rationals, then largest remainder) for a DAG of 10,000 nodes.
Prints a table of medians over the runs. Times are CPU time of this process (`process_time`):
the machine is shared, and wall time under contention measures the neighbours, not this code.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rfc8785

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fediverse_hit.protocol.attribution import verify_chain
from fediverse_hit.protocol.canonical_json import canonicalize
from fediverse_hit.protocol.chain_bundles import BundledObject, build_chain_bundle, parse_chain_bundle
from fediverse_hit.protocol.credits import CreditNode, CreditSource, compute_credits
from fediverse_hit.protocol.integrity_proofs import hash_proof_data, remove_proof
from fediverse_hit.protocol.multibase import decode_base58btc
from fediverse_hit.protocol.remix_sources import equal_weights
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from tests.protocol.chain_worlds import Author, Cite, make_note

AUTHORS = [Author("a.example", "alice"), Author("b.example", "bob"), Author("c.example", "carol")]


def build_graph(count: int, max_sources: int, seed: int) -> list[dict[str, Any]]:
    """`count` signed notes; note i cites up to `max_sources` of the notes built before it, and
    always the previous one, so the last note built (the root) reaches every other."""
    rng = random.Random(seed)
    notes: list[dict[str, Any]] = []
    for index in range(count):
        earlier = list(range(index))
        cited = [index - 1] + rng.sample(earlier[:-1], min(len(earlier) - 1, max_sources - 1)) if earlier else []
        weights = equal_weights(len(cited)) if cited else ()
        cites = [Cite(notes[i], weight) for i, weight in zip(cited, weights)]
        notes.append(make_note(AUTHORS[index % 3], index + 1, f"work {index}", cites))
    return notes


def build_bundle_text(notes: list[dict[str, Any]]) -> str:
    entries = [BundledObject(str(n["id"]), compute_digest_multibase(n), json.dumps(n)) for n in notes]
    actors = [(author.id, json.dumps(author.actor_document())) for author in AUTHORS]
    return json.dumps(build_chain_bundle(entries[-1], entries[:-1], actors))


def timed(action: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of `action` over `runs` runs."""
    samples = []
    for _ in range(runs):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def verify_bundle(text: str) -> int:
    bundle = parse_chain_bundle(text)
    assert bundle.root is not None
    report = verify_chain(bundle.root, bundle.lookup_object, bundle.actor_lookup())
    assert report.holds(strict=True), [link for link in report.links if not link.verdict.holds][:1]
    return len(report.links)


def floor_per_object(notes: list[dict[str, Any]], runs: int, jcs: Callable[[Any], bytes]) -> float:
    """One JCS canonicalization of each object plus one Ed25519 verify of its proof."""
    keys = {author.key_id: author.key.public_key() for author in AUTHORS}
    prepared = []
    for note in notes:
        proof = note["proof"]
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        data = hash_proof_data(remove_proof(note), options)
        prepared.append((note, keys[proof["verificationMethod"]], decode_base58btc(proof["proofValue"]), data))

    def run() -> None:
        for note, key, signature, data in prepared:
            jcs(note)
            key.verify(signature, data)

    return timed(run, runs) / len(notes)


def credits_graph(layers: int, width: int, seed: int) -> dict[str, CreditNode]:
    """A work citing `width` pieces, each citing 1 to 3 pieces of the layer below, `layers` deep
    (a depth verification accepts: at most 1000), random upstream shares, 500 actors."""
    rng = random.Random(seed)
    nodes = {"work": CreditNode(("curator",), 5000, tuple(
        CreditSource(f"0.{j}", w, ("nobody",)) for j, w in enumerate(equal_weights(width))))}
    for layer in range(layers):
        for j in range(width):
            cited = [] if layer == layers - 1 else sorted({j, *rng.sample(range(width), rng.randint(0, 2))})
            sources = tuple(CreditSource(f"{layer + 1}.{i}", w, ("nobody",)) for i, w in zip(cited, equal_weights(len(cited)) if cited else ()))
            actor = f"actor{(layer * width + j) % 500}"
            nodes[f"{layer}.{j}"] = CreditNode((actor,), rng.randint(0, 10000), sources)
    return nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows = []
    for label, count, max_sources in (("(a) chain, depth 100", 101, 1), ("(b) DAG", 1000, 3)):
        notes = build_graph(count, max_sources, seed=count)
        text = build_bundle_text(notes)
        links = verify_bundle(text)
        total = timed(lambda: verify_bundle(text), runs)
        parse = timed(lambda: parse_chain_bundle(text), runs)
        size = f"{count} nodes, {links} links, {len(text) / 1e6:.1f} MB"
        rows.append((f"{label}: parse + verify", size, f"{total * 1e3:.0f} ms", f"{total / count * 1e6:.0f} µs/node"))
        rows.append((f"{label}: parse the bundle alone", size, f"{parse * 1e3:.0f} ms", f"{parse / count * 1e6:.0f} µs/node"))
        for name, jcs in (("rfc8785", rfc8785.dumps), ("canonical_json", canonicalize)):
            floor = floor_per_object(notes, runs, jcs)
            rows.append((f"{label}: floor, Ed25519 verify + JCS ({name})", f"{count} objects", "",
                         f"{floor * 1e6:.0f} µs/node; ratio {total / count / floor:.2f}×"))
    for layers, width in ((1000, 10), (200, 50)):
        nodes = credits_graph(layers, width, seed=1)
        credit_time = timed(lambda: compute_credits("work", nodes), runs)
        edges = sum(len(node.sources) for node in nodes.values())
        size = f"{len(nodes):,} nodes, {edges:,} edges, depth {layers}"
        rows.append(("(c) credits", size, f"{credit_time * 1e3:.0f} ms", f"{credit_time / len(nodes) * 1e6:.0f} µs/node"))
    print(f"medians of {runs} runs")
    print(f"| {'measure':<58} | {'size':<36} | {'time':>8} | per node |")
    print(f"|{'-' * 60}|{'-' * 38}|{'-' * 10}|---|")
    for row in rows:
        print(f"| {row[0]:<58} | {row[1]:<36} | {row[2]:>8} | {row[3]} |")


if __name__ == "__main__":
    main()
