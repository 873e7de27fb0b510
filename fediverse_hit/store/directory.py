"""Named queries for search: people known here by name or username, and hashtags in use."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.functions import Count

from fediverse_hit.protocol.vocabulary import Visibility
from fediverse_hit.store.models import Actor, ContributionTag

PEOPLE_KINDS = ("Person", "Group", "Service", "Organization")


async def search_people(text: str, limit: int) -> list[Actor]:
    """Live people and projects whose name or username contains `text`: everyone local, and
    remote accounts that asked to be discoverable (Mastodon's rule for its account search)."""
    matches = Q(name__icontains=text) | Q(username__icontains=text)
    listed = Q(local=True) | Q(discoverable=True)
    return (
        await Actor.filter(matches, listed, kind__in=PEOPLE_KINDS, deleted_at=None)
        .order_by("-local", "username")
        .limit(limit)
    )


async def search_hashtags(text: str, limit: int) -> list[tuple[str, int]]:
    """Hashtags of public works starting with `text` (lower case, no `#`) with how many live works carry them,
    the most used first."""
    rows = (
        await ContributionTag.filter(
            name__startswith=text, contribution__deleted_at=None, contribution__visibility=Visibility.PUBLIC
        )
        .annotate(uses=Count("id"))
        .group_by("name")
        .order_by("-uses", "name")
        .limit(limit)
        .values_list("name", "uses")
    )
    return [(str(name), int(uses)) for name, uses in rows]
