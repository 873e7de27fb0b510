"""Named queries over blocked domains."""

from __future__ import annotations

from fediverse_hit.store.models import DomainBlock


def _candidates(domain: str) -> list[str]:
    """`a.b.example:8443` → itself, `a.b.example`, `b.example`, `example`.

    A block covers subdomains; a block with a port (useful for instances on one host) covers
    only that port.
    """
    netloc = domain.lower()
    host = netloc if netloc.startswith("[") else netloc.rsplit(":", 1)[0]
    labels = host.split(".")
    return [netloc] + [".".join(labels[i:]) for i in range(len(labels))]


async def is_domain_blocked(domain: str) -> bool:
    """True when `domain` or one of its parent domains is blocked."""
    return await DomainBlock.filter(domain__in=_candidates(domain)).exists()


async def list_domain_blocks() -> list[DomainBlock]:
    return await DomainBlock.all().order_by("domain")
