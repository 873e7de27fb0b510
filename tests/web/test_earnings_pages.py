"""`/earnings` and `/earnings.csv` (DESIGN §7 Payments, §8): the logged-in person's ledger with each
statement checked again from the kept copy, totals per currency, payment links."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import httpx
import pytest

from fediverse_hit.protocol.integrity_proofs import create_proof
from fediverse_hit.protocol.keys import generate_ed25519_key, load_public_key_pem, public_key_to_multibase
from fediverse_hit.protocol.payment_documents import PaymentKind, PaymentTerms, build_payment_document, parse_payment_document
from fediverse_hit.protocol.payments import Earning
from fediverse_hit.services.ledger import record_statement
from fediverse_hit.store.models import Account, Actor, SignedStatement

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
PROJECT = "https://a.example/projects/nightsongs"
KEYS = generate_ed25519_key()


async def _pay(alice: Account, amount: int, currency: str, number: int) -> None:
    me = await alice.actor
    project, _ = await Actor.get_or_create(
        uri=PROJECT, defaults={"username": "nightsongs", "domain": "a.example", "name": "Night Songs", "kind": "Group"}
    )
    terms = PaymentTerms(
        project=PROJECT, work="https://a.example/contributions/7", earning=Earning(amount, 0, currency),
        earning_note="Sales", earned_on=date(2026, 5, 1), pool_share=5000,
        shares={me.uri: Fraction(3, 4), "https://b.example/users/bob": Fraction(1, 4)},
    )
    statement_id = f"{PROJECT}/payments/{number}/statement"
    document = create_proof(
        build_payment_document(PaymentKind.STATEMENT, statement_id, terms, published=f"2026-05-0{number}T10:00:00Z",
                               proposal=f"{PROJECT}/payments/{number}"),
        KEYS.private_pem, f"{PROJECT}#ed25519-key",
    )
    group = {"id": PROJECT, "type": "Group", "assertionMethod": [{
        "id": f"{PROJECT}#ed25519-key", "type": "Multikey", "controller": PROJECT,
        "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(KEYS.public_pem)),
    }]}
    parsed = parse_payment_document(document, PaymentKind.STATEMENT)
    await record_statement(parsed, json.dumps(document), project, json.dumps(group), [me])


async def test_earnings_page_lists_verified_lines_and_totals_per_currency(client: httpx.AsyncClient, alice: Account) -> None:
    await _pay(alice, 10_000, "EUR", 1)
    await _pay(alice, 2_000, "JPY", 2)
    page = await client.get("/earnings", headers=HTML)
    assert page.status_code == 200
    assert "<strong>Total:</strong> 37.50 EUR · 750 JPY" in page.text
    assert page.text.count("Signed by the project") == 2
    assert '<a href="https://a.example/projects/nightsongs">Night Songs</a>' in page.text


async def test_earnings_page_says_when_a_kept_statement_no_longer_verifies(client: httpx.AsyncClient, alice: Account) -> None:
    await _pay(alice, 10_000, "EUR", 1)
    kept = await SignedStatement.get()
    kept.statement_json = kept.statement_json.replace('"Sales"', '"Other sales"')
    await kept.save()
    page = await client.get("/earnings", headers=HTML)
    assert "Does not verify</span> proof refused: signature does not match" in page.text


async def test_earnings_csv_downloads_the_ledger(client: httpx.AsyncClient, alice: Account) -> None:
    await _pay(alice, 10_000, "EUR", 1)
    response = await client.get("/earnings.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines() == [
        "date,project,work,amount,currency,statement",
        f"2026-05-01,{PROJECT},https://a.example/contributions/7,3750,EUR,{PROJECT}/payments/1/statement",
    ]


async def test_earnings_need_a_login(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/earnings", headers=HTML)).status_code == 401
    assert (await anonymous.get("/earnings.csv")).status_code == 401
