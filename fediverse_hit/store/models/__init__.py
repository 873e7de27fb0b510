"""All Tortoise models of the `hit` app; Tortoise discovers them from this module.

Model docstrings become SQL table comments in migrations: keep semicolons out of them.
"""

from fediverse_hit.store.models.accounts import AccessToken, Account, Invite, LoginAttempt
from fediverse_hit.store.models.actors import Actor, ActorKey
from fediverse_hit.store.models.instance import InstanceSetting

__all__ = [
    "AccessToken",
    "Account",
    "Actor",
    "ActorKey",
    "InstanceSetting",
    "Invite",
    "LoginAttempt",
]
