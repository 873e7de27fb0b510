"""Named queries over notifications: recording one once, listing, counting and marking read."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from fediverse_hit.store.models import Actor, Contribution, Notification
from fediverse_hit.store.mutes import not_muted


async def add_notification(
    recipient: Actor, kind: str, from_actor: Actor, contribution: Contribution | None
) -> Notification | None:
    """Record the notification unless the same one exists; returns the new row, else None.

    The unique key (recipient, kind, from_actor, contribution) catches concurrent duplicates,
    but SQL treats NULLs as distinct, so notifications without a contribution (follows) are
    looked up first.
    """
    existing = Notification.filter(
        recipient=recipient, kind=kind, from_actor=from_actor, contribution_id=_id_or_none(contribution)
    )
    if await existing.exists():
        return None
    try:
        return await Notification.create(
            recipient=recipient, kind=kind, from_actor=from_actor, contribution=contribution
        )
    except IntegrityError:  # the same notification was recorded at the same moment
        return None


def _id_or_none(contribution: Contribution | None) -> int | None:
    return None if contribution is None else contribution.id


async def list_notifications(
    recipient: Actor, *, before_id: int | None, limit: int, kinds: Collection[str] | None = None
) -> list[Notification]:
    """`recipient`'s notifications (of `kinds` when given), newest first, older than `before_id`
    when given; none from people the recipient muted."""
    query = Notification.filter(not_muted(recipient, "from_actor_id"), recipient=recipient)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit).prefetch_related("from_actor", "contribution")


def unread_of(recipient: Actor) -> QuerySet[Notification]:
    """`recipient`'s unread notifications from people they have not muted."""
    return Notification.filter(not_muted(recipient, "from_actor_id"), recipient_id=recipient.id, read_at=None)


async def count_unread(recipient: Actor) -> int:
    return await unread_of(recipient).count()


async def mark_read(recipient: Actor, ids: Collection[int], when: datetime) -> int:
    """Mark those of `ids` that are `recipient`'s and unread as read; returns how many were."""
    return await Notification.filter(recipient=recipient, id__in=list(ids), read_at=None).update(read_at=when)


async def mark_all_read(recipient: Actor, when: datetime) -> int:
    """Mark every unread notification of `recipient` read; returns how many were."""
    return await Notification.filter(recipient=recipient, read_at=None).update(read_at=when)


async def delete_notifications_about(contribution: Contribution) -> None:
    """Forget what a contribution caused people to be told (it was deleted)."""
    await Notification.filter(contribution=contribution).delete()


async def delete_notification(kind: str, from_actor: Actor, contribution_id: int) -> None:
    """Forget a notification whose cause was taken back (an undone like or boost)."""
    await Notification.filter(kind=kind, from_actor=from_actor, contribution_id=contribution_id).delete()


async def forget_notifications_from(recipient: Actor, kind: str, from_actor: Actor) -> None:
    """Drop `recipient`'s notifications of `kind` from `from_actor` (about no contribution), so a
    newer one of the same kind takes their place at the top."""
    await Notification.filter(recipient=recipient, kind=kind, from_actor=from_actor, contribution_id=None).delete()
