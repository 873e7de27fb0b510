"""Verifying attribution chains across three servers with real Ed25519 keys: verdicts per link,
tampering with every field of every link, attested sources, cycles, depth and missing sources."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from fediverse_hit.protocol.attribution import ChainError, ChainReport, Verdict, verify_chain
from fediverse_hit.protocol.source_digests import compute_digest_multibase
from tests.protocol.chain_worlds import Author, Cite, JsonObject, World, make_note, resign

ALICE = Author("a.example", "alice")
BOB = Author("b.example", "bob")
CAROL = Author("c.example", "carol")
MALLORY = Author("b.example", "mallory")  # on bob's server, so host checks alone cannot catch her


def build_chain() -> list[JsonObject]:
    """Level 0 (root) remixes level 1, …, down to alice's original at level 3: three servers."""
    original = make_note(ALICE, 1, "the original")
    carol_remix = make_note(CAROL, 2, "carol's remix", [Cite(original, 10000)])
    bob_remix = make_note(BOB, 3, "bob's remix", [Cite(carol_remix, 10000)])
    root = make_note(ALICE, 4, "alice remixes bob", [Cite(bob_remix, 10000)])
    return [root, bob_remix, carol_remix, original]


CHAIN = build_chain()
AUTHORS = [ALICE, BOB, CAROL, MALLORY]


def verify(root: JsonObject, world: World) -> ChainReport:
    return verify_chain(root, world.lookup_object, world.lookup_actor)


def verdicts(report: ChainReport) -> list[tuple[str, Verdict]]:
    return [(link.object_id, link.verdict) for link in report.links]


def test_untouched_chain_of_depth_three_verifies() -> None:
    report = verify(CHAIN[0], World(AUTHORS, CHAIN))
    assert verdicts(report) == [(str(doc["id"]), Verdict.VERIFIED) for doc in CHAIN]
    assert [link.depth for link in report.links] == [0, 1, 2, 3]
    assert [link.signer for link in report.links] == [ALICE.id, BOB.id, CAROL.id, ALICE.id]
    assert [link.digest for link in report.links[1:]] == [compute_digest_multibase(d) for d in CHAIN[1:]]
    assert report.holds(strict=True)


def edit_content(document: JsonObject) -> None:
    document["content"] = "<p>credit goes to mallory</p>"


def edit_proof(document: JsonObject) -> None:
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:-2] + ("11" if not value.endswith("11") else "22")


def edit_author(document: JsonObject) -> None:
    document["attributedTo"] = MALLORY.id


def edit_key(document: JsonObject) -> None:
    document["proof"]["verificationMethod"] = MALLORY.key_id


EDITS: dict[str, Callable[[JsonObject], None]] = {
    "content": edit_content, "proof": edit_proof, "author": edit_author, "key": edit_key,
}


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("field", sorted(EDITS))
def test_stored_source_altered_in_any_field_is_tampered(level: int, field: str) -> None:
    """Hostile input: a server (or a bundle) serves the pinned source with one field changed."""
    world = World(AUTHORS, CHAIN)
    EDITS[field](world.objects[str(CHAIN[level]["id"])])
    report = verify(CHAIN[0], world)
    assert [link.verdict for link in report.links] == [Verdict.VERIFIED] * level + [Verdict.TAMPERED]
    assert report.links[level].reason.startswith("digest mismatch: pinned z")
    assert not report.holds()


@pytest.mark.parametrize(
    ("field", "verdict", "reason"),
    [
        ("content", Verdict.TAMPERED, "proof does not verify: signature does not match"),
        ("proof", Verdict.TAMPERED, "proof does not verify: signature does not match"),
        ("author", Verdict.KEY_MISMATCH, "is not on the host of any author"),
        ("key", Verdict.KEY_MISMATCH, "is not on the host of any author"),
    ],
)
def test_root_altered_in_any_field_gets_its_verdict(field: str, verdict: Verdict, reason: str) -> None:
    """Hostile input: the remix itself changed after its author signed it."""
    root = copy.deepcopy(CHAIN[0])
    EDITS[field](root)
    report = verify(root, World(AUTHORS, CHAIN))
    assert report.links[0].verdict is verdict
    assert reason in report.links[0].reason
    assert not report.holds()


@pytest.mark.parametrize(
    ("level", "reason"),
    [(0, "proof does not verify"), (1, "digest mismatch"), (2, "digest mismatch")],
)
def test_pinned_digest_altered_is_tampered(level: int, reason: str) -> None:
    """Hostile input: the digest inside a signed source entry is swapped for another one. In the
    root its own proof catches it; below, the digest its parent pinned catches it first."""
    world = World(AUTHORS, CHAIN)
    citing = copy.deepcopy(CHAIN[level])
    citing["fhit:sources"][0]["digestMultibase"] = compute_digest_multibase({"other": "object"})
    world.objects[str(citing["id"])] = citing
    report = verify(citing if level == 0 else CHAIN[0], world)
    assert [link.verdict for link in report.links] == [Verdict.VERIFIED] * level + [Verdict.TAMPERED]
    assert report.links[level].reason.startswith(reason)


