"""digestMultibase of a source: known answers from independent tools (tests/fixtures/source-digests)
and from W3C's published document hash, plus tampering."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.protocol.multibase import decode_base58btc, encode_base58btc
from fediverse_hit.protocol.source_digests import (
    SourceDigestError,
    check_digest_multibase,
    compute_digest_multibase,
    digest_matches,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED: dict[str, str] = json.loads((FIXTURES / "source-digests" / "expected.json").read_text())
SIGNED_VECTOR = "vc-di-eddsa/eddsa-jcs-2022/signedJCS.json"


def read_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_digest_matches_independent_node_computation(name: str) -> None:
    assert compute_digest_multibase(read_fixture(name)) == EXPECTED[name]


def test_digest_of_unsigned_vector_wraps_w3c_published_document_hash() -> None:
    published = (FIXTURES / "vc-di-eddsa/eddsa-jcs-2022/docHashJCS.txt").read_text().strip()
    digest = compute_digest_multibase(read_fixture("vc-di-eddsa/unsigned.json"))
    assert digest.startswith("z")
    assert decode_base58btc(digest) == b"\x12\x20" + bytes.fromhex(published)


def test_digest_covers_the_proof() -> None:
    """Hostile input: the same document with its proofValue swapped must not keep the digest."""
    signed = read_fixture(SIGNED_VECTOR)
    altered = copy.deepcopy(signed)
    altered["proof"]["proofValue"] = altered["proof"]["proofValue"][:-1] + "1"
    assert compute_digest_multibase(altered) != EXPECTED[SIGNED_VECTOR]


def test_digest_changes_with_one_content_character() -> None:
    signed = read_fixture(SIGNED_VECTOR)
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["alumniOf"] += "."
    assert not digest_matches(altered, EXPECTED[SIGNED_VECTOR])
    assert digest_matches(signed, EXPECTED[SIGNED_VECTOR])


def test_digest_ignores_key_order_and_whitespace() -> None:
    signed = read_fixture(SIGNED_VECTOR)
    reordered = json.loads(json.dumps(dict(reversed(list(signed.items()))), indent=4))
    assert compute_digest_multibase(reordered) == EXPECTED[SIGNED_VECTOR]


def test_uncanonicalizable_object_is_refused() -> None:
    with pytest.raises(SourceDigestError, match="canonicalized"):
        compute_digest_multibase({"value": float("nan")})


@pytest.mark.parametrize(
    "value",
    [
        None,
        5,
        "",
        "QmS731mhJxHvsFmBqPm23NioGVDcQzyKwGBiEamo8qoefq",  # no multibase header
        "uEiA",  # base64url header
        "z0OIl",  # not base58
        encode_base58btc(b"\x13\x40" + bytes(64)),  # sha2-512 multihash
        encode_base58btc(b"\x12\x20" + bytes(31)),  # truncated digest
        "z" + "2" * 100,  # long enough to cost real decoding work
    ],
)
def test_malformed_digest_multibase_is_refused(value: object) -> None:
    """Hostile input: anything but a base58btc sha2-256 multihash."""
    with pytest.raises(SourceDigestError):
        check_digest_multibase(value)


def test_well_formed_digest_multibase_is_accepted() -> None:
    assert check_digest_multibase(EXPECTED[SIGNED_VECTOR]) == EXPECTED[SIGNED_VECTOR]
