"""The ledger as a service (DESIGN §7 Payments): a statement recorded once, a replay of its id
with other lines refused with the reason, totals never mixing currencies."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from fediverse_hit.errors import Conflict
from fediverse_hit.protocol.payment_documents import PaymentKind, PaymentTerms, build_payment_document, parse_payment_document
from fediverse_hit.protocol.payments import Earning
from fediverse_hit.services.ledger import LedgerLine, list_earnings, record_statement, total_earnings
from fediverse_hit.store.models import Actor, LedgerEntry
from tests.services.rules_support import person

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("db")]

STATEMENT = "http://remote.example/projects/p/payments/1/statement"


async def _record(bob: Actor, project: Actor, amount: int, currency: str = "EUR", statement_id: str = STATEMENT) -> list[LedgerEntry]:
    terms = PaymentTerms(
        project=project.uri, work="http://remote.example/contributions/1", earning=Earning(amount, 0, currency),
        earning_note="", earned_on=date(2026, 1, 1), pool_share=5000, shares={bob.uri: Fraction(1)},
    )
    document = build_payment_document(
        PaymentKind.STATEMENT, statement_id, terms, published="2026-01-02T00:00:00Z", proposal=f"{statement_id}/p"
    )
    parsed = parse_payment_document(document, PaymentKind.STATEMENT)
    return await record_statement(parsed, json.dumps(document), project, "{}", [bob])


async def test_statement_recorded_twice_makes_one_entry() -> None:
    bob, project = await person("bob"), await person("p", local=False)
    assert [entry.amount for entry in await _record(bob, project, 100)] == [50]
    assert await _record(bob, project, 100) == []
    assert await LedgerEntry.all().count() == 1


async def test_replayed_statement_id_with_other_lines_is_refused_with_the_reason() -> None:
    bob, project = await person("bob"), await person("p", local=False)
    await _record(bob, project, 100)
    with pytest.raises(Conflict) as refused:
        await _record(bob, project, 102)
    assert refused.value.message == (
        f"statement {STATEMENT} was recorded before with other lines; a correction is a new statement"
    )
    assert [entry.amount for entry in await LedgerEntry.all()] == [50]


async def test_totals_are_per_currency() -> None:
    bob, project = await person("bob"), await person("p", local=False)
    await _record(bob, project, 100, "EUR", f"{STATEMENT}/a")
    await _record(bob, project, 300, "JPY", f"{STATEMENT}/b")
    await _record(bob, project, 40, "EUR", f"{STATEMENT}/c")
    lines = await list_earnings(bob)
    assert [(line.amount, line.currency, line.date) for line in lines] == [(50, "EUR", "2026-01-02"), (150, "JPY", "2026-01-02"), (20, "EUR", "2026-01-02")]
    assert total_earnings(lines) == {"EUR": 70, "JPY": 150}
    assert isinstance(lines[0], LedgerLine)
