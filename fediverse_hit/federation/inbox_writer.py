"""Storing accepted inbox items with group commit: requests that arrive together are written
in one INSERT, and each is answered 202 only after its row is stored.

Under load this turns one statement and one commit per POST into one per batch (the inbox's
main cost after signature checks); a single request waits for nothing but its own write.
The inbox validates every field before an item joins a batch; should a batch still fail, its
items are written one by one, so only the faulty one fails and its neighbours are stored.
"""

from __future__ import annotations

import asyncio

from fediverse_hit.store.models import InboxItem

MAX_BATCH = 500


class InboxWriter:
    """Collects items from concurrent requests and writes them in batches; duplicates by
    activity id are ignored by the database's unique index (a repeat is a no-op)."""

    def __init__(self) -> None:
        self._pending: list[tuple[InboxItem, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def store(self, item: InboxItem) -> None:
        """Return once `item` (or an earlier item with its activity id) is stored."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((item, done))
        if self._flusher is None or self._flusher.done() or self._flusher.get_loop() is not loop:
            self._flusher = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let requests already being handled join this batch
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            try:
                await InboxItem.bulk_create([item for item, _ in batch], ignore_conflicts=True)
            except Exception:  # which item broke the batch is found by writing each alone
                await _store_one_by_one(batch)
            else:
                for _, done in batch:
                    done.set_result(None)


async def _store_one_by_one(batch: list[tuple[InboxItem, asyncio.Future[None]]]) -> None:
    """Write each item alone: a failing one gets its own error, the others are stored."""
    for item, done in batch:
        try:
            await InboxItem.bulk_create([item], ignore_conflicts=True)
        except Exception as exc:  # the database's error goes to the one request it belongs to
            done.set_exception(exc)
        else:
            done.set_result(None)


INBOX_WRITER = InboxWriter()
