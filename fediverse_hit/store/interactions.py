"""Named queries over likes and boosts: adding and removing them, counts, and who did them.

The actor may be local or remote: inbound Like/Announce and our own outbound ones use the same
functions. Adding is idempotent (one like and one boost per actor and contribution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.models import Model

from fediverse_hit.protocol.vocabulary import Visibility
from fediverse_hit.store.models import Actor, Boost, Contribution, Like


@dataclass(frozen=True)
class Counts:
    """How many live replies, likes and boosts ("shares") a contribution has."""

    replies: int = 0
    likes: int = 0
    shares: int = 0


async def _add(
    model: type[Model], actor: Actor, contribution: Contribution, activity_uri: str, extra: dict[str, Any]
) -> tuple[Model, bool]:
    existing = await model.get_or_none(actor=actor, contribution=contribution)
    if existing is not None:
        return existing, False
    try:
        return await model.create(actor=actor, contribution=contribution, activity_uri=activity_uri, **extra), True
    except IntegrityError:  # the same activity arrived twice at once, or its id was reused
        again = await model.get_or_none(actor=actor, contribution=contribution)
        if again is None:
            again = await model.get(activity_uri=activity_uri)
        return again, False


async def add_like(actor: Actor, contribution: Contribution, activity_uri: str) -> tuple[Like, bool]:
    """Record that `actor` likes `contribution`; returns the like and whether it is new."""
    like, created = await _add(Like, actor, contribution, activity_uri, {})
    assert isinstance(like, Like)
    return like, created


async def remove_like(actor: Actor, contribution: Contribution) -> bool:
    """`actor` no longer likes `contribution`; True when there was a like to remove."""
    return await Like.filter(actor=actor, contribution=contribution).delete() > 0


async def remove_like_by_activity(actor: Actor, activity_uri: str) -> int | None:
    """Remove the like made by the Like activity `activity_uri`, only if `actor` made it;
    returns the id of the contribution it liked, or None when there was no such like."""
    return await _remove_by_activity(Like, actor, activity_uri)


async def _remove_by_activity(model: type[Model], actor: Actor, activity_uri: str) -> int | None:
    row = await model.get_or_none(actor=actor, activity_uri=activity_uri)
    if row is None:
        return None
    await model.filter(id=row.pk).delete()
    return int(row.contribution_id)  # type: ignore[attr-defined]


async def add_boost(
    actor: Actor, contribution: Contribution, activity_uri: str, visibility: str = Visibility.PUBLIC
) -> tuple[Boost, bool]:
    """Record that `actor` boosts `contribution`; returns the boost and whether it is new."""
    boost, created = await _add(Boost, actor, contribution, activity_uri, {"visibility": visibility})
    assert isinstance(boost, Boost)
    return boost, created


async def remove_boost(actor: Actor, contribution: Contribution) -> bool:
    """`actor` no longer boosts `contribution`; True when there was a boost to remove."""
    return await Boost.filter(actor=actor, contribution=contribution).delete() > 0


async def remove_boost_by_activity(actor: Actor, activity_uri: str) -> int | None:
    """Remove the boost made by the Announce `activity_uri`, only if `actor` made it;
    returns the id of the contribution it boosted, or None when there was no such boost."""
    return await _remove_by_activity(Boost, actor, activity_uri)


async def _grouped(query: object, key: str) -> dict[int, int]:
    rows = await query.annotate(n=Count("id")).group_by(key).values_list(key, "n")  # type: ignore[attr-defined]
    return {int(ident): int(n) for ident, n in rows}


async def interaction_counts(contribution_ids: Sequence[int]) -> dict[int, Counts]:
    """Counts for each id (zeros included); replies count only live (not deleted) ones."""
    ids = list(dict.fromkeys(contribution_ids))
    if not ids:
        return {}
    replies = await _grouped(Contribution.filter(in_reply_to_id__in=ids, deleted_at=None), "in_reply_to_id")
    likes = await _grouped(Like.filter(contribution_id__in=ids), "contribution_id")
    shares = await _grouped(Boost.filter(contribution_id__in=ids), "contribution_id")
    return {i: Counts(replies.get(i, 0), likes.get(i, 0), shares.get(i, 0)) for i in ids}


async def _who(model: type[Model], contribution: Contribution, offset: int, limit: int) -> list[Actor]:
    query = model.filter(contribution=contribution).order_by("-id").offset(offset).limit(limit)
    rows = await query.prefetch_related("actor")
    return [cast(Actor, row.actor) for row in rows]  # type: ignore[attr-defined]


async def likers(contribution: Contribution, offset: int, limit: int) -> list[Actor]:
    """Who likes `contribution`, newest first."""
    return await _who(Like, contribution, offset, limit)


async def boosters(contribution: Contribution, offset: int, limit: int) -> list[Actor]:
    """Who boosts `contribution`, newest first."""
    return await _who(Boost, contribution, offset, limit)


async def _ids_of(model: type[Model], actor: Actor, contribution_ids: Sequence[int]) -> set[int]:
    if not contribution_ids:
        return set()
    query = model.filter(actor=actor, contribution_id__in=list(contribution_ids))
    return {int(row) for row in await query.values_list("contribution_id", flat=True)}  # type: ignore[call-overload]


async def liked_by(actor: Actor, contribution_ids: Sequence[int]) -> set[int]:
    """Which of these contributions `actor` likes."""
    return await _ids_of(Like, actor, contribution_ids)


async def boosted_by(actor: Actor, contribution_ids: Sequence[int]) -> set[int]:
    """Which of these contributions `actor` boosts."""
    return await _ids_of(Boost, actor, contribution_ids)
