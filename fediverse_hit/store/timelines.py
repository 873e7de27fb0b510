"""Named queries for timelines: home, local, federated, hashtag, profile and reply threads.

Every query applies the visibility rule of `store.visibility` (the one `can_view` decides by),
to the contributions listed and to the boosted ones alike. The home, local, federated and hashtag
timelines also leave out people the viewer muted (and boosts by them); profiles and threads do not. Paging is by a cursor
`<microseconds since the epoch>-<row id>`: entries strictly older than it, and at the same
instant those with a smaller id, so posts made in the same second are never skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, ContributionKind, Visibility
from fediverse_hit.store.models import Actor, Boost, Contribution, ContributionTag
from fediverse_hit.store.mutes import not_muted
from fediverse_hit.store.visibility import followed_ids, visible_to


@dataclass(frozen=True)
class Cursor:
    """A position in a timeline: the sort time and the row id that breaks ties."""

    moment: datetime
    row_id: int

    def __str__(self) -> str:
        return f"{int(self.moment.timestamp() * 1_000_000)}-{self.row_id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """The cursor written by `str()`, or None when `text` is not one."""
        match = _CURSOR.match(text)
        if match is None:
            return None
        return cls(datetime.fromtimestamp(int(match.group(1)) / 1_000_000, UTC), int(match.group(2)))


_CURSOR = re.compile(r"^([0-9]{1,17})-([0-9]{1,19})$")


@dataclass(frozen=True)
class TimelineEntry:
    """A contribution in a timeline, with who boosted it when it is there because of a boost."""

    contribution: Contribution
    boosted_by: Actor | None
    cursor: Cursor


def _older_than(before: Cursor, time_field: str) -> Q:
    """Rows sorted after `before`: earlier, or at the same instant with a smaller id."""
    earlier = {f"{time_field}__lt": before.moment}
    same_instant = {time_field: before.moment, "id__lt": before.row_id}
    return Q(**earlier) | Q(**same_instant)  # type: ignore[arg-type]  # Tortoise types Q's kwargs loosely


def _live(viewer: Actor | None, before: Cursor | None) -> QuerySet[Contribution]:
    query = Contribution.filter(visible_to(viewer))
    if before is not None:
        query = query.filter(_older_than(before, "published_at"))
    return query


async def _entries(query: QuerySet[Contribution], limit: int) -> list[TimelineEntry]:
    rows = await query.order_by("-published_at", "-id").limit(limit).prefetch_related("author")
    return [TimelineEntry(row, None, Cursor(row.published_at, row.id)) for row in rows]


async def home_timeline(viewer: Actor, *, before: Cursor | None = None, limit: int = 20) -> list[TimelineEntry]:
    """What `viewer` follows (and their own posts), with boosts by followed people, newest first."""
    followed = followed_ids(viewer)
    posts = await _entries(
        _live(viewer, before).filter(Q(author_id__in=followed) | Q(author_id=viewer.id)).filter(not_muted(viewer)), limit
    )
    boosts_query = Boost.filter(
        actor_id__in=followed_ids(viewer),
        contribution_id__in=Subquery(Contribution.filter(visible_to(viewer)).values("id")),
        contribution__visibility__in=list(OPEN_VISIBILITIES),
    ).filter(not_muted(viewer, "actor_id"), not_muted(viewer, "contribution__author_id"))
    if before is not None:
        boosts_query = boosts_query.filter(_older_than(before, "created_at"))
    boosts = await boosts_query.order_by("-created_at", "-id").limit(limit).prefetch_related(
        "actor", "contribution__author"
    )
    merged = posts + [TimelineEntry(b.contribution, b.actor, Cursor(b.created_at, b.id)) for b in boosts]
    merged.sort(key=lambda entry: (entry.cursor.moment, entry.cursor.row_id), reverse=True)
    seen: set[int] = set()
    unique = []
    for entry in merged:
        if entry.contribution.id not in seen:
            seen.add(entry.contribution.id)
            unique.append(entry)
    return unique[:limit]


async def local_timeline(viewer: Actor | None, *, before: Cursor | None = None, limit: int = 20) -> list[TimelineEntry]:
    """Public top-level contributions made on this instance."""
    return await _entries(
        _live(viewer, before).filter(not_muted(viewer), local=True, visibility=Visibility.PUBLIC, in_reply_to_uri=None),
        limit,
    )


async def federated_timeline(
    viewer: Actor | None, *, before: Cursor | None = None, limit: int = 20
) -> list[TimelineEntry]:
    """Public top-level contributions from here and every server we hear from."""
    return await _entries(
        _live(viewer, before).filter(not_muted(viewer), visibility=Visibility.PUBLIC, in_reply_to_uri=None), limit
    )


async def tag_timeline(
    name: str, viewer: Actor | None, *, before: Cursor | None = None, limit: int = 20
) -> list[TimelineEntry]:
    """Public contributions carrying hashtag `name`."""
    tagged = Subquery(ContributionTag.filter(name=name.lower()).values("contribution_id"))
    return await _entries(_live(viewer, before).filter(not_muted(viewer), visibility=Visibility.PUBLIC, id__in=tagged), limit)


async def profile_timeline(
    author: Actor, viewer: Actor | None, *, before: Cursor | None = None, limit: int = 20
) -> list[TimelineEntry]:
    """`author`'s top-level contributions that `viewer` may see."""
    return await _entries(_live(viewer, before).filter(author_id=author.id, in_reply_to_uri=None), limit)


async def pinned_of(author: Actor, viewer: Actor | None) -> list[Contribution]:
    """`author`'s pinned contributions that `viewer` may see, most recently pinned first."""
    return (
        await _live(viewer, None)
        .filter(author_id=author.id, pinned_at__isnull=False)
        .order_by("-pinned_at")
        .prefetch_related("author")
    )


async def media_of(author: Actor, viewer: Actor | None, limit: int = 24) -> list[Contribution]:
    """`author`'s contributions with media (the profile's grid), newest first."""
    return (
        await _live(viewer, None)
        .filter(author_id=author.id)
        .exclude(kind=ContributionKind.TEXT)
        .order_by("-published_at")
        .limit(limit)
        .prefetch_related("author")
    )


async def replies_to(contribution: Contribution, viewer: Actor | None, limit: int = 200) -> list[Contribution]:
    """Live replies to `contribution` that `viewer` may see, oldest first."""
    return (
        await _live(viewer, None)
        .filter(in_reply_to_id=contribution.id)
        .order_by("published_at", "id")
        .limit(limit)
        .prefetch_related("author")
    )
