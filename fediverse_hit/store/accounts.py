"""Named queries over accounts, access tokens and invites."""

from __future__ import annotations

from datetime import datetime

from fediverse_hit.store.models import AccessToken, Account, Invite


async def find_account(username: str) -> Account | None:
    """The account with this username, with its actor loaded."""
    return await Account.get_or_none(username=username).prefetch_related("actor")


async def find_account_by_id(account_id: int) -> Account | None:
    """The account with this id, its actor loaded in the same query (every logged-in request asks)."""
    return await Account.get_or_none(id=account_id).select_related("actor")


async def username_taken(username: str) -> bool:
    """True when an account or a local actor already has the name (ids are never reused)."""
    return await Account.exists(username=username)


async def count_accounts() -> int:
    return await Account.filter(deleted_at=None).count()


async def count_active_since(since: datetime) -> int:
    """Accounts that logged in since `since` (NodeInfo activeMonth / activeHalfyear)."""
    return await Account.filter(deleted_at=None, last_login_at__gte=since).count()


async def find_token(token_hash: str) -> AccessToken | None:
    """An unrevoked token by its hash, with account and actor loaded."""
    return await AccessToken.get_or_none(token_hash=token_hash, revoked_at=None).prefetch_related(
        "account__actor"
    )


async def list_tokens(account: Account) -> list[AccessToken]:
    return await AccessToken.filter(account=account, revoked_at=None).order_by("-id")


async def find_invite(code: str) -> Invite | None:
    return await Invite.get_or_none(code=code)
