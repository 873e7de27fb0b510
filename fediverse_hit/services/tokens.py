"""Personal access tokens for the client-to-server API (`Authorization: Bearer …`).

Only a SHA-256 of each token is stored; the token itself is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from fediverse_hit.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from fediverse_hit.store.accounts import find_token
from fediverse_hit.store.models import AccessToken, Account

TOKEN_PREFIX = "fhit_"
MAX_TOKEN_NAME = 100


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(account: Account, name: str) -> str:
    """Create a token named `name` for `account`; returns the secret (shown only this once)."""
    label = name.strip()
    if not label or len(label) > MAX_TOKEN_NAME:
        raise ValidationFailed(f"Give the token a name of 1 to {MAX_TOKEN_NAME} characters.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await AccessToken.create(account=account, name=label, token_hash=hash_token(token))
    return token


async def authenticate_token(token: str) -> Account:
    """The account a bearer token belongs to; Unauthorized when unknown or revoked."""
    row = await find_token(hash_token(token.strip()))
    if row is None or row.account.deleted_at is not None:
        raise Unauthorized("Invalid or revoked access token.")
    if row.account.suspended_at is not None:
        raise Forbidden("This account is suspended.")
    row.last_used_at = datetime.now(UTC)
    await row.save(update_fields=["last_used_at"])
    return row.account


async def revoke_token(account: Account, token_id: int) -> None:
    """Revoke one of the account's own tokens."""
    updated = await AccessToken.filter(id=token_id, account=account, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    if not updated:
        raise NotFound("No such token.")
