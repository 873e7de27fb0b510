"""A process's federation machinery: the shared HTTP client, the signed fetcher, the inbox
processor with its parser pool, and the background worker (DESIGN §9: `serve` runs it in-process unless
`--no-worker`; `fediverse-hit worker` runs it alone)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio

from fediverse_hit.federation.delivery import ClientFactory
from fediverse_hit.federation.delivery_session import create_delivery_session
from fediverse_hit.federation.fetcher import Fetcher, create_fetcher
from fediverse_hit.federation.handlers import HandlerContext
from fediverse_hit.federation.http_client import create_http_client
from fediverse_hit.federation.inbox_processing import process_inbox_item
from fediverse_hit.federation.parser_pool import ContributionParser
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.federation.worker import InboxProcessor, run_forever
from fediverse_hit.services.instance import ensure_instance_actor
from fediverse_hit.settings import Settings
from fediverse_hit.store.models import InboxItem


@dataclass(frozen=True)
class FederationRuntime:
    """What the web handlers and the worker of one process share."""

    settings: Settings
    urls: InstanceUrls
    fetcher: Fetcher
    parser: ContributionParser = field(default_factory=ContributionParser)

    def client_factory(self) -> ClientFactory:
        """The worker's delivery session, guarded like the fetcher's client (one per sender pool)."""
        return lambda: create_delivery_session(self.settings)

    def handler_context(self) -> HandlerContext:
        """What the handlers use, also for web pages that store fetched works (remote profiles)."""
        return HandlerContext(urls=self.urls, fetcher=self.fetcher, parser=self.parser)

    def inbox_processor(self) -> InboxProcessor:
        """Process stored inbox items with the handlers, fetching actors through our fetcher."""
        context = self.handler_context()

        async def process(item: InboxItem) -> None:
            await process_inbox_item(item, context)

        return process


@asynccontextmanager
async def federation_runtime(settings: Settings, urls: InstanceUrls) -> AsyncIterator[FederationRuntime]:
    """Open the process-wide HTTP client and fetcher (the database must be open); the
    instance actor, which signs our fetches, is created first if this database lacks it. The
    parser's worker processes, if it started any, are stopped at the end."""
    await ensure_instance_actor(urls)
    client = create_http_client(settings)
    parser = ContributionParser()
    try:
        yield FederationRuntime(settings, urls, await create_fetcher(settings, client), parser)
    finally:
        await client.aclose()
        await anyio.to_thread.run_sync(parser.close)


@asynccontextmanager
async def background_worker(runtime: FederationRuntime) -> AsyncIterator[None]:
    """Run the worker as a task for the duration of the block; stop it gracefully after."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(stop, runtime.client_factory(), runtime.inbox_processor()))
    try:
        yield
    finally:
        stop.set()
        await task
