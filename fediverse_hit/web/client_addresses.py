"""The address a request comes from: the socket peer, or what a trusted proxy says the client is.

X-Forwarded-For is a list each proxy appends its peer to (deploy/nginx sets
`$proxy_add_x_forwarded_for`). Only entries added by proxies named in `HIT_TRUSTED_PROXIES`
(default: loopback) are believed: walking from the socket peer leftwards, each trusted hop's
entry is the next address, and the first untrusted one is the client. A header sent by anyone
else is ignored, so a client cannot pick the address its attempts are counted under.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

from fediverse_hit.settings import IPNetwork


def client_address(request: Request) -> str:
    """The client's address as this instance's trusted proxies report it."""
    peer = request.client.host if request.client else ""
    forwarded = [
        entry.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for entry in header.split(",")
    ]
    return resolve_client(peer, forwarded, request.app.state.settings.trusted_proxies)


def resolve_client(peer: str, forwarded: list[str], trusted: tuple[IPNetwork, ...]) -> str:
    """The first address, from `peer` leftwards through `forwarded`, not sent by a trusted proxy."""
    address = peer
    for entry in reversed(forwarded):
        if not _is_trusted(address, trusted) or not _is_address(entry):
            break
        address = entry
    return address


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def _is_address(entry: str) -> bool:
    try:
        ipaddress.ip_address(entry)
    except ValueError:
        return False
    return True
