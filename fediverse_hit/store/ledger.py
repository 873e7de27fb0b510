"""Named queries over signed payment statements and the ledger entries they made (append-only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.store.models import Actor, LedgerEntry, SignedStatement


@dataclass(frozen=True)
class StatementRecord:
    """What is kept of one statement besides its entries."""

    statement_uri: str
    project_uri: str
    project_name: str
    work_uri: str
    currency: str
    published: str
    statement_json: str
    project_json: str


async def find_statement(statement_uri: str) -> SignedStatement | None:
    return await SignedStatement.get_or_none(statement_uri=statement_uri)


async def add_statement(record: StatementRecord, lines: Sequence[tuple[Actor, int]]) -> list[LedgerEntry] | None:
    """Keep the statement and one entry per (person, amount), all or nothing; None when the
    statement id was kept already (by a concurrent delivery: the caller compares and decides)."""
    try:
        async with in_transaction():
            statement = await SignedStatement.create(
                statement_uri=record.statement_uri,
                project_uri=record.project_uri,
                project_name=record.project_name[:255],
                work_uri=record.work_uri,
                currency=record.currency,
                published=record.published[:64],
                statement_json=record.statement_json,
                project_json=record.project_json,
            )
            return [
                await LedgerEntry.create(statement=statement, person=person, amount=amount, currency=record.currency)
                for person, amount in lines
            ]
    except IntegrityError:
        return None


async def list_ledger(person: Actor) -> list[LedgerEntry]:
    """`person`'s ledger entries, oldest first, each with its statement loaded."""
    return await LedgerEntry.filter(person=person).order_by("id").prefetch_related("statement")


async def find_entry(person: Actor, statement_uri: str) -> LedgerEntry | None:
    query = LedgerEntry.filter(person=person, statement__statement_uri=statement_uri)
    return await query.prefetch_related("statement").first()
