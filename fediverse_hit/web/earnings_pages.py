"""`/earnings`: the logged-in person's ledger (every project, every server), each statement's proof
checked again from the kept copy, totals per currency, the person's payment links for a payer,
and `/earnings.csv` for whoever pays out."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.protocol.currencies import format_amount
from fediverse_hit.services.ledger import (
    LedgerLine,
    check_kept_statement,
    format_earnings_csv,
    list_earnings,
    total_earnings,
)
from fediverse_hit.store.ledger import find_statement
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import require_account


async def earnings_page(request: Request) -> Response:
    """The ledger as a table, newest first."""
    account = await require_account(request)
    me = await account.actor
    lines = await list_earnings(me)
    verdicts = {line.statement: await _verdict(line.statement) for line in lines}
    context = {
        "rows": [_row(line, verdicts[line.statement]) for line in reversed(lines)],
        "totals": [format_amount(amount, currency) for currency, amount in total_earnings(lines).items()],
        "payment_links": [link for link in me.payment_links if link.get("url")],
    }
    return await render(request, "earnings.html", context)


async def earnings_csv(request: Request) -> Response:
    """The same ledger as CSV (amounts in minor units), as a download."""
    account = await require_account(request)
    body = format_earnings_csv(await list_earnings(await account.actor))
    headers = {"Content-Disposition": 'attachment; filename="earnings.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


async def _verdict(statement_uri: str) -> str | None:
    kept = await find_statement(statement_uri)
    return "the statement is not kept" if kept is None else check_kept_statement(kept)


def _row(line: LedgerLine, problem: str | None) -> dict[str, Any]:
    return {
        "date": line.date,
        "project": line.project,
        "project_name": line.project_name or line.project,
        "work": line.work,
        "amount": format_amount(line.amount, line.currency),
        "statement": line.statement,
        "problem": problem,
    }
