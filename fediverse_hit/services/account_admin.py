"""What an admin does to local accounts: list them, suspend and unsuspend, reset a password.

A suspension here is Mastodon's reversible local one: the person cannot log in, their sessions
end and their tokens stop working until it is lifted; nothing is deleted. A reset password is
shown to the admin once, to hand over (this server sends no e-mail).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fediverse_hit.errors import Forbidden, NotFound
from fediverse_hit.services.accounts import set_password
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.models import Account

RESET_PASSWORD_BYTES = 12  # 16 URL-safe characters


async def list_accounts() -> list[Account]:
    """Every live local account with its actor, newest first."""
    return await Account.filter(deleted_at=None).order_by("-id").prefetch_related("actor")


async def live_account(username: str) -> Account:
    """A live local account by username; NotFound otherwise."""
    account = await find_account(username.lstrip("@").lower())
    if account is None or account.deleted_at is not None:
        raise NotFound(f"No user named {username!r} on this instance.")
    return account


async def suspend_account(admin: Account, account: Account) -> None:
    """Suspend `account` (idempotent): its sessions end now; an admin cannot suspend themselves."""
    if admin.id == account.id:
        raise Forbidden("You cannot suspend your own account.")
    if account.suspended_at is None:
        await Account.filter(id=account.id).update(
            suspended_at=datetime.now(UTC), session_epoch=account.session_epoch + 1
        )


async def unsuspend_account(account: Account) -> None:
    """Lift a suspension: the person may log in again."""
    await Account.filter(id=account.id).update(suspended_at=None)


async def reset_password(account: Account) -> str:
    """Give `account` a new random password (ending its sessions) and return it, once."""
    password = secrets.token_urlsafe(RESET_PASSWORD_BYTES)
    await set_password(account, password)
    return password
