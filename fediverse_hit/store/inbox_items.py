"""Named queries over inbox items: claiming due ones and recording how processing went.

Items are claimed like deliveries (`job_claims`): state 'processing' with a lease, written back
only while the lease is still ours.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from tortoise.fields import CharField

from fediverse_hit.store.job_claims import claim_due_rows
from fediverse_hit.store.models import InboxItem

PROCESSING = "processing"


def column_limit(column: str) -> int:
    """The most characters inbox item column `column` holds (PostgreSQL enforces it; SQLite not)."""
    field = cast("CharField[str]", InboxItem._meta.fields_map[column])
    return field.max_length


async def claim_inbox_items(now: datetime, lease_until: datetime, limit: int) -> list[InboxItem]:
    """Claim up to `limit` due inbox items until `lease_until`, oldest due first, by id."""
    rows = await claim_due_rows("inbox_items", ("id",), PROCESSING, now, lease_until, limit)
    if not rows:
        return []
    items = await InboxItem.filter(id__in=[row["id"] for row in rows]).order_by("id")
    return list(items)


async def mark_inbox_item_done(item: InboxItem, now: datetime) -> bool:
    """Record successful processing; False when the lease had passed and another worker took it."""
    updated = await InboxItem.filter(id=item.id, locked_until=item.locked_until).update(
        state="done",
        attempts=item.attempts + 1,
        processed_at=now,
        locked_until=None,
        last_error="",
    )
    return updated == 1


async def mark_inbox_item_failed(
    item: InboxItem, error: str, retry_at: datetime | None
) -> bool:
    """Record a failed try: pending again at `retry_at`, or failed for good when None."""
    fields: dict[str, object] = {
        "attempts": item.attempts + 1,
        "last_error": error,
        "locked_until": None,
        "state": "pending" if retry_at is not None else "failed",
    }
    if retry_at is not None:
        fields["next_attempt_at"] = retry_at
    updated = await InboxItem.filter(id=item.id, locked_until=item.locked_until).update(**fields)
    return updated == 1
