"""Named queries over contributions, their versions, mentions and hashtags."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES
from fediverse_hit.store.models import (
    Actor,
    Contribution,
    ContributionTag,
    ContributionVersion,
    Mention,
)


def new_local_id() -> str:
    """A fresh, never reused, time-ordered id: milliseconds since the epoch, then 16 random bits
    (the shape of Mastodon's snowflake ids), so ids sort by creation time and cannot be guessed."""
    return str((int(time.time() * 1000) << 16) | secrets.randbits(16))


async def find_contribution_by_uri(uri: str) -> Contribution | None:
    """A contribution (deleted ones too) by IRI, with its author."""
    return await Contribution.get_or_none(uri=uri).prefetch_related("author")


async def find_local_contribution(local_id: str) -> Contribution | None:
    """One of our contributions (deleted ones too) by its local id, with its author."""
    return await Contribution.get_or_none(local_id=local_id, local=True).prefetch_related("author")


async def find_version(contribution: Contribution, number: int) -> ContributionVersion | None:
    return await ContributionVersion.get_or_none(contribution=contribution, number=number)


async def find_current_versions(contributions: Sequence[Contribution]) -> dict[int, str]:
    """The stored text of each contribution's current version, by contribution id, in one query
    (a page of a collection costs the same whatever its length). Versions not kept yet are absent."""
    if not contributions:
        return {}
    wanted = Q(*(Q(contribution_id=row.id, number=row.version) for row in contributions), join_type=Q.OR)
    rows = await ContributionVersion.filter(wanted).values_list("contribution_id", "document_json")
    return {int(contribution_id): str(text) for contribution_id, text in rows}


async def stored_versions(contribution_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Every kept version (number, document text) of each contribution, by id, in one query."""
    rows = await ContributionVersion.filter(contribution_id__in=list(contribution_ids)).values_list(
        "contribution_id", "number", "document_json"
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for contribution_id, number, text in rows:
        found.setdefault(int(contribution_id), []).append((int(number), str(text)))
    return found


async def store_version(contribution: Contribution, number: int, document_json: str) -> None:
    """Keep version `number` as published; an existing version is never overwritten."""
    await ContributionVersion.get_or_create(
        contribution=contribution, number=number, defaults={"document_json": document_json}
    )


async def set_mentions(contribution: Contribution, actors: Sequence[Actor]) -> None:
    """Replace the contribution's mentions with `actors` (deduplicated), in one insert."""
    unique = {actor.id: actor for actor in actors}
    async with in_transaction():
        await Mention.filter(contribution=contribution).delete()
        if unique:
            await Mention.bulk_create([Mention(contribution=contribution, actor=actor) for actor in unique.values()])


async def set_hashtags(contribution: Contribution, names: Sequence[str]) -> None:
    """Replace the contribution's hashtags with `names` (lower-cased, without `#`), in one insert."""
    unique = dict.fromkeys(name.lower().lstrip("#")[:100] for name in names if name.strip("#"))
    async with in_transaction():
        await ContributionTag.filter(contribution=contribution).delete()
        if unique:
            await ContributionTag.bulk_create([ContributionTag(contribution=contribution, name=name) for name in unique])


async def mentioned_actors(contribution: Contribution) -> list[Actor]:
    return [m.actor for m in await Mention.filter(contribution=contribution).prefetch_related("actor")]


async def is_mentioned(contribution: Contribution, actor: Actor) -> bool:
    return await Mention.filter(contribution=contribution, actor=actor).exists()


async def mark_deleted(contribution: Contribution, when: datetime) -> None:
    """Keep the row (its IRI is never reused) but drop what it said."""
    contribution.deleted_at = when
    contribution.pinned_at = None
    await contribution.save(update_fields=["deleted_at", "pinned_at"])


async def count_public_by(author: Actor) -> int:
    """Public and unlisted live contributions of `author` (the outbox size)."""
    return await Contribution.filter(
        author=author, deleted_at=None, visibility__in=list(OPEN_VISIBILITIES)
    ).count()


async def list_public_by(author: Actor, offset: int, limit: int) -> list[Contribution]:
    """Public and unlisted live contributions of `author`, newest first (outbox pages)."""
    return (
        await Contribution.filter(author=author, deleted_at=None, visibility__in=list(OPEN_VISIBILITIES))
        .order_by("-published_at", "-id")
        .offset(offset)
        .limit(limit)
    )


async def list_pinned(author: Actor, *, public_only: bool) -> list[Contribution]:
    """`author`'s pinned live contributions, most recently pinned first."""
    query = Contribution.filter(author=author, deleted_at=None, pinned_at__isnull=False)
    if public_only:
        query = query.filter(visibility__in=list(OPEN_VISIBILITIES))
    return await query.order_by("-pinned_at").prefetch_related("author")


async def count_replies(contribution: Contribution) -> int:
    """Live public or unlisted replies (what the `replies` collection lists)."""
    return await Contribution.filter(
        in_reply_to=contribution, deleted_at=None, visibility__in=list(OPEN_VISIBILITIES)
    ).count()


async def list_reply_uris(contribution: Contribution, offset: int, limit: int) -> list[str]:
    """IRIs of live public or unlisted replies, oldest first (a thread reads top-down)."""
    rows = (
        await Contribution.filter(
            in_reply_to=contribution, deleted_at=None, visibility__in=list(OPEN_VISIBILITIES)
        )
        .order_by("published_at", "id")
        .offset(offset)
        .limit(limit)
        .values_list("uri", flat=True)
    )
    return [str(uri) for uri in rows]


async def link_waiting_replies(contribution: Contribution) -> None:
    """Replies stored before their parent arrived point at it from now on."""
    await Contribution.filter(in_reply_to_uri=contribution.uri, in_reply_to_id=None).update(
        in_reply_to_id=contribution.id
    )
