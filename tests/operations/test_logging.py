"""What an operator reads: one info line per delivery outcome and per inbox item processed
(`fediverse_hit.federation`), an access line per request from `serve`, and none of these with
`--quiet`."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import httpx
import pytest

from bench.inbox_sink import SinkProcess
from fediverse_hit.cli import configure_logging
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.worker import run_once
from fediverse_hit.store.models import Actor, Delivery, InboxItem
from tests.federation.test_delivery_support import *
from tests.federation.test_delivery_support import TEST_CONFIG, activity, inbox_path, refuse_inbox_items
from tests.instances import InstanceFactory

FEDERATION = "fediverse_hit.federation"


def _lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [(record.name, record.levelno, record.getMessage()) for record in caplog.records]


@pytest.mark.anyio
async def test_each_delivery_outcome_is_one_info_line(
    sender: Actor, sink: SinkProcess, clients: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    delivered, refused = sink.url(inbox_path()), sink.url(inbox_path("410"))
    await enqueue_activity(activity(), sender, [delivered, refused])
    caplog.set_level(logging.INFO, logger=FEDERATION)

    await run_once(clients, refuse_inbox_items, config=TEST_CONFIG)

    ids = {row.inbox_url: row.id for row in await Delivery.all()}
    assert sorted(_lines(caplog)) == sorted([
        (f"{FEDERATION}.delivery", logging.INFO, f"delivery {ids[delivered]} to {delivered}: delivered, HTTP 202 (attempt 1)"),
        (f"{FEDERATION}.delivery", logging.INFO,
         f"delivery {ids[refused]} to {refused}: given up at attempt 1: inbox answered 410: gone, not retried (HTTP 410 Gone)"),
    ])


@pytest.mark.anyio
async def test_each_inbox_item_processed_is_one_info_line(
    db: str, clients: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    item = await InboxItem.create(
        activity_id="https://remote.example/activities/1", activity_type="Like",
        actor_uri="https://remote.example/users/bob", body="{}", next_attempt_at=datetime.now(UTC),
    )
    caplog.set_level(logging.INFO, logger=FEDERATION)

    async def process(_item: InboxItem) -> None:
        return None

    await run_once(clients, process, config=TEST_CONFIG)

    assert _lines(caplog) == [(
        f"{FEDERATION}.worker", logging.INFO,
        f"inbox item {item.id}: Like https://remote.example/activities/1 from https://remote.example/users/bob processed",
    )]


@pytest.mark.parametrize(("quiet", "level"), [(False, logging.INFO), (True, logging.WARNING)])
def test_quiet_keeps_only_warnings_of_ours_and_libraries_stay_at_warning(quiet: bool, level: int) -> None:
    ours = logging.getLogger("fediverse_hit")
    before = ours.level
    try:
        configure_logging(quiet=quiet)
        assert ours.getEffectiveLevel() == level
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    finally:
        ours.setLevel(before)


ACCESS_LINE = re.compile(r'INFO: +127\.0\.0\.1:\d+ - "GET /about-this-test HTTP/1\.1" 404', re.MULTILINE)


@pytest.mark.federation
def test_serve_logs_a_line_per_request_unless_quiet(instances: InstanceFactory) -> None:
    [instance] = instances.start(1)
    assert httpx.get(instance.url("/about-this-test"), trust_env=False).status_code == 404
    assert len(ACCESS_LINE.findall(instance.server_log())) == 1

    instance.stop()
    instance.start("--quiet")
    assert httpx.get(instance.url("/about-this-test"), trust_env=False).status_code == 404
    # uvicorn writes a request's access line before sending its answer: one line, from before.
    assert len(ACCESS_LINE.findall(instance.server_log())) == 1
