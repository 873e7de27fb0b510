"""The counts every logged-in page's header shows (unread notifications, follow requests waiting),
read in one query: they are asked for on every page a person loads (issue 11)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.functions import Count

from fediverse_hit.store.follows import pending_requests_of
from fediverse_hit.store.models import Actor
from fediverse_hit.store.notifications import unread_of


@dataclass(frozen=True)
class HeaderCounts:
    """What the header's badges show."""

    unread_notifications: int = 0
    pending_follow_requests: int = 0


async def header_counts(actor: Actor) -> HeaderCounts:
    """`actor`'s unread notifications and waiting follow requests, as two subqueries of one query."""
    rows = (
        await Actor.filter(id=actor.id)
        .annotate(
            unread=Subquery(unread_of(actor).annotate(n=Count("id")).values("n")),
            pending=Subquery(pending_requests_of(actor).annotate(n=Count("id")).values("n")),
        )
        .values("unread", "pending")
    )
    if not rows:  # the actor is gone
        return HeaderCounts()
    return HeaderCounts(int(rows[0]["unread"] or 0), int(rows[0]["pending"] or 0))
