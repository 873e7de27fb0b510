"""Fixtures shared by the delivery, outbox and worker tests (imported by them; no tests here).

The inbox sink is a real separate process (bench/inbox_sink.py) that verifies every signature
with the sender's public key, given to it up front.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bench.inbox_sink import SinkProcess
from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.delivery_session import create_delivery_session
from fediverse_hit.federation.sender_pool import WorkerConfig
from fediverse_hit.protocol.keys import KeyPairPem, generate_rsa_key
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Actor, ActorKey, InboxItem

# The fixtures; test modules take them with `from … import *` (helpers are imported by name).
__all__ = ["clients", "db", "sender", "sender_keypair", "sink"]

SENDER_URI = "http://hit.test/users/alice"
SENDER_KEY_ID = f"{SENDER_URI}#main-key"
TEST_CONFIG = WorkerConfig(senders=4, per_host=2, idle_sleep=0.2, flush_every=0.05)


@pytest.fixture(scope="session")
def sender_keypair() -> KeyPairPem:
    """One RSA key for every test's sender, so one sink can verify them all."""
    return generate_rsa_key()


@pytest.fixture(scope="session")
def sink(tmp_path_factory: pytest.TempPathFactory, sender_keypair: KeyPairPem) -> Iterator[SinkProcess]:
    """A running inbox sink that knows the sender's public key."""
    workdir = tmp_path_factory.mktemp("sink")
    with SinkProcess(workdir, {SENDER_KEY_ID: sender_keypair.public_pem}) as process:
        yield process


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """The test's fresh database, open for this process."""
    await open_database(database_url)
    try:
        yield database_url
    finally:
        await close_database()


@pytest.fixture
async def sender(db: str, sender_keypair: KeyPairPem) -> Actor:
    """A local actor with the shared RSA key."""
    actor = await Actor.create(uri=SENDER_URI, username="alice", domain="hit.test", local=True)
    await ActorKey.create(
        actor=actor,
        key_id=SENDER_KEY_ID,
        algorithm="rsa",
        public_pem=sender_keypair.public_pem,
        private_pem=sender_keypair.private_pem,
    )
    return actor


@pytest.fixture
def clients(settings: Settings) -> ClientFactory:
    """The delivery session as the worker makes it (loopback allowed, as in tests)."""
    allowed = dataclasses.replace(settings, allow_private_addresses=True)
    return lambda: create_delivery_session(allowed)


def inbox_path(script: str | None = None) -> str:
    """A fresh inbox path on the sink, optionally with scripted answers (see bench/inbox_sink.py)."""
    tag = uuid.uuid4().hex[:10]
    return f"/{tag}/script/{script}/inbox" if script else f"/{tag}/inbox"


def activity(number: int | str = 1) -> dict[str, Any]:
    """A small Create activity with a unique id."""
    tag = uuid.uuid4().hex[:8]
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{SENDER_URI}/activities/{tag}-{number}",
        "type": "Create",
        "actor": SENDER_URI,
        "object": {"type": "Note", "content": f"héllo {number}"},
    }


def path_stats(sink: SinkProcess, path: str) -> dict[str, Any]:
    """The sink's counts for one path (zeros when nothing arrived there)."""
    found: dict[str, Any] = sink.stats()["paths"].get(path, {"requests": 0, "verified": 0, "accepted": {}})
    return found


async def refuse_inbox_items(item: InboxItem) -> None:
    """An inbox processor for tests that only deliver: there are no inbox items."""
    raise AssertionError(f"unexpected inbox item {item.activity_id}")


def utc(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A UTC datetime."""
    return datetime(year, month, day, hour, tzinfo=UTC)

