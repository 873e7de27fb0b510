"""What local people are told: follows, follow requests, replies, mentions, likes and boosts.

Only live local accounts are notified, never about themselves, and never by someone either side
blocks or the recipient muted (Mastodon's NotifyService filters blocked and muted senders too). Notifying twice is a no-op.
Who is told of what is decided in `side_effects.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.store import notifications as store
from fediverse_hit.store.follows import is_blocked_either_way
from fediverse_hit.store.models import Actor, Contribution, Notification
from fediverse_hit.store.mutes import is_muted

KINDS = frozenset(NotificationKind)
MAX_PAGE = 80  # Mastodon's notifications API caps `limit` at 80


async def notify(
    recipient: Actor, kind: str, from_actor: Actor, contribution: Contribution | None = None
) -> Notification | None:
    """Tell `recipient` that `from_actor` did `kind`; returns the new notification, or None."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind: {kind!r}")
    if not recipient.local or recipient.deleted_at is not None or recipient.id == from_actor.id:
        return None
    if await is_blocked_either_way(recipient, from_actor) or await is_muted(recipient, from_actor):
        return None
    return await store.add_notification(recipient, kind, from_actor, contribution)


async def list_notifications(
    recipient: Actor, *, before_id: int | None = None, limit: int = 40, kinds: Collection[str] | None = None
) -> list[Notification]:
    """A page of `recipient`'s notifications (only `kinds` when given), newest first, with
    `from_actor` and `contribution` loaded."""
    return await store.list_notifications(
        recipient, before_id=before_id, limit=max(1, min(limit, MAX_PAGE)), kinds=kinds
    )


async def unread_count(recipient: Actor) -> int:
    return await store.count_unread(recipient)


async def mark_seen(recipient: Actor, ids: Collection[int]) -> int:
    """Mark the notifications `recipient` was just shown as read; returns how many were unread."""
    return await store.mark_read(recipient, ids, datetime.now(UTC))


async def mark_all_read(recipient: Actor) -> int:
    """Mark everything read; returns how many notifications were unread."""
    return await store.mark_all_read(recipient, datetime.now(UTC))


async def withdraw(kind: str, from_actor: Actor, contribution_id: int) -> None:
    """The cause was undone (Undo of a Like or Announce): its notification goes, as in Mastodon."""
    await store.delete_notification(kind, from_actor, contribution_id)
