"""Writing delivery results: a write that fails keeps the results for the next flush (issue 14
item 5), so a transient database error neither loses them nor has the deliveries sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fediverse_hit.federation import delivery
from fediverse_hit.federation.delivery import Outcomes
from fediverse_hit.federation.host_health import HostHealthBook
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.store.deliveries import claim_deliveries
from fediverse_hit.store.models import Actor, Delivery
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import activity, utc

pytestmark = pytest.mark.anyio


class ConnectionLost(Exception):
    """Stands for the error a terminated database connection raises."""


async def test_results_of_a_failed_write_are_written_at_the_next_flush(
    sender: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    inboxes = [f"https://h{n}.example/inbox" for n in range(3)]
    await enqueue_activity(activity(), sender, inboxes)
    now = utc(2030, 1, 1)
    claims = await claim_deliveries(now, now + timedelta(seconds=30), 10)
    outcomes = Outcomes()
    outcomes.delivered(claims[0], 202)
    outcomes.retry(claims[1], 1, now + timedelta(minutes=5), 503, "HTTP 503 Service Unavailable")
    outcomes.release(claims[2])
    book = HostHealthBook()

    original = delivery.record_final

    async def failing_write(*args: object) -> None:
        raise ConnectionLost("connection was closed in the middle of operation")

    monkeypatch.setattr(delivery, "record_final", failing_write)
    with pytest.raises(ConnectionLost):
        await outcomes.flush(book, now)
    assert len(outcomes) == 3
    assert sorted(row.state for row in await Delivery.all()) == ["delivering"] * 3

    monkeypatch.setattr(delivery, "record_final", original)
    await outcomes.flush(book, now)
    assert len(outcomes) == 0
    rows = {row.inbox_url: row for row in await Delivery.all()}
    assert (rows[inboxes[0]].state, rows[inboxes[0]].last_status) == ("delivered", 202)
    assert (rows[inboxes[1]].state, rows[inboxes[1]].attempts) == ("pending", 1)
    assert (rows[inboxes[2]].state, rows[inboxes[2]].attempts) == ("pending", 0)
    assert all(row.locked_until is None for row in rows.values())
