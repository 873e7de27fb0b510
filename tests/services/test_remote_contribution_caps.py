"""Caps per remote object on a real database: a Note stuffed with tags stores at most the caps,
in a bounded number of statements (counted from Tortoise's query log, on either engine)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest

from fediverse_hit.protocol.notes import parse_note
from fediverse_hit.services.remote_contributions import store_remote_note
from fediverse_hit.store.models import Actor, ContributionTag, MediaAttachment, Mention

pytestmark = pytest.mark.anyio

AUTHOR = "http://remote.example/users/spammer"



class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends (it logs each one, a batch insert once)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            self.statements.append(text)


@pytest.fixture
def statements() -> AsyncIterator[list[str]]:  # type: ignore[misc]
    logger = logging.getLogger("tortoise.db_client")
    counter, level = StatementCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


def stuffed_note(hashtags: int, attachments: int) -> dict[str, object]:
    """Hostile: a Note with `hashtags` distinct Hashtag tags and `attachments` Documents."""
    return {
        "id": f"{AUTHOR}/notes/1",
        "type": "Note",
        "attributedTo": AUTHOR,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "content": "<p>buy now</p>",
        "tag": [{"type": "Hashtag", "name": f"#tag{n}", "href": f"http://remote.example/tags/tag{n}"}
                for n in range(hashtags)],
        "attachment": [{"type": "Document", "mediaType": "image/png", "url": f"http://remote.example/{n}.png"}
                       for n in range(attachments)],
    }


async def store(document: dict[str, object], mentioned: list[Actor]) -> None:
    author = await Actor.create(uri=AUTHOR, username="spammer", domain="remote.example", local=False)
    parsed = parse_note(document)
    assert await store_remote_note(parsed, json.dumps(document), author, mentioned_local=mentioned,
                                   in_reply_to=None) is not None


async def test_note_with_ten_thousand_hashtags_stores_the_cap_in_few_statements(
    db: None, statements: list[str]
) -> None:
    await store(stuffed_note(hashtags=10_000, attachments=0), [])
    assert await ContributionTag.all().count() == 60  # the cap docs/federation.md states
    tag_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "CONTRIBUTION_TAGS"')]
    assert len(tag_inserts) == 1
    # Rows of the note, its version, the replaced parts: not one per tag. On PostgreSQL each
    # write also tells the other processes which table changed (one NOTIFY per write, not per tag).
    writes = [sql for sql in statements if not sql.startswith("SELECT PG_NOTIFY")]
    assert len(writes) <= 15


async def test_note_with_a_hundred_attachments_keeps_eight_in_one_insert(db: None, statements: list[str]) -> None:
    await store(stuffed_note(hashtags=0, attachments=100), [])
    assert await MediaAttachment.all().count() == 8
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "MEDIA_ATTACHMENTS"')]) == 1


async def test_mentions_of_many_local_people_are_stored_in_one_insert(db: None, statements: list[str]) -> None:
    people = [await Actor.create(uri=f"http://hit.test/users/p{n}", username=f"p{n}", domain="hit.test", local=True)
              for n in range(30)]
    statements.clear()
    await store(stuffed_note(hashtags=0, attachments=0), people + people)  # duplicates too
    assert await Mention.all().count() == 30
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "MENTIONS"')]) == 1
