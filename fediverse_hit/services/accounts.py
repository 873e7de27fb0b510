"""Creating accounts (by an admin or through sign-up) and logging in."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from fediverse_hit.services.actor_keys import add_actor_keys
from fediverse_hit.services.instance import RegistrationMode, get_registration_mode
from fediverse_hit.services.iris import ActorIris
from fediverse_hit.services.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password,
    hash_password,
)
from fediverse_hit.services.rate_limits import RateLimit, address_key, take_hit
from fediverse_hit.services.usernames import normalize_username
from fediverse_hit.settings import Settings
from fediverse_hit.store.change_feed import ACCOUNTS, publish_change
from fediverse_hit.store.accounts import find_invite, username_taken
from fediverse_hit.store.follows import delete_follows_involving
from fediverse_hit.store.models import AccessToken, Account, Actor, Invite


MAX_INVITE_CODE_LENGTH = 64  # the column's size


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passwords are at most {MAX_PASSWORD_LENGTH} characters.")


async def create_account(
    username: str,
    password: str,
    iris: ActorIris,
    *,
    is_admin: bool = False,
    allow_reserved: bool = False,
) -> Account:
    """Create a local account and its Person actor with keys; Conflict if the name is taken."""
    name = normalize_username(username, allow_reserved=allow_reserved)
    check_new_password(password)
    if await username_taken(name):
        raise Conflict("That username is taken.")
    password_hash = hash_password(password)
    uri = iris.user(name)
    try:
        async with in_transaction():
            if await Actor.exists(username=name, domain=iris.domain):
                raise Conflict("That username is taken.")  # e.g. the instance actor's name
            actor = await Actor.create(
                uri=uri, kind="Person", username=name, domain=iris.domain, local=True, name=name
            )
            account = await Account.create(
                actor=actor, username=name, password_hash=password_hash, is_admin=is_admin
            )
    except IntegrityError as exc:  # a concurrent sign-up won the race for the name
        raise Conflict("That username is taken.") from exc
    await add_actor_keys(actor, iris)
    return account


async def set_password(account: Account, password: str) -> None:
    """Replace the password and end every existing session of the account."""
    check_new_password(password)
    account.password_hash = hash_password(password)
    account.session_epoch += 1
    await account.save(update_fields=["password_hash", "session_epoch"])


async def change_password(account: Account, current: str, new: str, confirmation: str) -> None:
    """The person's own change: the current password must match (Unauthorized otherwise, nothing
    changed), the new one be acceptable and typed twice alike. Every session ends, this one too
    (the caller starts a fresh one), as Mastodon's password change signs out other sessions."""
    if not check_password(account.password_hash, current):
        raise Unauthorized("Your current password is not right. Nothing was changed.")
    if new != confirmation:
        raise ValidationFailed("The new password and its confirmation differ. Nothing was changed.")
    await set_password(account, new)


async def delete_account(account: Account) -> None:
    """Delete an account: it and its actor stay as tombstones (410, names never reused), its
    sessions and tokens end, and its follow relationships are removed."""
    now = datetime.now(UTC)
    async with in_transaction():
        await Account.filter(id=account.id).update(deleted_at=now, session_epoch=account.session_epoch + 1)
        await Actor.filter(id=account.actor_id).update(deleted_at=now)  # type: ignore[attr-defined]
        await AccessToken.filter(account_id=account.id, revoked_at=None).update(revoked_at=now)
        await delete_follows_involving([account.actor_id])  # type: ignore[attr-defined]
    await publish_change(ACCOUNTS)  # every process's inbox answers 410 for it from now on


def signup_limit(settings: Settings) -> RateLimit:
    """Sign-up attempts allowed per client address (HIT settings `registration_*`)."""
    return RateLimit(
        "signup-address",
        settings.registration_rate_limit,
        settings.registration_window_seconds,
        "Too many sign-ups from your address. Wait a while and try again.",
    )


async def register_account(
    username: str,
    password: str,
    iris: ActorIris,
    *,
    invite_code: str = "",
    client_address: str,
    rate: RateLimit,
    now: datetime,
) -> Account:
    """Sign-up through the web: obeys the registration mode, counts the attempt against the client
    address's sign-up limit (Mastodon: 5 per 30 minutes), and consumes an invite when needed."""
    mode = await get_registration_mode()
    if mode is RegistrationMode.CLOSED:
        raise Forbidden("Sign-up is closed on this instance.")
    await take_hit(rate, address_key(client_address), now)
    invite = None
    if mode is RegistrationMode.INVITE:
        invite = await _usable_invite(invite_code)
    account = await create_account(username, password, iris)
    if invite is not None:
        await Invite.filter(id=invite.id).update(uses=invite.uses + 1)
    return account


async def _usable_invite(code: str) -> Invite:
    code = code.strip()
    # A NUL byte (which PostgreSQL refuses in text) or an overlong code matches no invite anyway.
    plausible = 0 < len(code) <= MAX_INVITE_CODE_LENGTH and "\x00" not in code
    invite = await find_invite(code) if plausible else None
    now = datetime.now(UTC)
    if (
        invite is None
        or invite.uses >= invite.max_uses
        or (invite.expires_at is not None and invite.expires_at <= now)
    ):
        raise Forbidden("Sign-up needs a valid invite code on this instance.")
    return invite
