"""Counts shown on the About page: people here, works made here, servers we know of."""

from __future__ import annotations

from dataclasses import dataclass

from fediverse_hit.store.actors import count_local_people
from fediverse_hit.store.models import Account, Actor, Contribution


@dataclass(frozen=True)
class InstanceStats:
    users: int
    works: int
    known_servers: int


async def read_instance_stats() -> InstanceStats:
    """Live local people, live local contributions, and distinct hosts of remote actors."""
    servers = await Actor.filter(local=False).distinct().values_list("domain", flat=True)
    return InstanceStats(
        users=await count_local_people(),
        works=await Contribution.filter(local=True, deleted_at=None).count(),
        known_servers=len(servers),
    )


async def find_contact_admin() -> Account | None:
    """The instance's contact: its oldest live, unsuspended admin."""
    return (
        await Account.filter(is_admin=True, deleted_at=None, suspended_at=None)
        .order_by("id")
        .prefetch_related("actor")
        .first()
    )
