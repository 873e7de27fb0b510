"""Chain bundles: a chain verifies offline from one, exact texts are kept, and hostile bundles
(oversized, duplicate keys, altered documents) are refused or caught."""

from __future__ import annotations

import json

import pytest

from fediverse_hit.protocol import chain_bundles
from fediverse_hit.protocol.attribution import Verdict, verify_chain
from fediverse_hit.protocol.chain_bundles import (
    BundledObject,
    BundleError,
    ChainBundle,
    build_chain_bundle,
    parse_chain_bundle,
)
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from tests.protocol.chain_worlds import JsonObject
from tests.protocol.test_attribution import ALICE, AUTHORS, CHAIN

DIGEST = compute_digest_multibase(CHAIN[0])


def entry(document: JsonObject, text: str | None = None) -> BundledObject:
    return BundledObject(str(document["id"]), compute_digest_multibase(document), text or json.dumps(document, indent=2))


def bundle_json(texts: dict[int, str] | None = None) -> JsonObject:
    texts = texts or {}
    objects = [entry(document, texts.get(level)) for level, document in enumerate(CHAIN)]
    actors = [(author.id, json.dumps(author.actor_document())) for author in AUTHORS]
    return build_chain_bundle(objects[0], objects[1:], actors)


def verify_bundle(bundle: ChainBundle) -> list[Verdict]:
    assert bundle.root is not None
    report = verify_chain(bundle.root, bundle.lookup_object, bundle.actor_lookup())
    return [link.verdict for link in report.links]


def test_bundle_shape() -> None:
    bundle = bundle_json()
    assert bundle["type"] == "fhit:ChainBundle"
    assert bundle["root"] == {"id": CHAIN[0]["id"], "digestMultibase": DIGEST}
    assert [item["id"] for item in bundle["objects"]] == [doc["id"] for doc in CHAIN]
    assert all(isinstance(item["document"], str) for item in bundle["objects"] + bundle["actors"])


def test_chain_verifies_offline_from_its_bundle() -> None:
    bundle = parse_chain_bundle(json.dumps(bundle_json()))
    assert verify_bundle(bundle) == [Verdict.VERIFIED] * 4


def test_bundle_document_text_altered_is_tampered() -> None:
    """Hostile input: the bundle keeps the claimed digest but changes carol's remix's content."""
    altered = json.dumps(CHAIN[2]).replace("carol's remix", "mallory's remix")
    bundle = parse_chain_bundle(json.dumps(bundle_json({2: altered})))
    assert verify_bundle(bundle) == [Verdict.VERIFIED, Verdict.VERIFIED, Verdict.TAMPERED]


def test_bundle_without_an_ancestor_reports_it_unavailable() -> None:
    data = bundle_json()
    del data["objects"][3]
    assert verify_bundle(parse_chain_bundle(json.dumps(data)))[-1] is Verdict.UNAVAILABLE


def test_bundle_without_an_authors_actor_reports_it_unavailable() -> None:
    data = bundle_json()
    data["actors"] = [item for item in data["actors"] if item["id"] != ALICE.id]
    assert verify_bundle(parse_chain_bundle(json.dumps(data)))[0] is Verdict.UNAVAILABLE


def test_duplicate_keys_inside_a_document_are_refused() -> None:
    """Hostile input: two `content` keys; parsers disagree on which wins, so digests would too."""
    text = json.dumps(CHAIN[1])[:-1] + ', "content": "<p>other</p>"}'
    with pytest.raises(BundleError, match="duplicate key 'content'"):
        parse_chain_bundle(json.dumps(bundle_json({1: text})))


def test_non_json_numbers_are_refused() -> None:
    """Hostile input: NaN, which Python's json reads but RFC 8259 and RFC 8785 do not allow."""
    text = json.dumps(CHAIN[1])[:-1] + ', "fhit:upstreamShare": NaN}'
    with pytest.raises(BundleError, match="NaN"):
        parse_chain_bundle(json.dumps(bundle_json({1: text})))


def test_document_as_object_instead_of_text_is_refused() -> None:
    data = bundle_json()
    data["objects"][1]["document"] = CHAIN[1]
    with pytest.raises(BundleError, match="JSON text, as a string"):
        parse_chain_bundle(json.dumps(data))


def test_repeated_version_is_refused() -> None:
    data = bundle_json()
    data["objects"].append(data["objects"][1])
    with pytest.raises(BundleError, match="repeats https://b.example/contributions/3"):
        parse_chain_bundle(json.dumps(data))


def test_oversized_bundle_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile input: a bundle over the byte cap (cap lowered so the test stays small)."""
    monkeypatch.setattr(chain_bundles, "MAX_BUNDLE_BYTES", 1000)
    with pytest.raises(BundleError, match="at most 1000 are read"):
        parse_chain_bundle(" " * 1001)


def test_oversized_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chain_bundles, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(BundleError, match=r"objects\[0\].document is over 100 bytes"):
        parse_chain_bundle(json.dumps(bundle_json()))


def test_too_many_entries_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chain_bundles, "MAX_ENTRIES", 3)
    with pytest.raises(BundleError, match="bundle has 4 objects; at most 3"):
        parse_chain_bundle(json.dumps(bundle_json()))


@pytest.mark.parametrize(
    "data",
    ["[]", '{"type": "Note"}', '{"type": "fhit:ChainBundle", "root": "x"}', "{" * 100000, "not json"],
)
def test_malformed_bundles_are_refused(data: str) -> None:
    """Hostile input: wrong shapes, and nesting deep enough to exhaust the parser's recursion."""
    with pytest.raises(BundleError):
        parse_chain_bundle(data)


def test_claimed_root_digest_must_be_a_digest() -> None:
    data = bundle_json()
    data["root"]["digestMultibase"] = "zzz"
    with pytest.raises(BundleError, match="root: digestMultibase"):
        parse_chain_bundle(json.dumps(data))
