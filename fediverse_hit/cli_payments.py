"""The payment commands of `fediverse-hit` (DESIGN §3, issue 17): `earnings USER [--csv]`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fediverse_hit.errors import HitError
from fediverse_hit.services.ledger import format_earnings_csv, list_earnings
from fediverse_hit.settings import Settings
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.database import close_database, open_database


async def _cmd_earnings(settings: Settings, args: argparse.Namespace) -> None:
    await open_database(settings.database_url)
    try:
        account = await find_account(args.name.lstrip("@").lower())
        if account is None:
            raise HitError(f"No user named {args.name!r}.")
        lines = await list_earnings(await account.actor)
    finally:
        await close_database()
    if args.csv:
        sys.stdout.write(format_earnings_csv(lines))
        return
    for line in lines:
        print("\t".join((line.date, line.project, line.work, str(line.amount), line.currency, line.statement)))


def add_payment_commands(commands: Any) -> None:
    """Add the payment sub-commands to the top-level sub-parsers."""
    earnings = commands.add_parser(
        "earnings",
        help="print a person's earnings ledger",
        description="Print USER's earnings ledger on this server, one row per statement line: date, project, "
        "work, amount (in minor units of the currency: cents for EUR), currency, statement id. "
        "Tab-separated, or CSV with a header row with --csv.",
    )
    earnings.add_argument("name", metavar="USER")
    earnings.add_argument("--csv", action="store_true", help="RFC 4180 CSV with a header row, for whoever pays out")
    earnings.set_defaults(run=_cmd_earnings)
