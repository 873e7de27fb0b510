"""Which requests run again after their database connection was lost, and that the second run
sees the same request body (issue 14 item 3). The connection loss is asyncpg's own exception,
raised by a stand-in app; tests/cluster/test_connection_loss.py terminates real backends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from fediverse_hit.store.database_client import is_connection_lost, may_write, note_statement
from fediverse_hit.web.database_retry import DatabaseRetryMiddleware, idempotent, retry_allowed

pytestmark = pytest.mark.anyio


def lost() -> Exception:
    error: Exception = asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    return error


def flaky_app(calls: list[bytes], *, wrote: bool) -> Starlette:
    """An app whose endpoints lose their connection on the first call (after a write if `wrote`)."""

    async def once(request: Request) -> Response:
        calls.append(await request.body())
        if len(calls) == 1:
            if wrote:
                note_statement("execute_insert", ("INSERT INTO t VALUES (1)",))
            raise lost()
        return PlainTextResponse("second run: " + calls[-1].decode())

    @idempotent
    async def inbox(request: Request) -> Response:
        return await once(request)

    async def streamed(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"started"
            raise lost()

        return StreamingResponse(chunks())

    return Starlette(
        routes=[
            Route("/page", once, methods=["GET", "POST"]),
            Route("/inbox", inbox, methods=["POST"]),
            Route("/stream", streamed),
        ],
        middleware=[Middleware(DatabaseRetryMiddleware)],  # inside the 500 handler, as in the app
    )


def client_for(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    return httpx.AsyncClient(transport=transport, base_url="http://hit.test")


async def test_a_get_that_lost_its_connection_is_answered_by_a_second_run(db: None) -> None:
    calls: list[bytes] = []
    async with client_for(flaky_app(calls, wrote=True)) as http:
        response = await http.get("/page")
    assert (response.status_code, response.text, len(calls)) == (200, "second run: ", 2)


async def test_a_post_that_wrote_nothing_is_run_again_with_the_same_body(db: None) -> None:
    calls: list[bytes] = []
    async with client_for(flaky_app(calls, wrote=False)) as http:
        response = await http.post("/page", content=b"title=Tide tables")
    assert (response.status_code, response.text) == (200, "second run: title=Tide tables")


async def test_a_post_that_may_have_written_is_not_run_again(db: None) -> None:
    calls: list[bytes] = []
    async with client_for(flaky_app(calls, wrote=True)) as http:
        with pytest.raises(asyncpg.ConnectionDoesNotExistError):
            await http.post("/page", content=b"title=Tide tables")
    assert len(calls) == 1


async def test_an_idempotent_endpoint_is_run_again_even_after_a_write(db: None) -> None:
    calls: list[bytes] = []
    async with client_for(flaky_app(calls, wrote=True)) as http:
        response = await http.post("/inbox", content=b'{"id": "x"}')
    assert (response.status_code, response.text) == (200, 'second run: {"id": "x"}')


async def test_a_response_already_started_is_not_run_again(db: None) -> None:
    async with client_for(flaky_app([], wrote=False)) as http:
        with pytest.raises(asyncpg.ConnectionDoesNotExistError):
            await http.get("/stream")


def test_retry_is_allowed_for_reads_for_requests_that_wrote_nothing_and_for_idempotent_endpoints() -> None:
    async def endpoint() -> None: ...

    assert retry_allowed("GET", None, wrote=True)
    assert retry_allowed("HEAD", None, wrote=True)
    assert retry_allowed("POST", None, wrote=False)
    assert not retry_allowed("POST", endpoint, wrote=True)
    assert retry_allowed("POST", idempotent(endpoint), wrote=True)


def test_statements_that_may_write_are_everything_but_selects() -> None:
    assert not may_write("execute_query", ("  select 1",))
    assert not may_write("execute_query_dict", ("SELECT pg_notify($1, $2)",))
    assert may_write("execute_query", ("UPDATE deliveries SET state = 'sent'",))
    assert may_write("execute_query_dict", ("WITH picked AS (SELECT id FROM t) UPDATE t SET x = 1",))
    assert may_write("execute_insert", ("INSERT INTO t VALUES ($1)",))
    assert may_write("execute_many", ("INSERT INTO t VALUES ($1)",))
    assert not may_write("begin", ())


def test_lost_connections_are_told_from_other_database_errors() -> None:
    assert is_connection_lost(lost())
    assert is_connection_lost(asyncpg.AdminShutdownError("terminating connection due to administrator command"))
    assert is_connection_lost(asyncpg.InternalClientError("cannot switch to state 12"))
    wrapped = RuntimeError("write failed")
    wrapped.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    assert is_connection_lost(wrapped)
    assert not is_connection_lost(asyncpg.UniqueViolationError("duplicate key"))
    assert not is_connection_lost(ValueError("bad input"))
