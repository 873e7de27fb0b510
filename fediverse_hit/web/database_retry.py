"""Running a request once more, on fresh database connections, when its connection was lost
(a terminated backend, a database failover), so the client never sees that 500 (issue 14 item 3).

A request is retried once, and only when it is safe: no response has started, and it is a
GET/HEAD/OPTIONS, or a request that sent no statement that may write, or an endpoint marked
`idempotent` (the inboxes: storing an activity twice is a no-op by its id). The request body the
first attempt read is replayed to the second.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fediverse_hit.store.database import expire_connections
from fediverse_hit.store.database_client import is_connection_lost, tracking_writes

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_IDEMPOTENT = "_hit_idempotent"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def idempotent(endpoint: Endpoint) -> Endpoint:
    """Mark `endpoint` as safe to run twice (a repeat changes nothing), whatever it wrote."""
    setattr(endpoint, _IDEMPOTENT, True)
    return endpoint


def retry_allowed(method: str, endpoint: object, wrote: bool) -> bool:
    """Whether a request that lost its database connection may run again."""
    return method in SAFE_METHODS or not wrote or bool(getattr(endpoint, _IDEMPOTENT, False))


class DatabaseRetryMiddleware:
    """Retries, once, a request that failed because its database connection was lost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        started = False

        async def recording_receive() -> Message:
            message = await receive()
            received.append(message)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        first = dict(scope)  # routing writes the endpoint into the scope it is given
        try:
            with tracking_writes() as tracker:
                await self.app(first, recording_receive, watching_send)
            return
        except Exception as exc:
            if started or not is_connection_lost(exc):
                raise
            if not retry_allowed(scope["method"], first.get("endpoint"), tracker.wrote):
                raise
            logger.warning("%s %s lost its database connection; retrying once", scope["method"], scope["path"])
        await expire_connections()
        replay = iter(received)

        async def replaying_receive() -> Message:
            message = next(replay, None)
            return message if message is not None else await receive()

        await self.app(dict(scope), replaying_receive, send)
