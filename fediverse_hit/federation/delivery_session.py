"""The worker's delivery client: one aiohttp session per sender pool, with the SSRF guard in its
resolver and in its socket factory (DESIGN §5).

Measured on this project's machine (docs/benchmarks.md), aiohttp sends a signed POST for about
half the CPU httpx needs, and its connection pool is a dict per host, so one session serves
every host of a fan-out. The guard is the fetcher's (`federation.ssrf`), applied twice:

- `GuardedResolver` resolves a name and refuses it as a whole when any address is refused
  (mixed public and private answers are what DNS rebinding looks like);
- `guarded_socket_factory` vets the address of every socket just before it connects, IP
  literals included (aiohttp does not ask the resolver about those), so what is connected to is
  exactly what was vetted.

Plain-http URLs are refused before any connection, as `GuardedTransport` does. With
`HIT_ALLOW_PRIVATE_ADDRESSES` on (tests, development) the session is unguarded, like the fetcher.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.client_middlewares import ClientHandlerType

from fediverse_hit.federation.http_client import shared_tls_context, user_agent
from fediverse_hit.federation.ssrf import PRIVATE_ADDRESS_HINT, AddressNotAllowed, AddressPolicy, refusal_reason
from fediverse_hit.settings import Settings

# The same limits as the httpx client (http_client.TIMEOUT): 5 s to connect, 10 s per read.
TIMEOUT = aiohttp.ClientTimeout(total=None, connect=5.0, sock_connect=5.0, sock_read=10.0)
PER_HOST_CONNECTIONS = 4  # at most as many as a host has sender lanes (WorkerConfig.per_host)
KEEPALIVE_SECONDS = 30.0


class GuardedResolver(AbstractResolver):
    """aiohttp's default resolver, with every answer vetted by `policy`."""

    def __init__(self, policy: AddressPolicy = refusal_reason) -> None:
        self._policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        """Resolve `host`; refuse it if any address it resolves to is refused."""
        answers = await self._inner.resolve(host, port, family)
        for answer in answers:
            reason = self._policy(_address(answer["host"]))
            if reason is not None:
                raise AddressNotAllowed(f"refusing to connect to {host} ({answer['host']}): {reason}. {PRIVATE_ADDRESS_HINT}")
        return answers

    async def close(self) -> None:
        await self._inner.close()


def guarded_socket_factory(policy: AddressPolicy = refusal_reason) -> Any:
    """A TCPConnector `socket_factory` that refuses to open a socket to an address `policy`
    refuses; the socket it returns is connected by aiohttp to exactly that address."""

    def factory(addr_info: tuple[Any, ...]) -> socket.socket:
        family, kind, proto, _name, sockaddr = addr_info
        reason = policy(_address(str(sockaddr[0])))
        if reason is not None:
            raise AddressNotAllowed(f"refusing to connect to {sockaddr[0]}: {reason}. {PRIVATE_ADDRESS_HINT}")
        return socket.socket(family=family, type=kind, proto=proto)

    return factory


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.split("%", 1)[0])


async def refuse_plain_http(request: aiohttp.ClientRequest, handler: ClientHandlerType) -> aiohttp.ClientResponse:
    """A session middleware sending only https requests (before any connection is tried)."""
    if request.url.scheme != "https":
        raise AddressNotAllowed(f"refusing {request.url.scheme}:// URL {request.url}. {PRIVATE_ADDRESS_HINT}")
    return await handler(request)


def create_delivery_session(settings: Settings, *, policy: AddressPolicy | None = None) -> aiohttp.ClientSession:
    """The sender pool's session (call it inside the event loop): guarded by `policy` (default:
    public addresses only) unless `HIT_ALLOW_PRIVATE_ADDRESSES` is on and no policy is given."""
    tls = shared_tls_context(settings.ca_bundle)
    guarded = policy is not None or not settings.allow_private_addresses
    options: dict[str, Any] = {}
    if guarded:
        chosen = policy or refusal_reason
        options = {"resolver": GuardedResolver(chosen), "socket_factory": guarded_socket_factory(chosen)}
    connector = aiohttp.TCPConnector(
        ssl=tls, limit=0, limit_per_host=PER_HOST_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS, **options
    )
    return aiohttp.ClientSession(
        middlewares=(refuse_plain_http,) if guarded and policy is None else (),
        connector=connector,
        timeout=TIMEOUT,
        headers={"User-Agent": user_agent(settings)},
        auto_decompress=False,
        trust_env=False,
    )
