"""The user commands of `fediverse-hit` (DESIGN §3): `user create NAME` and `user password NAME`."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from typing import Any

from fediverse_hit.errors import HitError
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.account_admin import live_account
from fediverse_hit.services.accounts import create_account, set_password
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database


async def _cmd_user_create(settings: Settings, args: argparse.Namespace) -> None:
    password = args.password or secrets.token_urlsafe(12)
    await open_database(settings.database_url)
    try:
        urls = InstanceUrls(scheme=settings.scheme, domain=settings.domain)
        account = await create_account(args.name, password, urls, is_admin=args.admin, allow_reserved=True)
    finally:
        await close_database()
    role = "admin" if account.is_admin else "user"
    print(f"Created {role} @{account.username}@{settings.domain}")
    if not args.password:
        print(f"Password: {password}")


def read_new_password(*, from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a prompt (not echoed)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("New password again: ") != first:
        raise HitError("The two passwords differ. Nothing was changed.")
    return first


async def _cmd_user_password(settings: Settings, args: argparse.Namespace) -> None:
    password = read_new_password(from_stdin=args.stdin)
    await open_database(settings.database_url)
    try:
        account = await live_account(args.name)
        await set_password(account, password)
    finally:
        await close_database()
    print(f"Password of @{account.username} changed; every session of theirs was logged out.")


def add_user_commands(commands: Any) -> None:
    """Add `user create` and `user password` to the top-level sub-parsers."""
    user = commands.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--password")
    create.add_argument("--admin", action="store_true")
    create.set_defaults(run=_cmd_user_create)
    password = user.add_parser(
        "password",
        help="set a user's password (ends their sessions)",
        description="Set NAME's password: typed twice at a prompt, or the first line of standard input "
        "with --stdin (for scripts). Every session of theirs is logged out.",
    )
    password.add_argument("name")
    password.add_argument("--stdin", action="store_true", help="read the password from standard input")
    password.set_defaults(run=_cmd_user_password)
