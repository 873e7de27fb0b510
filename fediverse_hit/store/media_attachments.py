"""Named queries over media attachments: uploads waiting for a contribution, and those attached to one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.store.models import Actor, MediaAttachment


async def create_media(
    owner: Actor,
    *,
    kind: str,
    media_type: str,
    filename: str,
    size_bytes: int,
    description: str = "",
    width: int | None = None,
    height: int | None = None,
    duration_seconds: float | None = None,
    blurhash: str | None = None,
    thumbnail_filename: str | None = None,
    cover_filename: str | None = None,
    captions_filename: str | None = None,
) -> MediaAttachment:
    """A local upload, not yet attached to any contribution."""
    return await MediaAttachment.create(
        owner=owner,
        kind=kind,
        media_type=media_type,
        filename=filename,
        size_bytes=size_bytes,
        description=description,
        width=width,
        height=height,
        duration_seconds=duration_seconds,
        blurhash=blurhash,
        thumbnail_filename=thumbnail_filename,
        cover_filename=cover_filename,
        captions_filename=captions_filename,
    )


async def find_media_of_owner(media_id: int, owner_id: int) -> MediaAttachment | None:
    """One attachment, only when `owner_id` uploaded it."""
    return await MediaAttachment.get_or_none(id=media_id, owner_id=owner_id)


async def find_own_media(owner: Actor, media_ids: Sequence[int]) -> list[MediaAttachment]:
    """Those of `media_ids` that `owner` uploaded (attached or not), in the order given."""
    rows = {row.id: row for row in await MediaAttachment.filter(id__in=list(media_ids), owner_id=owner.id)}
    return [rows[media_id] for media_id in media_ids if media_id in rows]


async def list_unattached_media(owner_id: int, limit: int = 20) -> list[MediaAttachment]:
    """The owner's uploads not yet in any contribution, newest first."""
    return await MediaAttachment.filter(owner_id=owner_id, contribution_id=None).order_by("-id").limit(limit)


async def attach_media(contribution_id: int, owner_id: int, media_ids: Sequence[int]) -> list[MediaAttachment]:
    """Attach the owner's unattached uploads to a contribution, at positions in the given order.

    All or nothing: ValidationFailed (and nothing changes) when an id repeats, is not the owner's,
    or is already attached. Each row is claimed with a conditional UPDATE, so two contributions
    racing for the same upload cannot both get it.
    """
    if len(set(media_ids)) != len(media_ids):
        raise ValidationFailed("The same attachment is listed twice.")
    async with in_transaction():
        for position, media_id in enumerate(media_ids):
            claimed = await MediaAttachment.filter(id=media_id, owner_id=owner_id, contribution_id=None).update(
                contribution_id=contribution_id, position=position
            )
            if claimed != 1:
                raise ValidationFailed(f"Attachment {media_id} is not one of your unattached uploads.")
    return await MediaAttachment.filter(id__in=list(media_ids)).order_by("position")


async def replace_attachments(contribution_id: int, owner_id: int, media_ids: Sequence[int]) -> list[MediaAttachment]:
    """Make `media_ids`, in this order, the files of a contribution being edited: files it keeps,
    then the owner's fresh uploads. Files left out are detached, not deleted: earlier versions
    still show them. All or nothing, as attach_media."""
    if len(set(media_ids)) != len(media_ids):
        raise ValidationFailed("The same attachment is listed twice.")
    async with in_transaction():
        await MediaAttachment.filter(contribution_id=contribution_id).exclude(id__in=list(media_ids)).update(
            contribution_id=None
        )
        for position, media_id in enumerate(media_ids):
            mine = Q(contribution_id=contribution_id) | Q(owner_id=owner_id, contribution_id=None)
            claimed = await MediaAttachment.filter(mine, id=media_id).update(
                contribution_id=contribution_id, position=position
            )
            if claimed != 1:
                raise ValidationFailed(f"Attachment {media_id} is not one of your uploads.")
    return await MediaAttachment.filter(contribution_id=contribution_id).order_by("position")


async def attachments_of(contribution_ids: Iterable[int]) -> dict[int, list[MediaAttachment]]:
    """The attachments of each contribution, in position order (contributions without any are absent)."""
    ids = list(contribution_ids)
    found: dict[int, list[MediaAttachment]] = {}
    if not ids:
        return found
    rows = await MediaAttachment.filter(contribution_id__in=ids).order_by("contribution_id", "position", "id")
    for row in rows:
        found.setdefault(row.contribution_id, []).append(row)  # type: ignore[attr-defined]
    return found


async def find_media_using_file(filename: str) -> list[MediaAttachment]:
    """The attachments whose file, thumbnail, cover or captions are `filename`, with contribution and author loaded."""
    return await MediaAttachment.filter(
        Q(filename=filename) | Q(thumbnail_filename=filename) | Q(cover_filename=filename) | Q(captions_filename=filename)
    ).prefetch_related("contribution__author")
