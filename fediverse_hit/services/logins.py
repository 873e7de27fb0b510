"""Logging in with a password, rate-limited per client address and per username.

Failures are counted in the database so the limit holds across several web processes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fediverse_hit.errors import RateLimited, Unauthorized
from fediverse_hit.services.passwords import check_password, hash_password, needs_rehash
from fediverse_hit.store.accounts import (
    count_login_failures,
    find_account,
    prune_login_failures,
    record_login_failure,
)
from fediverse_hit.store.models import Account

# Checked against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = hash_password("not-a-real-password")


async def log_in(
    username: str, password: str, client_address: str, *, max_failures: int, window_seconds: int
) -> Account:
    """The account if the password matches; Unauthorized otherwise, RateLimited after too many failures."""
    name = username.strip().lower()
    keys = [f"ip:{client_address}", f"user:{name}"]
    since = datetime.now(UTC) - timedelta(seconds=window_seconds)
    for key in keys:
        if await count_login_failures(key, since) >= max_failures:
            raise RateLimited("Too many failed logins. Wait a few minutes and try again.", window_seconds)
    account = await find_account(name)
    hash_to_check = account.password_hash if account and account.deleted_at is None else _DUMMY_HASH
    if not check_password(hash_to_check, password) or account is None or account.deleted_at:
        await record_login_failure(keys)
        await prune_login_failures(since - timedelta(days=1))
        raise Unauthorized("Wrong username or password.")
    account.last_login_at = datetime.now(UTC)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    await account.save(update_fields=["last_login_at", "password_hash"])
    return account
