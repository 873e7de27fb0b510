"""The SSRF guard: the address table (RFC 6890 and friends), and real connection attempts to
loopback that must be refused at connect time — directly, by name, and behind a redirect."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from fediverse_hit.federation.fetcher import Fetcher, FetchError
from fediverse_hit.federation.http_client import (
    LIMITS,
    TIMEOUT,
    create_http_client,
    user_agent,
)
from fediverse_hit.federation.ssrf import (
    AddressNotAllowed,
    AddressPolicy,
    GuardedTransport,
    IPAddress,
    is_public_address,
    refusal_reason,
)
from fediverse_hit.settings import Settings, load_settings
from tests.federation import test_fetcher_servers as servers
from tests.federation.test_fetcher_servers import FakeRemote

# The fake-server fixtures.
remote = servers.remote
other_remote = servers.other_remote

pytestmark = pytest.mark.anyio

# (address, refused?) — one or more per range of RFC 6890 §2.2.2 (IPv4) and §2.2.3 (IPv6), the
# ranges registered since (RFC 6598 CGNAT, RFC 9637), multicast, and public controls.
ADDRESS_TABLE: list[tuple[str, bool]] = [
    ("0.0.0.0", True),  # unspecified / "this network" 0.0.0.0/8
    ("0.255.1.2", True),
    ("10.0.0.1", True),  # RFC 1918
    ("10.255.255.255", True),
    ("100.64.0.1", True),  # RFC 6598 shared address space (CGNAT) 100.64.0.0/10
    ("100.127.255.254", True),
    ("100.128.0.1", False),  # just past CGNAT
    ("127.0.0.1", True),  # loopback 127.0.0.0/8
    ("127.255.0.9", True),
    ("169.254.169.254", True),  # link-local: cloud metadata endpoints live here
    ("172.16.0.1", True),  # RFC 1918 172.16.0.0/12
    ("172.31.255.255", True),
    ("172.32.0.1", False),
    ("192.0.0.8", True),  # IETF protocol assignments 192.0.0.0/24
    ("192.0.2.10", True),  # TEST-NET-1
    ("192.88.99.1", True),  # 6to4 relay anycast
    ("192.168.1.1", True),  # RFC 1918
    ("198.18.0.1", True),  # benchmarking 198.18.0.0/15
    ("198.19.255.255", True),
    ("198.51.100.7", True),  # TEST-NET-2
    ("203.0.113.9", True),  # TEST-NET-3
    ("224.0.0.251", True),  # multicast (mDNS)
    ("239.255.255.250", True),  # multicast (SSDP)
    ("240.0.0.1", True),  # reserved 240.0.0.0/4
    ("255.255.255.255", True),  # limited broadcast
    ("1.1.1.1", False),
    ("8.8.8.8", False),
    ("93.184.215.14", False),
    ("::", True),  # unspecified
    ("::1", True),  # loopback
    ("::127.0.0.1", True),  # IPv4-compatible (deprecated)
    ("::ffff:127.0.0.1", True),  # IPv4-mapped loopback
    ("::ffff:10.1.2.3", True),  # IPv4-mapped private
    ("::ffff:8.8.8.8", False),  # IPv4-mapped public
    ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
    ("64:ff9b::808:808", False),  # NAT64 of 8.8.8.8
    ("64:ff9b:1::1", True),  # local-use NAT64 (RFC 8215)
    ("100::1", True),  # discard-only (RFC 6666)
    ("2001::1", True),  # Teredo / IETF protocol assignments 2001::/23
    ("2001:db8::1", True),  # documentation
    ("2002:7f00:1::1", True),  # 6to4
    ("3fff::1", True),  # documentation (RFC 9637)
    ("fc00::1", True),  # unique local fc00::/7
    ("fd12:3456::1", True),
    ("fe80::1", True),  # link-local
    ("fec0::1", True),  # site-local (deprecated)
    ("ff02::1", True),  # multicast
    ("2606:4700:4700::1111", False),
    ("2a00:1450:4001:80b::200e", False),
]


@pytest.mark.parametrize(("address", "refused"), ADDRESS_TABLE, ids=[row[0] for row in ADDRESS_TABLE])
def test_address_classification(address: str, refused: bool) -> None:
    parsed: IPAddress = ipaddress.ip_address(address)
    assert is_public_address(parsed) is not refused
    if refused:
        assert refusal_reason(parsed)


def test_refusal_reason_names_the_range() -> None:
    assert refusal_reason(ipaddress.ip_address("100.64.1.1")) == "shared address space, carrier-grade NAT (RFC 6598)"
    reason = refusal_reason(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert reason is not None and reason.startswith("loopback") and reason.endswith("embedded in IPv6")


@pytest.fixture
def guarded_settings(tmp_path: Path) -> Settings:
    """Production-like settings: the guard on, https only."""
    return load_settings({"HIT_DOMAIN": "hit.example", "HIT_DATA_DIR": str(tmp_path)})


@pytest.fixture
async def listener() -> AsyncIterator[tuple[int, list[int]]]:
    """A raw TCP listener on 127.0.0.1: (port, one entry per accepted connection)."""
    accepted: list[int] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, accepted
    finally:
        server.close()
        await server.wait_closed()


def guarded_client(*, require_https: bool = True, policy: AddressPolicy = refusal_reason) -> httpx.AsyncClient:
    transport = GuardedTransport(limits=LIMITS, require_https=require_https, policy=policy)
    return httpx.AsyncClient(transport=transport, timeout=TIMEOUT)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
async def test_connection_to_loopback_is_refused_before_connecting(
    listener: tuple[int, list[int]], host: str
) -> None:
    port, accepted = listener
    async with guarded_client(require_https=False) as client:
        with pytest.raises(AddressNotAllowed, match="loopback"):
            await client.get(f"http://{host}:{port}/")
    assert accepted == []


async def test_https_to_a_name_resolving_to_loopback_is_refused(listener: tuple[int, list[int]]) -> None:
    port, accepted = listener
    async with guarded_client() as client:
        with pytest.raises(AddressNotAllowed, match=r"localhost \(127\.0\.0\.1\)"):
            await client.get(f"https://localhost:{port}/")
    assert accepted == []


async def test_production_client_refuses_plain_http(
    guarded_settings: Settings, listener: tuple[int, list[int]]
) -> None:
    port, accepted = listener
    client = create_http_client(guarded_settings)
    async with client:
        with pytest.raises(AddressNotAllowed, match="refusing http://"):
            await client.get(f"http://127.0.0.1:{port}/")
    assert accepted == []


async def test_client_settings(guarded_settings: Settings) -> None:
    async with create_http_client(guarded_settings) as client:
        assert client.follow_redirects is False
        assert client.timeout == httpx.Timeout(connect=5.0, read=10.0, write=10.0, pool=5.0)
        assert client.headers["user-agent"] == user_agent(guarded_settings)
        assert user_agent(guarded_settings).startswith("fediverse-hit/")
        assert user_agent(guarded_settings).endswith(" (+https://hit.example)")


def only(*allowed: str) -> AddressPolicy:
    """A guard policy admitting only the given addresses (to stand in for public hosts)."""

    def policy(address: IPAddress) -> str | None:
        return None if str(address) in allowed else f"{address} is not on the test allowlist"

    return policy


async def test_guard_connects_to_the_vetted_address_keeping_the_host_name(remote: FakeRemote) -> None:
    remote.serve_json("/hello", {"id": "x"})
    async with guarded_client(require_https=False, policy=only("127.0.0.1")) as client:
        response = await client.get(f"http://localhost:{remote.port}/hello")
    assert response.status_code == 200
    [seen] = remote.requests
    assert dict(seen.headers)["host"] == f"localhost:{remote.port}"


async def test_redirect_to_a_refused_address_is_stopped_at_connect(
    remote: FakeRemote, other_remote: FakeRemote, tmp_path: Path
) -> None:
    # 127.0.0.1 plays an allowed public host; it redirects to 127.0.0.2, which the guard refuses.
    settings = load_settings(
        {"HIT_DOMAIN": "hit.test", "HIT_DATA_DIR": str(tmp_path), "HIT_ALLOW_PRIVATE_ADDRESSES": "1"}
    )
    target = other_remote.url("/users/victim")
    other_remote.serve_json("/users/victim", {"id": target})
    remote.redirect("/users/alice", target)

    async def fetch_through(policy: AddressPolicy) -> dict[str, object]:
        transport = GuardedTransport(limits=LIMITS, require_https=False, policy=policy)
        async with create_http_client(settings, transport=transport) as client:
            return await Fetcher(client, settings, None).fetch_document(remote.url("/users/alice"))

    with pytest.raises(FetchError, match="127.0.0.2 is not on the test allowlist"):
        await fetch_through(only("127.0.0.1"))
    assert other_remote.requests == []
    # The same redirect is followed when the guard admits both addresses.
    assert (await fetch_through(only("127.0.0.1", "127.0.0.2")))["id"] == target
