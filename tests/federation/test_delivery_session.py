"""The worker's aiohttp delivery session keeps the SSRF guard: every address it connects to is
vetted (the delivery tests check refusals end to end through the worker)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.abc import ResolveResult

from fediverse_hit.federation.delivery import DeliveryJob, SigningKey, post_delivery
from fediverse_hit.federation.delivery_session import GuardedResolver, create_delivery_session
from fediverse_hit.federation.ssrf import AddressNotAllowed, AddressPolicy, IPAddress
from fediverse_hit.protocol.keys import generate_rsa_key, load_private_key
from fediverse_hit.settings import Settings, load_settings
from fediverse_hit.store.deliveries import ClaimedDelivery

pytestmark = pytest.mark.anyio


@pytest.fixture
def guarded_settings(tmp_path: Path) -> Settings:
    """Production-like settings: the guard on, https only."""
    return load_settings({"HIT_DOMAIN": "hit.example", "HIT_DATA_DIR": str(tmp_path)})


@pytest.fixture
async def inbox() -> AsyncIterator[tuple[int, list[str]]]:
    """A raw HTTP/1.1 server on 127.0.0.1 answering 202, or a redirect to /inbox for the path
    /moved: (port, request lines)."""
    seen: list[str] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head.split(b"\r\n", 1)[0].decode())
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        if b" /moved " in head:
            writer.write(b"HTTP/1.1 302 Found\r\nLocation: /inbox\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], seen
    finally:
        server.close()
        await server.wait_closed()


def only(*allowed: str) -> AddressPolicy:
    """A guard policy admitting only the given addresses (standing in for public hosts)."""

    def policy(address: IPAddress) -> str | None:
        return None if str(address) in allowed else f"{address} is not on the test allowlist"

    return policy


async def test_allowed_address_is_reached_and_another_loopback_one_refused(inbox: tuple[int, list[str]], guarded_settings: Settings) -> None:
    # Tried: the same server by a name that resolves to the allowed address, and by an address
    # the policy does not allow (127.0.0.2 reaches the same machine): only the first connects.
    port, seen = inbox
    async with create_delivery_session(guarded_settings, policy=only("127.0.0.1")) as session:
        async with session.post(f"http://localhost:{port}/inbox", data=b"{}") as response:
            assert response.status == 202
        with pytest.raises(AddressNotAllowed, match="127.0.0.2"):
            await session.post(f"http://127.0.0.2:{port}/inbox", data=b"{}")
    assert seen == ["POST /inbox HTTP/1.1"]


async def test_production_session_refuses_plain_http_and_loopback(inbox: tuple[int, list[str]], guarded_settings: Settings) -> None:
    # Tried: plain http to the server, and https to it by address and by name.
    port, seen = inbox
    async with create_delivery_session(guarded_settings) as session:
        with pytest.raises(AddressNotAllowed, match="refusing http://"):
            await session.post(f"http://127.0.0.1:{port}/inbox", data=b"{}")
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(AddressNotAllowed, match="loopback"):
                await session.post(f"https://{host}:{port}/inbox", data=b"{}")
    assert seen == []


class TwoAnswers:
    """A resolver answering one public and one loopback address, as a rebinding name might."""

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [_answer(host, "93.184.215.14", port), _answer(host, "127.0.0.1", port)]

    async def close(self) -> None:
        return None


def _answer(hostname: str, address: str, port: int) -> ResolveResult:
    return ResolveResult(hostname=hostname, host=address, port=port, family=socket.AF_INET, proto=0, flags=0)


async def test_a_name_with_any_refused_address_is_refused_whole() -> None:
    resolver = GuardedResolver()
    resolver._inner = TwoAnswers()  # type: ignore[assignment]
    with pytest.raises(AddressNotAllowed, match=r"rebind\.example \(127\.0\.0\.1\): loopback"):
        await resolver.resolve("rebind.example", 443)


async def test_a_redirecting_inbox_is_not_followed(inbox: tuple[int, list[str]], guarded_settings: Settings) -> None:
    # Tried: an inbox answering 302 to another path; the delivery records the 302 (retried or
    # given up by the retry policy) instead of posting the activity somewhere else.
    port, seen = inbox
    keys = generate_rsa_key()
    claim = ClaimedDelivery(1, 1, f"http://127.0.0.1:{port}/moved", "127.0.0.1", 0, datetime.now(UTC))
    job = DeliveryJob(claim, b"{}", SigningKey("https://hit.test/users/a#main-key", load_private_key(keys.private_pem)))
    async with create_delivery_session(guarded_settings, policy=only("127.0.0.1")) as session:
        attempt = await post_delivery(session, job)
    assert (attempt.status, attempt.error) == (302, "HTTP 302 Found")
    assert seen == ["POST /moved HTTP/1.1"]
