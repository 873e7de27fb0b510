"""Domain blocks an admin sets: validated host names, with follows to that domain removed."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from fediverse_hit.errors import Conflict, NotFound, ValidationFailed
from fediverse_hit.store.follows import delete_follows_involving
from fediverse_hit.store.models import Actor, DomainBlock

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$")
MAX_REASON = 500


async def add_domain_block(domain: str, reason: str) -> DomainBlock:
    """Block `domain` (and its subdomains): follows with its accounts end at once."""
    name = domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not _DOMAIN.match(name):
        raise ValidationFailed("Enter a domain name such as spam.example.")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"Keep the reason under {MAX_REASON} characters.")
    try:
        block = await DomainBlock.create(domain=name, reason=reason.strip())
    except IntegrityError as exc:
        raise Conflict("That domain is already blocked.") from exc
    actors = await Actor.filter(Q(domain=name) | Q(domain__endswith="." + name), local=False).only("id")
    await delete_follows_involving([actor.id for actor in actors])
    return block


async def end_follows_with_hosts(hosts: list[str]) -> None:
    """End every follow with the accounts of `hosts` (one of them was blocked while an activity
    from it was being processed: the block's own clean-up may have run before it)."""
    actors = await Actor.filter(domain__in=hosts, local=False).only("id")
    await delete_follows_involving([actor.id for actor in actors])


async def remove_domain_block(block_id: str) -> None:
    if not block_id.isdigit() or not await DomainBlock.filter(id=int(block_id)).delete():
        raise NotFound("No such domain block.")
