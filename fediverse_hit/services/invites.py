"""Invite codes for invite-only registration: creating them and describing their state.

Sign-up consumes them (`services.accounts.register_account`); an invite is usable while it has
uses left and has not expired.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.store.models import Account, Invite

MAX_INVITE_USES = 100
MAX_VALID_DAYS = 365
# Lower-case letters and digits without look-alikes (0/o, 1/l/i), easy to read out and type.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_GROUPS = 3
_GROUP_LENGTH = 4
LISTED_INVITES = 100


@dataclass(frozen=True)
class InviteSummary:
    """An invite as the admin page shows it."""

    code: str
    uses: int
    max_uses: int
    created_at: datetime
    expires_at: datetime | None
    state: str  # "usable", "used up" or "expired"


def new_invite_code() -> str:
    """A random code such as `k7qd-3mzp-x2ra` (about 59 bits)."""
    groups = (
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_CODE_GROUPS)
    )
    return "-".join(groups)


async def create_invite(created_by: Account, max_uses: int | None, valid_days: int | None) -> Invite:
    """A new invite for `max_uses` sign-ups, expiring after `valid_days` (None: never)."""
    if max_uses is None or not 1 <= max_uses <= MAX_INVITE_USES:
        raise ValidationFailed(f"An invite is good for 1 to {MAX_INVITE_USES} sign-ups.")
    if valid_days is not None and not 1 <= valid_days <= MAX_VALID_DAYS:
        raise ValidationFailed(f"An invite expires after 1 to {MAX_VALID_DAYS} days, or never.")
    expires_at = datetime.now(UTC) + timedelta(days=valid_days) if valid_days else None
    return await Invite.create(
        code=new_invite_code(), created_by=created_by, max_uses=max_uses, expires_at=expires_at
    )


def invite_state(invite: Invite, now: datetime) -> str:
    """`usable`, `used up` or `expired`."""
    if invite.uses >= invite.max_uses:
        return "used up"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    return "usable"


async def list_invites() -> list[InviteSummary]:
    """The newest invites, with their state."""
    now = datetime.now(UTC)
    invites = await Invite.all().order_by("-id").limit(LISTED_INVITES)
    return [
        InviteSummary(
            code=invite.code,
            uses=invite.uses,
            max_uses=invite.max_uses,
            created_at=invite.created_at,
            expires_at=invite.expires_at,
            state=invite_state(invite, now),
        )
        for invite in invites
    ]