def test_pinned_digest_of_another_version_is_tampered_when_only_that_copy_exists() -> None:
    """Hostile input: a remixer signs a digest that no version of the source has."""
    world = World(AUTHORS, CHAIN)
    root = copy.deepcopy(CHAIN[0])
    root["fhit:sources"][0]["digestMultibase"] = compute_digest_multibase({"other": "object"})
    report = verify(resign(root, ALICE), world)
    assert report.links[0].verdict is Verdict.VERIFIED
    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason.startswith("digest mismatch")


def test_pinned_author_differing_from_the_source_is_tampered() -> None:
    """Hostile input: the remixer's signed entry credits mallory for bob's work."""
    root = copy.deepcopy(CHAIN[0])
    root["fhit:sources"][0]["attributedTo"] = MALLORY.id
    report = verify(resign(root, ALICE), World(AUTHORS, CHAIN))
    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason == (
        f"the citing object credits {MALLORY.id} but the source is attributed to {BOB.id}"
    )


def test_source_signed_by_someone_else_on_the_authors_host_is_key_mismatch() -> None:
    """Hostile input: mallory signs a note that claims bob as its author."""
    forged = resign(CHAIN[1], MALLORY)
    root = make_note(ALICE, 9, "remix of the forgery", [Cite(forged, 10000)])
    report = verify(root, World(AUTHORS, [root, forged]))
    assert report.links[1].verdict is Verdict.KEY_MISMATCH
    assert report.links[1].reason == f"key {MALLORY.key_id} is not in the assertionMethod of {BOB.id}"


def test_source_signed_with_a_key_missing_from_assertion_method_is_key_mismatch() -> None:
    """Hostile input: a key id on bob's host and path that bob's actor does not list."""
    unlisted = make_note(BOB, 5, "signed by an unlisted key", key_id=f"{BOB.id}#other-key")
    root = make_note(ALICE, 9, "remix", [Cite(unlisted, 10000)])
    report = verify(root, World(AUTHORS, [root, unlisted]))
    assert report.links[1].verdict is Verdict.KEY_MISMATCH


def test_key_whose_controller_is_someone_else_is_key_mismatch() -> None:
    """Hostile input: bob's actor lists his key id but names mallory as its controller."""
    world = World(AUTHORS, CHAIN)
    world.actors[BOB.id]["assertionMethod"][0]["controller"] = MALLORY.id
    assert verify(CHAIN[0], world).links[1].verdict is Verdict.KEY_MISMATCH


def test_source_pinned_with_a_broken_proof_is_tampered() -> None:
    """Hostile input: a remixer pins (and signs over) a source whose own proof is broken."""
    broken = copy.deepcopy(CHAIN[3])
    edit_proof(broken)
    root = make_note(CAROL, 9, "remix of a broken source", [Cite(broken, 10000)])
    report = verify(root, World(AUTHORS, [root, broken]))
    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason.startswith("proof does not verify")


def test_source_without_proof_is_attested() -> None:
    mastodon_post = make_note(CAROL, 7, "a toot", sign=False)
    root = make_note(ALICE, 9, "remix of a toot", [Cite(mastodon_post, 10000)])
    report = verify(root, World(AUTHORS, [root, mastodon_post]))
    assert verdicts(report) == [(str(root["id"]), Verdict.VERIFIED), (str(mastodon_post["id"]), Verdict.ATTESTED)]
    assert report.links[1].reason == "carries no proof; its digest is pinned under the citing object"
    assert report.holds() and not report.holds(strict=True)


def test_missing_source_is_unavailable_with_reason() -> None:
    world = World(AUTHORS, CHAIN[:2])
    report = verify(CHAIN[0], world)
    assert [link.verdict for link in report.links] == [Verdict.VERIFIED, Verdict.VERIFIED, Verdict.UNAVAILABLE]
    assert report.links[2].reason == "no copy of the pinned version was found"


def test_lookup_failure_reason_is_reported() -> None:
    def gone(object_id: str, digest: str) -> JsonObject:
        raise LookupError(f"{object_id} answered 410 Gone")

    report = verify_chain(CHAIN[0], gone, World(AUTHORS, CHAIN).lookup_actor)
    assert report.links[1].verdict is Verdict.UNAVAILABLE
    assert report.links[1].reason == f"no copy of the pinned version: {CHAIN[1]['id']} answered 410 Gone"


def test_author_without_actor_document_is_unavailable() -> None:
    world = World(AUTHORS, CHAIN)
    del world.actors[CAROL.id]
    report = verify(CHAIN[0], world)
    assert report.links[2].verdict is Verdict.UNAVAILABLE
    assert report.links[2].reason == f"author's key document unavailable: {CAROL.id}: no actor document"


