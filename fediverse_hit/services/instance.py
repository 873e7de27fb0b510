"""The instance actor and admin-set instance settings (registration mode)."""

from __future__ import annotations

from enum import Enum

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services.actor_keys import add_actor_keys
from fediverse_hit.services.iris import ActorIris
from fediverse_hit.store.instance_settings import read_setting, write_setting
from fediverse_hit.store.models import Actor



class RegistrationMode(str, Enum):
    """Who may create an account through the sign-up page."""

    OPEN = "open"
    INVITE = "invite"
    CLOSED = "closed"


def instance_actor_username(domain: str) -> str:
    """The instance actor's preferredUsername: the host without its port."""
    return domain.rsplit(":", 1)[0] if not domain.endswith("]") else domain


async def ensure_instance_actor(iris: ActorIris) -> Actor:
    """The instance's Application actor (`/actor`), created with keys on first call."""
    # Like Mastodon, the instance actor is named after the host (`acct:host@host` in WebFinger);
    # the (username, domain) unique index keeps users from taking the name.
    actor, _ = await Actor.get_or_create(
        uri=iris.instance_actor(),
        defaults={
            "kind": "Application",
            "username": instance_actor_username(iris.domain),
            "domain": iris.domain,
            "local": True,
            "name": iris.domain,
            "manually_approves_followers": True,
            "discoverable": False,
            "indexable": False,
        },
    )
    await add_actor_keys(actor, iris)
    return actor


async def get_registration_mode() -> RegistrationMode:
    """The current sign-up policy (open by default)."""
    value = await read_setting("registration_mode", RegistrationMode.OPEN.value)
    return RegistrationMode(value) if value in {m.value for m in RegistrationMode} else RegistrationMode.OPEN


async def set_registration_mode(mode: str) -> RegistrationMode:
    """Change the sign-up policy; refuses unknown modes."""
    try:
        chosen = RegistrationMode(mode)
    except ValueError as exc:
        raise ValidationFailed("Registration mode must be open, invite or closed.") from exc
    await write_setting("registration_mode", chosen.value)
    return chosen
