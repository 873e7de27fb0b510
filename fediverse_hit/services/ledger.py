"""A person's earnings ledger (DESIGN §7 Payments): verified statements recorded once each, the
person told, the ledger listed and exported, and every entry verifiable again from what is kept.

Append-only and idempotent by statement id: the same statement again changes nothing; the same id
with other lines is refused (a correction is a new statement with a new id).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from fediverse_hit.errors import Conflict
from fediverse_hit.protocol.payment_documents import ParsedPayment, PaymentKind, parse_payment_document
from fediverse_hit.protocol.payments import Money, total_by_currency
from fediverse_hit.protocol.statement_verification import StatementRefused, verify_payment_statement
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.notifications import notify
from fediverse_hit.store import ledger as store
from fediverse_hit.store.models import Actor, LedgerEntry, SignedStatement
from fediverse_hit.store.notifications import forget_notifications_from

CSV_HEADER = ("date", "project", "work", "amount", "currency", "statement")


@dataclass(frozen=True)
class LedgerLine:
    """One ledger row as people and exports see it; `amount` in minor units of `currency`."""

    date: str
    project: str
    project_name: str
    work: str
    amount: int
    currency: str
    statement: str


async def record_statement(
    statement: ParsedPayment,
    statement_json: str,
    project: Actor,
    project_json: str,
    people: Sequence[Actor],
) -> list[LedgerEntry]:
    """Append one entry per local person among the statement's lines, and tell them; returns the
    new entries ([] when this statement was recorded before).

    Conflict when the statement id was recorded with other terms or lines (a replay).
    """
    kept = await store.find_statement(statement.id)
    if kept is not None:
        _refuse_changed(kept, statement)
        return []
    record = store.StatementRecord(
        statement_uri=statement.id,
        project_uri=statement.terms.project,
        project_name=project.name or project.username,
        work_uri=statement.terms.work,
        currency=statement.terms.earning.currency,
        published=statement.published or "",
        statement_json=statement_json,
        project_json=project_json,
    )
    lines = [(person, statement.lines[person.uri]) for person in people if person.uri in statement.lines]
    entries = await store.add_statement(record, lines)
    if entries is None:  # a concurrent delivery of the same id won the race
        kept = await store.find_statement(statement.id)
        assert kept is not None
        _refuse_changed(kept, statement)
        return []
    for person, _ in lines:
        await forget_notifications_from(person, NotificationKind.PAYMENT, project)
        await notify(person, NotificationKind.PAYMENT, project)
    return entries


def _refuse_changed(kept: SignedStatement, statement: ParsedPayment) -> None:
    before = parse_payment_document(json.loads(kept.statement_json), PaymentKind.STATEMENT)
    if (before.terms, before.pool, before.lines) != (statement.terms, statement.pool, statement.lines):
        raise Conflict(
            f"statement {statement.id} was recorded before with other lines; a correction is a new statement"
        )


async def list_earnings(person: Actor) -> list[LedgerLine]:
    """Every ledger entry of `person`, oldest first."""
    return [_line(entry) for entry in await store.list_ledger(person)]


def _line(entry: LedgerEntry) -> LedgerLine:
    statement = entry.statement
    assert isinstance(statement, SignedStatement)
    date = statement.published[:10] if statement.published else statement.received_at.date().isoformat()
    return LedgerLine(
        date=date,
        project=statement.project_uri,
        project_name=statement.project_name,
        work=statement.work_uri,
        amount=entry.amount,
        currency=entry.currency,
        statement=statement.statement_uri,
    )


def total_earnings(lines: Sequence[LedgerLine]) -> dict[str, int]:
    """Totals per currency; amounts in different currencies are never added."""
    return total_by_currency(Money(line.amount, line.currency) for line in lines)


def format_earnings_csv(lines: Sequence[LedgerLine]) -> str:
    """RFC 4180 CSV for whoever pays out: a header, then one row per ledger line (amounts in
    minor units of the row's currency)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        writer.writerow((line.date, line.project, line.work, line.amount, line.currency, line.statement))
    return out.getvalue()


def check_kept_statement(kept: SignedStatement) -> str | None:
    """Verify a kept statement again from the kept copies alone (no network): None when it
    holds, else the reason. The project's server may be gone; the proof still speaks."""
    project = json.loads(kept.project_json)
    try:
        verify_payment_statement(json.loads(kept.statement_json), {kept.project_uri: project}.get)
    except StatementRefused as exc:
        return exc.reason
    return None
