"""The counts every logged-in page's header shows (unread notifications, follow requests waiting),
in one query whose SQL is built once per process: they are asked for on every page a person loads,
and building the query in Tortoise cost more than the rest of a kept home page (issue 11)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from tortoise.expressions import Subquery
from tortoise.functions import Count
from tortoise.queryset import ValuesQuery

from fediverse_hit.store.follows import pending_requests_of
from fediverse_hit.store.models import Actor
from fediverse_hit.store.notifications import unread_of

# The SQL is built, by the same named queries the notifications and follow-request pages use, for
# an actor with this id; no row has a negative id, so the parameters equal to it are where the
# actor's id goes. Those queries must take nothing else that changes (a time, a setting): the
# other parameters are kept as first built.
_STAND_IN_ID = -271_828_183


@dataclass(frozen=True)
class HeaderCounts:
    """What the header's badges show."""

    unread_notifications: int = 0
    pending_follow_requests: int = 0


def _counts_query(actor: Actor) -> ValuesQuery[Any]:
    """`actor`'s two counts as subqueries of one query."""
    return (
        Actor.filter(id=actor.id)
        .annotate(
            unread=Subquery(unread_of(actor).annotate(n=Count("id")).values("n")),
            pending=Subquery(pending_requests_of(actor).annotate(n=Count("id")).values("n")),
        )
        .values("unread", "pending")
    )


@cache
def _prepared(dialect: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of `_counts_query` for the stand-in actor, in `dialect`. Built the
    way Tortoise builds a query it runs (and a `Subquery`), minus running it."""
    query = _counts_query(Actor(id=_STAND_IN_ID))
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, parameters = query.query.get_parameterized_sql()
    return sql, tuple(parameters)


async def header_counts(actor: Actor) -> HeaderCounts:
    """`actor`'s unread notifications (from people they have not muted) and the follow requests
    waiting for their approval."""
    client = Actor._meta.db
    sql, parameters = _prepared(client.capabilities.dialect)
    values = [actor.id if value == _STAND_IN_ID else value for value in parameters]
    rows = await client.execute_query_dict(sql, values)
    if not rows:  # the actor is gone
        return HeaderCounts()
    return HeaderCounts(int(rows[0]["unread"] or 0), int(rows[0]["pending"] or 0))
