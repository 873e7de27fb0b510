"""The visibility rule as one query filter, so a single contribution, a batch of cards and every
timeline are decided by the same expression (`services.contribution_rules.can_view` is its API).

A live contribution is visible to everyone when public or unlisted; a followers-only one to the
author's accepted followers; any one to the people it mentions or addresses; everything to its
author; and nothing across a block either way (Mastodon's `StatusPolicy#show?`).
"""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q, Subquery

from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, FollowState, Visibility
from fediverse_hit.store.models import Actor, Block, Contribution, Follow, Mention


def followed_ids(viewer: Actor) -> Subquery:
    """Ids of the actors `viewer` follows (accepted follows only)."""
    return Subquery(Follow.filter(follower_id=viewer.id, state=FollowState.ACCEPTED).values("followed_id"))


def visible_to(viewer: Actor | None) -> Q:
    """The visibility rule as a filter on contributions (None: an anonymous visitor)."""
    live = Q(deleted_at=None)
    if viewer is None:
        return live & Q(visibility__in=list(OPEN_VISIBILITIES))
    addressed = (
        Q(visibility__in=list(OPEN_VISIBILITIES))
        | Q(visibility=Visibility.FOLLOWERS, author_id__in=followed_ids(viewer))
        | Q(id__in=Subquery(Mention.filter(actor_id=viewer.id).values("contribution_id")))
    )
    blocked = Q(author_id__in=Subquery(Block.filter(blocker_id=viewer.id).values("blocked_id"))) | Q(
        author_id__in=Subquery(Block.filter(blocked_id=viewer.id).values("blocker_id"))
    )
    return live & (Q(author_id=viewer.id) | (addressed & ~blocked))


async def visible_ids(viewer: Actor | None, ids: Iterable[int]) -> set[int]:
    """Which of the contributions `ids` `viewer` may see, in one query."""
    rows = await Contribution.filter(visible_to(viewer), id__in=list(dict.fromkeys(ids))).values_list("id", flat=True)
    return {int(row) for row in rows}  # type: ignore[call-overload]
