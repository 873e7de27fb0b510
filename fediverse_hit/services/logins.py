"""Logging in with a password, rate-limited per client address and per account from that address.

The limits follow Mastodon's `config/initializers/rack_attack.rb` (25 attempts per address in
5 minutes, 25 per account in an hour), except that an account's attempts are counted per client
address: Mastodon counts them per account from everywhere, which lets anyone lock the owner out by
guessing wrong 25 times. Here guessing from one address never stops the owner logging in from
another; an address trying many accounts meets the per-address limit. The counters live in the
database (`services.rate_limits`), shared by every web process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fediverse_hit.errors import Forbidden, Unauthorized, ValidationFailed
from fediverse_hit.services.passwords import check_password, hash_password, needs_rehash
from fediverse_hit.services.rate_limits import RateLimit, address_key, take_hit
from fediverse_hit.services.usernames import normalize_username
from fediverse_hit.settings import Settings
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.models import Account

# Checked against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = hash_password("not-a-real-password")
# Counted for every name no account could have, so made-up names add no keys and reach no query.
_NOT_A_USERNAME = "(not a username)"
_TOO_MANY = "Too many login attempts. Wait a few minutes and try again."


@dataclass(frozen=True)
class LoginLimits:
    """Attempts allowed per client address (any account) and per account from one address."""

    per_address: RateLimit
    per_account: RateLimit


def login_limits(settings: Settings) -> LoginLimits:
    """The instance's login limits."""
    return LoginLimits(
        per_address=RateLimit(
            "login-address", settings.login_attempts_per_address, settings.login_address_window_seconds, _TOO_MANY
        ),
        per_account=RateLimit(
            "login-account", settings.login_attempts_per_account, settings.login_account_window_seconds, _TOO_MANY
        ),
    )


async def log_in(username: str, password: str, client_address: str, limits: LoginLimits, now: datetime) -> Account:
    """The account if the password matches; Unauthorized otherwise, Forbidden when it is suspended,
    RateLimited after too many attempts.

    Every attempt counts, right or wrong (as in Mastodon), and is counted before the password
    is checked, so a refused attempt costs no password hashing.
    """
    name = _plausible_username(username)
    client = address_key(client_address)
    await take_hit(limits.per_address, client, now)
    await take_hit(limits.per_account, f"{name or _NOT_A_USERNAME} from {client}", now)
    account = await find_account(name) if name else None
    hash_to_check = account.password_hash if account and account.deleted_at is None else _DUMMY_HASH
    if not check_password(hash_to_check, password) or account is None or account.deleted_at:
        raise Unauthorized("Wrong username or password.")
    if account.suspended_at is not None:  # told only to whoever knows the password
        raise Forbidden("This account is suspended. Ask the administrators of this instance.")
    account.last_login_at = now
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    await account.save(update_fields=["last_login_at", "password_hash"])
    return account


def _plausible_username(raw: str) -> str | None:
    """The name as accounts are stored, or None when no account can have it (NUL bytes, which
    PostgreSQL refuses in text, and 10,000-character names never reach the database)."""
    try:
        return normalize_username(raw, allow_reserved=True)
    except ValidationFailed:
        return None
