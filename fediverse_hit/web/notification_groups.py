"""Grouping a page of notifications the way Mastodon's grouped notifications do: likes and boosts
of one work, and follows, that arrive close together become one line ("eli and 3 others liked …").

Mastodon (`Notification#set_group_key!`, API v2 grouped notifications) groups favourites and
reblogs per status and follows together, as long as the group spans no more than a bounded time;
the same rule is applied here to one page of notifications, newest first. Everything else
(replies, mentions, remixes, requests) stays one line each, since each carries its own content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.store.models import Notification

GROUPABLE = frozenset({NotificationKind.LIKE, NotificationKind.BOOST, NotificationKind.FOLLOW})
GROUP_SPAN = timedelta(hours=12)  # a group never covers more than this between its newest and oldest


@dataclass
class NotificationGroup:
    """Notifications shown as one line: the newest first (it names the line and its time)."""

    members: list[Notification] = field(default_factory=list)

    @property
    def newest(self) -> Notification:
        return self.members[0]

    @property
    def unread(self) -> bool:
        return any(member.read_at is None for member in self.members)


def group_key(notification: Notification) -> tuple[str, int | None] | None:
    """What a notification is grouped by (its kind and work), or None when it stands alone."""
    if notification.kind not in GROUPABLE:
        return None
    return (notification.kind, notification.contribution_id)  # type: ignore[attr-defined]


def group_notifications(rows: Sequence[Notification]) -> list[NotificationGroup]:
    """`rows` (newest first) as groups, in the order of each group's newest member. A member joins
    the open group of its key while it is within GROUP_SPAN of that group's newest member."""
    groups: list[NotificationGroup] = []
    open_groups: dict[tuple[str, int | None], NotificationGroup] = {}
    for row in rows:
        key = group_key(row)
        group = open_groups.get(key) if key is not None else None
        if group is not None and group.newest.created_at - row.created_at <= GROUP_SPAN:
            group.members.append(row)
            continue
        group = NotificationGroup([row])
        groups.append(group)
        if key is not None:
            open_groups[key] = group
    return groups
