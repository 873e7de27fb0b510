"""Named queries over mutes: whom a person has hidden from their timelines and notifications."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from fediverse_hit.store.models import Actor, Mute


def muted_ids(muter_id: int) -> Subquery:
    """The ids of the actors `muter_id` has muted, as a subquery."""
    return Subquery(Mute.filter(muter_id=muter_id).values("muted_id"))


def not_muted(viewer: Actor | None, field: str = "author_id") -> Q:
    """Rows whose `field` (an actor id) is not muted by `viewer`; everything for anonymous visitors."""
    if viewer is None:
        return Q()
    return ~Q(**{f"{field}__in": muted_ids(viewer.id)})  # type: ignore[arg-type]  # Tortoise types Q's kwargs loosely


async def is_muted(muter: Actor, muted: Actor) -> bool:
    return await Mute.exists(muter=muter, muted=muted)


async def list_muted(muter: Actor) -> list[Actor]:
    """The people `muter` has muted, most recent first."""
    rows = await Mute.filter(muter=muter).order_by("-id").prefetch_related("muted")
    return [row.muted for row in rows]
