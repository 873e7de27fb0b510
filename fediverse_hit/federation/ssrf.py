"""The SSRF guard: outbound connections go only to public addresses (DESIGN §5).

Names are resolved here and every resolved address is vetted *at connect time*, then the socket
is opened to that vetted address — so neither a redirect nor a DNS answer that changes between a
check and the connection (rebinding) can reach loopback, private or otherwise special networks.
TLS still verifies the certificate for, and sends SNI of, the host name from the URL.
GoToSocial does the same in a `net.Dialer` control hook (internal/httpclient/sanitizer.go) and
Mastodon in its socket class (app/lib/request.rb, `check_private_address`).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressPolicy = Callable[[IPAddress], str | None]
"""Returns why a connection to the address is refused, or None when it may proceed."""

# IPv4: the IANA IPv4 Special-Purpose Address Registry as RFC 6890 §2.2.2 set it up (with
# RFC 8190's corrections), plus multicast (RFC 5771), which RFC 6890 leaves to its own registry.
# A few single globally reachable anycast addresses inside 192.0.0.0/24 are refused with it.
BLOCKED_IPV4: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "'this network' (RFC 6890 §2.2.2, RFC 1122)"),
        ("10.0.0.0/8", "private-use (RFC 1918)"),
        ("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback (RFC 1122)"),
        ("169.254.0.0/16", "link-local (RFC 3927)"),
        ("172.16.0.0/12", "private-use (RFC 1918)"),
        ("192.0.0.0/24", "IETF protocol assignments (RFC 6890 §2.2.2)"),
        ("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"),
        ("192.88.99.0/24", "6to4 relay anycast (RFC 3068, deprecated by RFC 7526)"),
        ("192.168.0.0/16", "private-use (RFC 1918)"),
        ("198.18.0.0/15", "benchmarking (RFC 2544)"),
        ("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"),
        ("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"),
        ("224.0.0.0/4", "multicast (RFC 5771)"),
        ("240.0.0.0/4", "reserved, and limited broadcast 255.255.255.255 (RFC 1112, RFC 919)"),
    )
)

# IPv6: only global unicast (2000::/3, RFC 4291 §2.4) is reachable at all; that excludes ::/128,
# ::1/128, fc00::/7, fe80::/10, ff00::/8, 100::/64 and the rest of RFC 6890 §2.2.3 outside it.
# Inside 2000::/3 these special-purpose blocks are refused too.
GLOBAL_UNICAST_IPV6 = ipaddress.IPv6Network("2000::/3")
BLOCKED_IPV6: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(network), reason)
    for network, reason in (
        ("2001::/23", "IETF protocol assignments, Teredo included (RFC 2928, RFC 4380)"),
        ("2001:db8::/32", "documentation (RFC 3849)"),
        ("2002::/16", "6to4 (RFC 3056, deprecated by RFC 7526)"),
        ("2620:4f:8000::/48", "AS112 direct delegation (RFC 7534)"),
        ("3fff::/20", "documentation (RFC 9637)"),
    )
)
# Prefixes whose last 32 bits are an IPv4 address reached through them: the IPv4 address decides.
IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # RFC 4291 §2.5.5.2
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 §2.1 (DNS64 on IPv6-only hosts)


# Said with every refusal: the person reading it is often trying two instances on one machine.
PRIVATE_ADDRESS_HINT = (
    "This server only federates with servers at public addresses over https. To federate with "
    "servers on this machine or on a private network (two local instances, a test setup), start "
    "it with HIT_ALLOW_PRIVATE_ADDRESSES=1."
)


class AddressNotAllowed(httpx.ConnectError):
    """The guard refused the connection: the host is, or resolves to, a non-public address, or
    the URL's scheme is not allowed. Retrying cannot help; treat it as a permanent failure."""


def refusal_reason(address: IPAddress) -> str | None:
    """Why connecting to `address` is refused (a range name and its RFC), or None if it is public."""
    if isinstance(address, ipaddress.IPv4Address):
        return _first_match(address, BLOCKED_IPV4)
    if address in IPV4_MAPPED or address in NAT64_WELL_KNOWN:
        reason = refusal_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return f"{reason}, embedded in IPv6" if reason else None
    if address not in GLOBAL_UNICAST_IPV6:
        return "not IPv6 global unicast (RFC 4291 §2.4, RFC 6890 §2.2.3)"
    return _first_match(address, BLOCKED_IPV6)


def _first_match(
    address: IPAddress, table: Iterable[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]]
) -> str | None:
    return next((reason for network, reason in table if address in network), None)


def is_public_address(address: IPAddress) -> bool:
    """True when the guard lets connections reach `address`."""
    return refusal_reason(address) is None


async def resolve_host(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """Every address `host` resolves to for TCP, in resolver order without repeats."""
    try:
        with anyio.fail_after(timeout):
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class PublicAddressBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves names itself and connects only to addresses
    `policy` accepts. A name with any refused address is refused as a whole: mixing public and
    private answers is what DNS-rebinding attacks look like."""

    def __init__(
        self, policy: AddressPolicy = refusal_reason, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve, vet every address, then connect to the first vetted address that answers."""
        addresses = await resolve_host(host, port, timeout)
        for address in addresses:
            reason = self._policy(address)
            if reason is not None:
                raise AddressNotAllowed(f"refusing to connect to {host} ({address}): {reason}. {PRIVATE_ADDRESS_HINT}")
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed("connections to Unix sockets are refused")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with every new connection made through `PublicAddressBackend`, and
    (with `require_https`) plain-http URLs refused before any connection is tried."""

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        policy: AddressPolicy = refusal_reason,
        require_https: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        tls = ssl_context or httpx.create_ssl_context(trust_env=False)
        super().__init__(limits=limits, trust_env=False, verify=tls)
        self._require_https = require_https
        # httpx offers no parameter for the network backend, so the pool it built is replaced
        # by the same pool over ours; tests/federation/test_ssrf.py fails if that stops working.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PublicAddressBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse disallowed schemes, then send through the guarded pool."""
        allowed = ("https",) if self._require_https else ("https", "http")
        if request.url.scheme not in allowed:
            raise AddressNotAllowed(
                f"refusing {request.url.scheme}:// URL {request.url}. {PRIVATE_ADDRESS_HINT}", request=request
            )
        return await super().handle_async_request(request)
