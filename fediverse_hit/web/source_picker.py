"""Picking a remix's sources in the composer without typing addresses: the creator's own recent
works, or the works known here of a person named by handle (`@user` here, `@user@host`
anywhere). Works without JavaScript: a "Show…" button posts the composer as a step that
re-renders it with a list, and each work's "Add" button posts it again with that work added
as the next source; nothing is published until "Publish".
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.remote_actors import resolve_handle
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.remix_sources import MAX_SOURCES
from fediverse_hit.store.models import Actor
from fediverse_hit.store.timelines import profile_timeline
from fediverse_hit.web.contribution_cards import actor_handle, label_of, page_url, remix_url

PICK_LIMIT = 20  # the newest works offered in one list
MAX_HANDLE = 300
STEPS = ("mine", "handle")  # the "Show…" buttons; "enter" is the form's default button


def add_picked_source(values: dict[str, Any], uri: str) -> None:
    """Put `uri` in the first empty source slot (or after the last), once."""
    sources: list[dict[str, str]] = values["sources"]
    if not uri or any(entry["url"] == uri for entry in sources):
        return
    empty = next((entry for entry in sources if not entry["url"]), None)
    if empty is not None:
        empty["url"] = uri
    elif len(sources) < MAX_SOURCES:
        sources.append({"url": uri, "weight": ""})


def chosen_step(values: dict[str, Any]) -> str:
    """Which picker list a post asks for: a "Show…" button, Enter in the handle field (the
    default button), or the list already open when a work is added; "" means publish."""
    step = values["step"]
    if step == "enter":
        return "handle" if values["pick_handle"] else ""
    if step in STEPS:
        return str(step)
    return str(values["picker"]) if values["add_source"] else ""


def _full_handle(text: str, fetcher: Fetcher) -> str | None:
    """`@user@host` as given; `@user` is someone here. None for text that is no handle."""
    value = text.strip().lstrip("@")
    user, _, host = value.partition("@")
    if not user or len(value) > MAX_HANDLE or "@" in host or " " in value:
        return None
    return f"{user}@{host or fetcher.urls.domain}"


async def _person(text: str, fetcher: Fetcher) -> tuple[Actor | None, str]:
    """The person behind a typed handle, stored or looked up; else None and why."""
    handle = _full_handle(text, fetcher)
    if handle is None:
        return None, "Type a handle such as @name (someone here) or @name@their.server."
    user, host = handle.split("@")
    stored = await Actor.filter(username=user, domain=host.lower(), local=False, deleted_at=None).first()
    if stored is not None:
        return stored, ""
    try:
        return await resolve_handle(handle, fetcher=fetcher), ""
    except FetchError as exc:
        return None, f"No one was found at @{handle}: {exc.reason}."


async def _works(author: Actor, viewer: Actor, taken: set[str]) -> list[dict[str, Any]]:
    """`author`'s newest works `viewer` may see and remix, as the list shows them."""
    entries = await profile_timeline(author, viewer, limit=PICK_LIMIT)
    works = []
    for entry in entries:
        work = entry.contribution
        if not remix_url(work):
            continue
        licence = license_by_iri(work.license) if work.license else None
        works.append({
            "uri": work.uri, "label": label_of(work), "href": page_url(work),
            "licence": licence.name if licence else "No licence stated",
            "added": work.uri in taken,
        })
    return works


async def build_picker(step: str, values: dict[str, Any], viewer: Actor, fetcher: Fetcher) -> dict[str, Any]:
    """The list a picker step shows: a title, the works to add, or why there are none."""
    taken = {entry["url"] for entry in values["sources"]}
    if step == "mine":
        works = await _works(viewer, viewer, taken)
        empty = "You have no public works that can be remixed yet."
        return {"step": step, "title": "Your recent works", "works": works, "error": "" if works else empty}
    person, problem = await _person(values["pick_handle"], fetcher)
    if person is None:
        return {"step": step, "title": "Works of a person", "works": [], "error": problem}
    handle = actor_handle(person)
    works = await _works(person, viewer, taken)
    empty = f"No works by {handle} that you may remix are known here yet; paste the address of one instead."
    return {"step": step, "title": f"Works by {person.name or person.username} ({handle})", "works": works,
            "error": "" if works else empty}
