"""Payment statements and proposals expand as JSON-LD under the preloaded contexts only: no term is
dropped or left a blank node, amounts stay integers, the work and proposal stay IRIs."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from fediverse_hit.protocol.payment_documents import PaymentKind, PaymentTerms, build_payment_document
from fediverse_hit.protocol.payments import Adjustment, Earning
from tests.protocol.test_jsonld_contexts import expand_strictly, signed

FHIT = "https://fediverse-hit.org/ns#"
PROJECT = "https://hit.example/projects/nightsongs"
ALICE, BOB = "https://hit.example/users/alice", "https://other.example/users/bob"
TERMS = PaymentTerms(
    project=PROJECT, work="https://hit.example/contributions/7", earning=Earning(12_345, 345, "EUR"),
    earning_note="Festival fee", earned_on=date(2026, 11, 20), pool_share=5000,
    shares={ALICE: Fraction(2, 3), BOB: Fraction(1, 3)},
    adjustments=(Adjustment(ALICE, BOB, 100, "Bob mastered it"),), credits_id=f"{PROJECT}/credits/7",
)


def test_signed_statement_expands_with_every_term() -> None:
    document = signed(build_payment_document(
        PaymentKind.STATEMENT, f"{PROJECT}/payments/1/statement", TERMS, published="2026-12-01T00:00:00Z",
        proposal=f"{PROJECT}/payments/1",
    ))
    (node,) = expand_strictly(document)
    assert node["@type"] == [f"{FHIT}PaymentStatement"]
    assert node[f"{FHIT}work"] == [{"@id": "https://hit.example/contributions/7"}]
    assert node[f"{FHIT}proposal"] == [{"@id": f"{PROJECT}/payments/1"}]
    assert node[f"{FHIT}pool"] == [{"@value": 6000}]
    lines = {line["https://www.w3.org/ns/activitystreams#actor"][0]["@id"]: line[f"{FHIT}amount"][0]["@value"]
             for line in node[f"{FHIT}lines"]}
    assert lines == {ALICE: 3900, BOB: 2100}
    (adjustment,) = node[f"{FHIT}adjustments"]
    assert adjustment[f"{FHIT}from"] == [{"@id": ALICE}] and adjustment[f"{FHIT}to"] == [{"@id": BOB}]


def test_proposal_expands_with_its_deadline() -> None:
    document = build_payment_document(
        PaymentKind.PROPOSAL, f"{PROJECT}/payments/1", TERMS, published="2026-11-21T00:00:00Z",
        end_time="2026-12-05T00:00:00Z",
    )
    (node,) = expand_strictly(document)
    assert node["@type"] == [f"{FHIT}PaymentProposal"]
    assert node["https://www.w3.org/ns/activitystreams#endTime"][0]["@value"] == "2026-12-05T00:00:00Z"
