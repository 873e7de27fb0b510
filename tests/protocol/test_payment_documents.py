"""`fhit:PaymentProposal` / `fhit:PaymentStatement` (DESIGN §7): a known statement built and read
back, every inconsistency refused with its reason, the project's proof required, and the
Mastodon fallback Note."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import pytest

from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.keys import generate_ed25519_key, load_public_key_pem, public_key_to_multibase
from fediverse_hit.protocol.payment_documents import (
    PaymentKind,
    PaymentShapeError,
    PaymentTerms,
    build_payment_document,
    parse_payment_document,
    parse_share,
)
from fediverse_hit.protocol.payment_notes import build_statement_note
from fediverse_hit.protocol.payments import Adjustment, Earning
from fediverse_hit.protocol.statement_verification import StatementRefused, verify_payment_statement

PROJECT = "https://a.example/projects/nightsongs"
ALICE = "https://a.example/users/alice"
BOB = "https://b.example/users/bob"
CAROL = "https://c.example/users/carol"
WORK = "https://a.example/contributions/7"
PROPOSAL = "https://a.example/projects/nightsongs/payments/1"
STATEMENT = "https://a.example/projects/nightsongs/payments/1/statement"
KEY_ID = f"{PROJECT}#ed25519-key"
PROJECT_KEYS = generate_ed25519_key()
OTHER_KEYS = generate_ed25519_key()
CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

TERMS = PaymentTerms(
    project=PROJECT,
    work=WORK,
    earning=Earning(10_000, 1_000, "EUR"),
    earning_note="Bandcamp sales, February",
    earned_on=date(2026, 2, 28),
    pool_share=5000,
    shares={ALICE: Fraction(1, 2), BOB: Fraction(3, 8), CAROL: Fraction(1, 8)},
    adjustments=(Adjustment(ALICE, CAROL, 250, "Carol mixed the final track"),),
    credits_id=f"{PROJECT}/credits/7",
)


def statement(terms: PaymentTerms = TERMS) -> dict[str, Any]:
    return build_payment_document(
        PaymentKind.STATEMENT, STATEMENT, terms, published="2026-03-01T12:00:00Z", proposal=PROPOSAL
    )


def signed(document: dict[str, Any], key_pem: str = PROJECT_KEYS.private_pem, key_id: str = KEY_ID) -> dict[str, Any]:
    return create_proof(document, key_pem, key_id, created=CREATED)


def group(actor_id: str = PROJECT, key_pem: str = PROJECT_KEYS.public_pem, kind: str = "Group") -> dict[str, Any]:
    return {
        "id": actor_id,
        "type": kind,
        "assertionMethod": [{
            "id": f"{actor_id}#ed25519-key",
            "type": "Multikey",
            "controller": actor_id,
            "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(key_pem)),
        }],
    }


def test_statement_states_the_hand_computed_lines() -> None:
    document = statement()
    # profit 9000, pool 4500; 1/2, 3/8, 1/8 → 2250, 1687.5, 562.5; the tie goes to bob (smaller
    # id than carol's); then 250 moves from alice to carol.
    assert document["fhit:pool"] == 4500
    assert document["fhit:lines"] == [
        {"type": "fhit:PaymentLine", "actor": ALICE, "fhit:amount": 2000},
        {"type": "fhit:PaymentLine", "actor": BOB, "fhit:amount": 1688},
        {"type": "fhit:PaymentLine", "actor": CAROL, "fhit:amount": 812},
    ]
    assert document["fhit:credits"]["orderedItems"] == [
        {"type": "fhit:Credit", "actor": ALICE, "fhit:share": 5000, "fhit:exactShare": "1/2"},
        {"type": "fhit:Credit", "actor": BOB, "fhit:share": 3750, "fhit:exactShare": "3/8"},
        {"type": "fhit:Credit", "actor": CAROL, "fhit:share": 1250, "fhit:exactShare": "1/8"},
    ]
    assert document["to"] == [ALICE, BOB, CAROL]
    assert document["fhit:proposal"] == PROPOSAL


def test_statement_reads_back_as_built() -> None:
    parsed = parse_payment_document(statement(), PaymentKind.STATEMENT)
    assert parsed.terms == TERMS
    assert (parsed.id, parsed.pool, parsed.proposal) == (STATEMENT, 4500, PROPOSAL)
    assert parsed.lines == {ALICE: 2000, BOB: 1688, CAROL: 812}


def test_proposal_carries_its_comment_deadline() -> None:
    document = build_payment_document(
        PaymentKind.PROPOSAL, PROPOSAL, TERMS, published="2026-03-01T12:00:00Z", end_time="2026-03-15T12:00:00Z"
    )
    parsed = parse_payment_document(document, PaymentKind.PROPOSAL)
    assert (parsed.kind, parsed.end_time, parsed.proposal) == (PaymentKind.PROPOSAL, "2026-03-15T12:00:00Z", None)
    with pytest.raises(PaymentShapeError, match="not a fhit:PaymentStatement"):
        parse_payment_document(document, PaymentKind.STATEMENT)


def tampered(change: str) -> dict[str, Any]:
    document = copy.deepcopy(statement())
    if change == "line":
        document["fhit:lines"][1]["fhit:amount"] += 1
    elif change == "pool":
        document["fhit:pool"] = 4501
    elif change == "share":
        document["fhit:credits"]["orderedItems"][1]["fhit:exactShare"] = "1/4"
    elif change == "points":
        document["fhit:credits"]["orderedItems"][1]["fhit:share"] = 3751
    elif change == "line currency":
        document["fhit:lines"][0]["fhit:currency"] = "USD"
    elif change == "currency":
        document["fhit:currency"] = "USD"
    elif change == "unknown currency":
        document["fhit:earning"]["fhit:currency"] = "ABC"
        document["fhit:currency"] = "ABC"
    elif change == "absurd amount":
        document["fhit:earning"]["fhit:amount"] = 10**13
    elif change == "negative line":
        document["fhit:adjustments"][0]["fhit:amount"] = 2251
    elif change == "fractional amount":
        document["fhit:earning"]["fhit:costs"] = 1000.5
    elif change == "no proposal":
        del document["fhit:proposal"]
    return document


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("line", "fhit:lines do not follow from the credits, pool and adjustments stated"),
        ("pool", "fhit:pool is 4501; the earning and pool share give 4500"),
        ("share", "the credits' exact shares do not sum to 1"),
        ("points", "the credits' fhit:share basis points do not match their exact shares"),
        ("line currency", "a line in 'USD' in a EUR payment: currencies are never mixed"),
        ("currency", "fhit:currency differs from the earning's currency: currencies are never mixed"),
        ("unknown currency", "ABC is not an ISO 4217 currency we accept"),
        ("absurd amount", "amount must be at most 1,000,000,000,000 minor units"),
        ("negative line", f"adjustment 1 moves 2251 from {ALICE}, whose line is 2250"),
        ("fractional amount", "costs must be a whole number of minor units, not 1000.5"),
        ("no proposal", "a statement names the proposal it finalizes (fhit:proposal)"),
    ],
)
def test_inconsistent_statements_are_refused(change: str, reason: str) -> None:
    with pytest.raises(PaymentShapeError) as refused:
        parse_payment_document(tampered(change), PaymentKind.STATEMENT)
    assert str(refused.value) == reason


@pytest.mark.parametrize("text", ["2/4", "3/2", "1/0", "-1/2", "1.5/3", "½", "1/2/3", 0.5])
def test_shares_must_be_reduced_fractions_within_one(text: object) -> None:
    with pytest.raises(PaymentShapeError):
        parse_share(text)


def test_signed_statement_verifies_as_the_projects() -> None:
    parsed = verify_payment_statement(signed(statement()), lambda iri: group() if iri == PROJECT else None)
    assert parsed.lines == {ALICE: 2000, BOB: 1688, CAROL: 812}


def test_statement_signed_by_another_key_is_refused() -> None:
    forged = signed(statement(), OTHER_KEYS.private_pem)
    with pytest.raises(StatementRefused, match="^proof refused: signature does not match"):
        verify_payment_statement(forged, lambda iri: group())


def test_statement_signed_by_a_person_on_the_same_server_is_refused() -> None:
    forged = signed(statement(), OTHER_KEYS.private_pem, f"{ALICE}#ed25519-key")
    actors = {PROJECT: group(), ALICE: group(ALICE, OTHER_KEYS.public_pem, "Person")}
    with pytest.raises(StatementRefused, match="^proof refused: .* is not in the assertionMethod of https://a.example/projects/nightsongs$"):
        verify_payment_statement(forged, actors.get)


def test_statement_from_another_origin_is_refused() -> None:
    moved = statement()
    moved["id"] = "https://evil.example/statements/1"
    with pytest.raises(StatementRefused) as refused:
        verify_payment_statement(signed(moved), lambda iri: group())
    assert refused.value.reason == f"statement https://evil.example/statements/1 is not on the origin of its project {PROJECT}"


def test_statement_of_a_person_not_a_project_is_refused() -> None:
    with pytest.raises(StatementRefused) as refused:
        verify_payment_statement(signed(statement()), lambda iri: group(kind="Person"))
    assert refused.value.reason == f"{PROJECT} is not a project (a Group actor)"


def test_altered_signed_statement_is_refused() -> None:
    document = signed(statement())
    document["fhit:earning"]["summary"] = "Something else"
    with pytest.raises(StatementRefused, match="^proof refused: signature does not match"):
        verify_payment_statement(document, lambda iri: group())


def test_unsigned_statement_is_refused() -> None:
    with pytest.raises(StatementRefused) as refused:
        verify_payment_statement(statement(), lambda iri: group())
    assert refused.value.reason == "proof refused: document has no proof"


def test_mastodon_fallback_is_a_direct_note_with_the_line_and_a_link() -> None:
    parsed = parse_payment_document(statement(), PaymentKind.STATEMENT)
    note = build_statement_note(
        f"{STATEMENT}/notes/bob", parsed, BOB, "bob@b.example", ("Night Songs", "Lullaby <3"),
        link=STATEMENT, published="2026-03-01T12:00:00Z",
    )
    assert (note["type"], note["to"], note["cc"]) == ("Note", [BOB], [])
    assert note["tag"] == [{"type": "Mention", "href": BOB, "name": "@bob@b.example"}]
    assert "you are owed 16.88 EUR for “Lullaby &lt;3”, your part of a 45.00 EUR contributor pool." in note["content"]
    assert f'<a href="{STATEMENT}">Read the signed statement</a>' in note["content"]
