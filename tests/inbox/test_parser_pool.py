"""Large remote objects are parsed in worker processes (federation/parser_pool.py): the result is
the thread's to the byte, and a worker that dies or hangs costs a retry, never the inbox item."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from fediverse_hit.federation.parser_pool import WORKER_NICENESS, ContributionParser, ParseWorkerError
from fediverse_hit.federation.runtime import FederationRuntime
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import Contribution, InboxItem
from tests.inbox.parse_faults import CRASH, HANG, parse_or_crash, parse_or_hang
from tests.inbox_harness import InboxHarness

pytestmark = pytest.mark.anyio

IN_THREAD = 1 << 40  # a `large_object_chars` no object reaches
IN_POOL = 0  # every object is large
MASTODON_CONTENT = (
    '<p>Look <span class="h-card" translate="no"><a href="https://m.example/@b" class="u-url mention">'
    '@<span>b</span></a></span>: <a href="https://m.example/tags/art" class="mention hashtag" rel="tag">'
    '#<span>art</span></a> <a href="javascript:alert(1)">x</a><br>two &amp; three</p><script>bad()</script>'
)
SHAPES = {
    "a Mastodon post": MASTODON_CONTENT * 40,
    "unclosed <h1>…<h6>": "<h1>x<h2>x<h3>x<h4>x<h5>x<h6>x" * 1_000,
    "unclosed <a href=x>": "<a href=x>" * 3_000,
    "nested <blockquote>": "<blockquote>" * 3_000,
    "nested <ul><li>": "<ul><li>" * 3_000,
    "& entity soup": "&amp;&#x41;&lt&&#99999999;" * 1_000,
    "unclosed <!--": "<p>kept</p><!--" * 2_000,
}


def note(content: str, **fields: Any) -> dict[str, Any]:
    return {"id": "https://far.example/notes/1", "type": "Article", "attributedTo": "https://far.example/users/s",
            "name": "<b>A</b> title &amp; more", "content": content, "summary": "cw",
            "published": "2026-12-01T10:00:00Z", "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "tag": [{"type": "Hashtag", "name": "#art", "href": "https://far.example/tags/art"}], **fields}


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_large_object_parsed_in_a_worker_process_equals_the_thread_parse(shape: str) -> None:
    document = note(SHAPES[shape])
    in_thread, in_pool = ContributionParser(large_object_chars=IN_THREAD), ContributionParser(large_object_chars=IN_POOL)
    try:
        expected = await in_thread.parse(document, size=len(json.dumps(document)))
        assert multiprocessing.active_children() == []
        parsed = await in_pool.parse(document, size=len(json.dumps(document)))
        assert len(multiprocessing.active_children()) == 1  # it was parsed in another process
    finally:
        in_pool.close()
    assert parsed == expected
    assert expected is not None and expected.content_html  # sanitized content, not an empty parse
    assert multiprocessing.active_children() == []


async def test_an_object_below_the_threshold_is_parsed_without_starting_a_process() -> None:
    parser = ContributionParser()
    document = note(MASTODON_CONTENT)
    parsed = await parser.parse(document, size=len(json.dumps(document)))
    assert parsed is not None and parsed.title == "A title & more"
    assert multiprocessing.active_children() == []


async def test_parse_workers_run_at_a_lower_priority_than_the_process_answering_requests() -> None:
    parser = ContributionParser(large_object_chars=IN_POOL)
    try:
        await parser.parse(note("<p>x</p>"), size=1)
        (worker,) = multiprocessing.active_children()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid or 0) == min(ours + WORKER_NICENESS, 19)
    finally:
        parser.close()


async def test_a_dead_parse_worker_is_a_clear_error_and_the_next_object_gets_a_new_one() -> None:
    parser = ContributionParser(parse_or_crash, large_object_chars=IN_POOL)
    try:
        with pytest.raises(ParseWorkerError) as raised:
            await parser.parse(note("<p>x</p>", summary=CRASH), size=1)
        assert str(raised.value) == "the parse worker process ended unexpectedly; the item will be retried"
        parsed = await parser.parse(note("<p>fine</p>"), size=1)
    finally:
        parser.close()
    assert parsed is not None and parsed.content_html == "<p>fine</p>"


def exit_code_of(process: multiprocessing.process.BaseProcess, wait_seconds: float = 10.0) -> int | None:
    """The exit code of an ended process. The pool's own thread reaps its workers too, and the
    reader that loses that race sees None until the winner has recorded the code (CI saw it once)."""
    deadline = time.monotonic() + wait_seconds
    while process.exitcode is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return process.exitcode


async def test_a_parse_over_the_deadline_stops_its_worker_and_is_a_clear_error() -> None:
    parser = ContributionParser(parse_or_hang, large_object_chars=IN_POOL, deadline=3)
    try:
        assert await parser.parse(note("<p>warm</p>"), size=1) is not None  # the worker is started
        (worker,) = multiprocessing.active_children()
        with pytest.raises(ParseWorkerError) as raised:
            await parser.parse(note("<p>x</p>", summary=HANG), size=1)
        assert str(raised.value) == (
            "parsing took longer than 3 s in a worker process, which was stopped; the item will be retried"
        )
        worker.join(timeout=30)
        assert exit_code_of(worker) == -signal.SIGKILL
        parsed = await parser.parse(note("<p>fine</p>"), size=1)
    finally:
        parser.close()
    assert parsed is not None and parsed.content_html == "<p>fine</p>"


async def test_a_large_post_whose_parse_worker_dies_is_kept_retried_and_then_stored(
    inbox: InboxHarness, settings: Settings
) -> None:
    alice = await inbox.local_person("alice")
    stranger = inbox.network.person("stranger", "far.example")
    mention = [{"type": "Mention", "href": alice.uri, "name": "@alice"}]
    post = stranger.note(1, content="<ul><li>" * 5_000, summary=CRASH, tag=mention)
    crashing = ContributionParser(parse_or_crash)
    inbox.processor = FederationRuntime(settings, inbox.urls, inbox.fetcher, crashing).inbox_processor()
    try:
        assert (await inbox.post(stranger.create(post), stranger)).status_code == 202
        assert await inbox.process() == (0, 1)
    finally:
        crashing.close()
    item = await InboxItem.get(activity_id=stranger.create(post)["id"])
    assert (item.state, item.attempts, item.last_error) == (
        "pending", 1, "ParseWorkerError: the parse worker process ended unexpectedly; the item will be retried"
    )
    assert await Contribution.get_or_none(uri=post["id"]) is None

    inbox.processor = inbox.runtime.inbox_processor()  # a worker whose parse works takes it up again
    await InboxItem.filter(id=item.id).update(next_attempt_at=datetime.now(UTC))
    assert await inbox.process() == (1, 0)
    stored = await Contribution.get(uri=post["id"])
    assert stored.content_html.startswith("<ul><li><ul><li>")
