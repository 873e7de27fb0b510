"""What every inbox handler is given besides the activity itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.parser_pool import ContributionParser
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Actor


@dataclass(frozen=True)
class HandlerContext:
    """Our IRIs, the fetcher for handlers that must look up actors, and the process's parser."""

    urls: InstanceUrls
    fetcher: Fetcher
    parser: ContributionParser

    async def sender(self, activity: ParsedActivity) -> Actor:
        """The activity's actor (verified at the inbox, so normally already stored)."""
        actor = await find_actor_by_uri(activity.actor)
        if actor is None:
            actor = await get_remote_actor(activity.actor, fetcher=self.fetcher)
        return actor

    async def local_person(self, iri: str | None) -> Actor | None:
        """Our Person actor at `iri`, or None when the IRI is not a live local account."""
        if iri is None or self.urls.parse_user(iri) is None:
            return None
        actor = await find_actor_by_uri(iri)
        if actor is None or not actor.local or actor.deleted_at is not None:
            return None
        return actor

    async def local_followable(self, iri: str | None) -> Actor | None:
        """Our Person or project Group actor at `iri` (what a remote account may follow), or None."""
        if iri is None or (self.urls.parse_user(iri) is None and self.urls.parse_project(iri) is None):
            return None
        actor = await find_actor_by_uri(iri)
        if actor is None or not actor.local or actor.deleted_at is not None:
            return None
        return actor


Handler = Callable[[ParsedActivity, dict[str, Any], HandlerContext], Awaitable[None]]
