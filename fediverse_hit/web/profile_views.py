"""A person (local or remote) as the profile templates show them: names, avatar (or a generated
default), header image, bio, fields, counts, and the viewer's relationship to them.

Remote bios and field values are HTML: sanitized here, when rendered (`actor_parsing` keeps them
as published).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.html_sanitizing import sanitize_html
from fediverse_hit.store.follows import find_follow
from fediverse_hit.store.models import Actor, Block
from fediverse_hit.store.mutes import is_muted
from fediverse_hit.web.avatars import default_avatar
from fediverse_hit.web.contribution_cards import actor_handle, actor_origin_url, profile_url, safe_href
from fediverse_hit.web.remote_links import localize_links


def _paragraphs(text: str) -> list[str]:
    return [part for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _fields(actor: Actor) -> list[dict[str, Any]]:
    fields = []
    for item in actor.profile_fields:
        value = item.get("value", "")
        entry: dict[str, Any] = {"name": item.get("name", ""), "value": value, "href": "", "html": None}
        if not actor.local:
            entry["html"] = localize_links(sanitize_html(value))
        elif value.startswith(("https://", "http://")):
            entry["href"] = value
        fields.append(entry)
    return fields


def person_view(actor: Actor, urls: InstanceUrls) -> dict[str, Any]:
    """Everything a profile header shows about `actor`."""
    return {
        "id": actor.id,
        "uri": actor.uri,
        "local": actor.local,
        "kind": actor.kind,
        "name": actor.name or actor.username,
        "username": actor.username,
        "handle": "@" + urls.handle(actor.username) if actor.local else actor_handle(actor),
        "page_url": profile_url(actor, urls),
        "origin_url": actor_origin_url(actor),
        "avatar_url": safe_href(actor.icon_url),
        "avatar_alt": actor.icon_alt,
        "default_avatar": default_avatar(actor),
        "header_url": safe_href(actor.image_url),
        "header_alt": actor.image_alt,
        "bio_paragraphs": _paragraphs(actor.summary) if actor.local else [],
        "bio_html": Markup("") if actor.local else localize_links(sanitize_html(actor.summary)),
        "fields": _fields(actor),
        "payment_links": actor.payment_links if actor.local else [],
        "approves_followers": actor.manually_approves_followers,
    }


def people_view(actors: list[Actor], urls: InstanceUrls) -> list[dict[str, Any]]:
    """Short entries (name, handle, avatar, page) for a list of people."""
    return [
        {
            "name": actor.name or actor.username,
            "handle": actor_handle(actor),
            "page_url": profile_url(actor, urls),
            "avatar_url": safe_href(actor.icon_url),
            "default_avatar": default_avatar(actor),
        }
        for actor in actors
    ]


async def relationship_of(viewer: Actor | None, person: Actor) -> dict[str, Any]:
    """The viewer's follow state towards `person` ("none", "pending", "accepted"), whether they
    block or mute them, and whether it is the viewer's own profile."""
    if viewer is None or viewer.id == person.id:
        return {"state": "none", "blocked": False, "muted": False, "is_self": viewer is not None}
    follow = await find_follow(viewer, person)
    return {
        "state": follow.state if follow else "none",
        "blocked": await Block.exists(blocker=viewer, blocked=person),
        "muted": await is_muted(viewer, person),
        "is_self": False,
    }
