"""Mutes: hide a person from your timelines and notifications without telling them.

As in Mastodon, a mute is private (nothing is sent to their server), keeps follows as they are,
and leaves their works reachable by link; it only filters what lands in front of you.
"""

from __future__ import annotations

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.store.models import Actor, Mute


async def mute_actor(muter: Actor, muted: Actor) -> None:
    """Record the mute (idempotent); a person cannot mute themselves."""
    if muter.id == muted.id:
        raise ValidationFailed("You cannot mute yourself.")
    await Mute.get_or_create(muter=muter, muted=muted)


async def unmute_actor(muter: Actor, muted: Actor) -> bool:
    """Lift a mute; True when there was one."""
    return await Mute.filter(muter=muter, muted=muted).delete() > 0
