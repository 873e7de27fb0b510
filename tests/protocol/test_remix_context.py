"""A signed remix expands as JSON-LD under the preloaded contexts with nothing dropped: the order
of `fhit:sources` survives (`@list`) and `digestMultibase` gets its security-vocabulary IRI."""

from __future__ import annotations

from fediverse_hit.protocol.source_digests import compute_digest_multibase
from tests.protocol.chain_worlds import Author, Cite, make_note
from tests.protocol.test_jsonld_contexts import expand_strictly

FHIT = "https://fediverse-hit.org/ns#"
SEC = "https://w3id.org/security#"


def test_signed_remix_expands_with_ordered_sources_and_digests() -> None:
    alice, bob = Author("a.example", "alice"), Author("b.example", "bob")
    first, second = make_note(alice, 1, "first"), make_note(bob, 2, "second")
    remix = make_note(bob, 3, "remix", [Cite(second, 7000), Cite(first, 3000)])
    (expanded,) = expand_strictly(remix)
    (sources,) = expanded[f"{FHIT}sources"]
    assert [entry["https://www.w3.org/ns/activitystreams#object"][0]["@id"] for entry in sources["@list"]] == [
        second["id"], first["id"],
    ]
    assert sources["@list"][0][f"{SEC}digestMultibase"] == [
        {"@type": f"{SEC}multibase", "@value": compute_digest_multibase(second)}
    ]
    assert sources["@list"][0]["@type"] == [f"{FHIT}Source"]
    assert sources["@list"][0][f"{FHIT}weight"] == [{"@value": 7000}]
