"""docs/attribution-chains.md's worked example stays true: its digests recompute, its proofs verify
with its actors' keys, and its stated key seeds give those keys."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.attribution import Verdict, verify_chain
from fediverse_hit.protocol.credits import CreditNode, CreditSource, compute_credits
from fediverse_hit.protocol.integrity_proofs import VerificationPolicy
from fediverse_hit.protocol.keys import public_key_to_multibase
from fediverse_hit.protocol.source_digests import compute_digest_multibase

DOC = (Path(__file__).resolve().parents[2] / "docs" / "attribution-chains.md").read_text(encoding="utf-8")
EXAMPLES = dict(re.findall(r"<!-- example:([\w-]+) -->\n```(?:json)?\n(.*?)\n```", DOC, re.DOTALL))
DIGESTS = dict(re.findall(r"<!-- digest:(\w+) -->`(z\w+)`", DOC))
POLICY = VerificationPolicy(now=datetime(2026, 2, 1, tzinfo=UTC))


def example(name: str) -> Any:
    return json.loads(EXAMPLES[name])


def test_doc_has_every_example() -> None:
    assert set(EXAMPLES) == {"alice", "original", "original-jcs", "remix", "bob"}
    assert set(DIGESTS) == {"original", "remix"}


@pytest.mark.parametrize("name", ["original", "remix"])
def test_doc_digests_recompute(name: str) -> None:
    assert compute_digest_multibase(example(name)) == DIGESTS[name]


def test_doc_jcs_bytes_are_the_originals_canonical_form() -> None:
    assert rfc8785.dumps(example("original")) == EXAMPLES["original-jcs"].encode("utf-8")
    sha = hashlib.sha256(EXAMPLES["original-jcs"].encode("utf-8")).hexdigest()
    assert f"SHA-256 of those bytes is `{sha}`" in DOC


def test_doc_remix_pins_the_originals_digest() -> None:
    assert example("remix")["fhit:sources"][0]["digestMultibase"] == DIGESTS["original"]


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_doc_keys_come_from_the_stated_seeds(name: str) -> None:
    seed = hashlib.sha256(f"worked example {name}".encode()).digest()
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert example(name)["assertionMethod"][0]["publicKeyMultibase"] == public_key_to_multibase(key)


def test_doc_chain_verifies_and_credits_split_evenly() -> None:
    actors = {example(name)["id"]: example(name) for name in ("alice", "bob")}
    original = example("original")
    versions = {(original["id"], DIGESTS["original"]): original}
    report = verify_chain(example("remix"), lambda i, d: versions.get((i, d)), actors.get, POLICY)
    assert [link.verdict for link in report.links] == [Verdict.VERIFIED, Verdict.VERIFIED]
    nodes = {"remix": CreditNode(("bob",), 5000, (CreditSource("original", 10000, ("alice",)),)),
             "original": CreditNode(("alice",))}
    assert compute_credits("remix", nodes) == {"alice": 5000, "bob": 5000}
