"""The @mentions a reply starts with, as on Mastodon: the author of the contribution replied to,
then everyone it mentions, without the person replying and without repeats; people here by
@name, people elsewhere by @name@server."""

from __future__ import annotations

from fediverse_hit.store.contributions import mentioned_actors
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.web.contribution_cards import actor_handle, author_of


async def reply_mentions(viewer: Actor, parent: Contribution) -> str:
    """"@author @other@host " for a reply to `parent` by `viewer` ("" when only the viewer is in it)."""
    people = [author_of(parent), *await mentioned_actors(parent)]
    handles: list[str] = []
    for person in people:
        handle = f"@{person.username}" if person.local else actor_handle(person)
        if person.id != viewer.id and handle not in handles:
            handles.append(handle)
    return " ".join(handles) + " " if handles else ""
