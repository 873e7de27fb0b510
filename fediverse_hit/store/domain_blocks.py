"""Named queries over blocked domains."""

from __future__ import annotations

from fediverse_hit.store.models import DomainBlock


def block_candidates(domain: str) -> list[str]:
    """`a.b.example:8443` → itself, `a.b.example`, `b.example`, `example`.

    A block covers subdomains; a block with a port (useful for instances on one host) covers
    only that port.
    """
    netloc = domain.lower()
    host = netloc if netloc.startswith("[") else netloc.rsplit(":", 1)[0]
    labels = host.split(".")
    return [netloc] + [".".join(labels[i:]) for i in range(len(labels))]


async def any_domain_blocked(hosts: list[str]) -> bool:
    """Whether a block covers any of `hosts`, asked of the database itself (no cached list)."""
    candidates = [candidate for host in hosts for candidate in block_candidates(host)]
    return await DomainBlock.filter(domain__in=candidates).exists()


async def list_domain_blocks() -> list[DomainBlock]:
    return await DomainBlock.all().order_by("domain")


async def list_blocked_domains() -> list[str]:
    """Every blocked domain name (for an in-process copy of the list)."""
    return [str(domain) for domain in await DomainBlock.all().values_list("domain", flat=True)]