def test_shared_ancestor_is_checked_once_and_listed_per_citation() -> None:
    base = make_note(CAROL, 1, "shared base")
    left = make_note(ALICE, 2, "left", [Cite(base, 10000)])
    right = make_note(BOB, 3, "right", [Cite(base, 10000)])
    root = make_note(BOB, 4, "both", [Cite(left, 5000), Cite(right, 5000)])
    world = World(AUTHORS, [root, left, right, base])
    report = verify(root, world)
    assert [link.object_id for link in report.links].count(str(base["id"])) == 2
    assert [call[0] for call in world.object_calls].count(str(base["id"])) == 1
    assert report.holds(strict=True)


def test_object_citing_an_earlier_version_of_itself_is_a_cycle() -> None:
    """Hostile input: A v2 cites B, which cites A v1: a work made its own ancestor."""
    first = make_note(ALICE, 1, "version 1")
    middle = make_note(BOB, 2, "remix of version 1", [Cite(first, 10000)])
    second = make_note(ALICE, 1, "version 2", [Cite(middle, 10000)])
    versions = {(str(first["id"]), compute_digest_multibase(first)): first,
                (str(middle["id"]), compute_digest_multibase(middle)): middle}
    with pytest.raises(ChainError, match="cycle through https://a.example/contributions/1"):
        verify_chain(second, lambda i, d: versions.get((i, d)), World(AUTHORS, []).lookup_actor)


def unsigned_chain(length: int) -> list[JsonObject]:
    """`length` objects, each citing the next; unsigned, since only the shape is under test."""
    documents = [make_note(CAROL, length, "the end", sign=False)]
    for number in range(length - 1, 0, -1):
        documents.append(make_note(CAROL, number, "link", [Cite(documents[-1], 10000)], sign=False))
    return documents[::-1]


def test_chain_of_depth_1000_is_accepted() -> None:
    chain = unsigned_chain(1001)
    report = verify(chain[0], World(AUTHORS, chain))
    assert len(report.links) == 1001 and report.links[-1].depth == 1000 and report.holds()


def test_chain_deeper_than_1000_is_an_error() -> None:
    """Hostile input: 1001 links, one more than a verifier follows."""
    chain = unsigned_chain(1002)
    with pytest.raises(ChainError, match="deeper than 1000"):
        verify(chain[0], World(AUTHORS, chain))


def test_more_objects_than_the_cap_is_an_error() -> None:
    chain = unsigned_chain(6)
    with pytest.raises(ChainError, match="more than 4 objects"):
        verify_chain(chain[0], World(AUTHORS, chain).lookup_object, World(AUTHORS, []).lookup_actor, max_nodes=4)


def test_root_without_proof_is_attested_only_by_its_origin() -> None:
    toot = make_note(CAROL, 7, "a toot", sign=False)
    report = verify(toot, World(AUTHORS, []))
    assert report.links[0].verdict is Verdict.ATTESTED
    assert report.links[0].reason == "carries no proof; nothing but its origin vouches for it"


def test_source_with_malformed_sources_is_tampered() -> None:
    """Hostile input: a signed source whose own source weights sum to 9999."""
    base = make_note(CAROL, 1, "base")
    bad: dict[str, Any] = make_note(BOB, 2, "bad weights", [Cite(base, 10000)], sign=False)
    bad["fhit:sources"][0]["fhit:weight"] = 9999
    bad = resign(bad, BOB)
    root = make_note(ALICE, 3, "remix", [Cite(bad, 10000)])
    report = verify(root, World(AUTHORS, [root, bad, base]))
    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason == "not a valid contribution: source weights sum to 9999, not 10000"
    assert len(report.links) == 2


def test_copy_with_another_id_is_tampered_even_when_its_digest_is_pinned() -> None:
    """Hostile input: a remix pins carol's work's digest under bob's id, to credit bob for it."""
    root = copy.deepcopy(CHAIN[0])
    root["fhit:sources"][0]["digestMultibase"] = compute_digest_multibase(CHAIN[2])
    root["fhit:sources"][0]["attributedTo"] = CAROL.id
    copies = {(str(CHAIN[1]["id"]), compute_digest_multibase(CHAIN[2])): CHAIN[2]}
    report = verify_chain(resign(root, ALICE), lambda i, d: copies.get((i, d)), World(AUTHORS, []).lookup_actor)
    assert report.links[1].verdict is Verdict.TAMPERED
    assert report.links[1].reason == f"the copy found has id {str(CHAIN[2]['id'])!r}"


def test_actor_document_of_someone_else_does_not_vouch_for_the_author() -> None:
    """Hostile input: asked for bob's actor, a lookup (or bundle) serves mallory's document listing
    a key under bob's key id with bob as controller."""
    forged = make_note(BOB, 5, "forged", signer=MALLORY, key_id=BOB.key_id)
    actor = MALLORY.actor_document()
    actor["assertionMethod"][0].update({"id": BOB.key_id, "controller": BOB.id})
    world = World(AUTHORS, [forged])
    world.actors[BOB.id] = actor
    report = verify(forged, world)
    assert report.links[0].verdict is Verdict.KEY_MISMATCH
