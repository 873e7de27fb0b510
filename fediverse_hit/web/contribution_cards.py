"""Contributions as plain dicts for the templates, built for a whole page in one batch.

Attachments, counts, the viewer's likes and boosts and the contributions replied to are each
fetched once per page for every card on it (no query per card). A contribution replied to is
named only when the viewer may see it (`can_view`'s rule); otherwise the card says "an earlier
contribution". Only `content_html`, sanitized when it was stored, is marked safe; every other
value is escaped by the templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.vocabulary import ContributionKind, Visibility
from fediverse_hit.services.contribution_rules import can_pin, is_open, visible_among
from fediverse_hit.services.edit_history import visible_edits
from fediverse_hit.store.interactions import Counts, boosted_by, interaction_counts, liked_by
from fediverse_hit.store.media_attachments import attachments_of
from fediverse_hit.store.models import Actor, Contribution, MediaAttachment
from fediverse_hit.store.timelines import Cursor, TimelineEntry
from fediverse_hit.web.avatars import default_avatar
from fediverse_hit.web.remote_links import localize_links

VISIBILITY_LABELS: dict[str, str] = {
    Visibility.PUBLIC: "Public",
    Visibility.UNLISTED: "Unlisted",
    Visibility.FOLLOWERS: "Followers only",
    Visibility.DIRECT: "Mentioned people only",
}
KIND_LABELS: dict[str, str] = {
    ContributionKind.TEXT: "Text",
    ContributionKind.IMAGE: "Image",
    ContributionKind.AUDIO: "Audio",
    ContributionKind.VIDEO: "Video",
    ContributionKind.MIXED: "Mixed media",
}


@dataclass(frozen=True)
class PageBatch:
    """What one page's cards need, fetched once for all of them."""

    attachments: dict[int, list[MediaAttachment]]
    counts: dict[int, Counts]
    liked: set[int]
    boosted: set[int]
    parents: dict[str, Contribution]
    edited: dict[int, datetime]  # when each visibly edited contribution last was (edit_history)


def safe_href(value: str | None) -> str:
    """`value` if it is an http(s) URL, else "" (remote data may carry `javascript:` or `data:`)."""
    if value and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return ""


def actor_handle(actor: Actor) -> str:
    return f"@{actor.username}@{actor.domain}"


def profile_url(actor: Actor, urls: InstanceUrls) -> str:
    """The actor's page here: a local profile or project, or `/@user@host` for a remote actor
    (so a visitor stays on their own server; DESIGN §8)."""
    if actor.local:
        return urls.actor_page(actor.kind, actor.username)
    return f"/@{quote(actor.username, safe='')}@{quote(actor.domain, safe=':[]')}"


def actor_origin_url(actor: Actor) -> str:
    """A remote actor's page on their own server ("" for local actors)."""
    return "" if actor.local else safe_href(actor.url or actor.uri)


def actor_link(actor: Actor, urls: InstanceUrls) -> dict[str, Any]:
    """Name, handle, avatar and profile links (here and on their server) of an author or booster."""
    return {
        "name": actor.name or actor.username,
        "handle": actor_handle(actor),
        "avatar_url": safe_href(actor.icon_url),
        "default_avatar": default_avatar(actor),
        "profile_url": profile_url(actor, urls),
        "origin_url": actor_origin_url(actor),
    }


def remote_work_path(row_id: int) -> str:
    """The local page of a work from another server (its like/boost forms post below it)."""
    return f"/remote-contributions/{row_id}"


def page_url(contribution: Contribution) -> str:
    """Where a browser reads the contribution here: its IRI for ours, a local page for remote ones."""
    return contribution.uri if contribution.local else remote_work_path(contribution.id)


def origin_url(contribution: Contribution) -> str:
    """A remote work's page on its own server ("" for ours)."""
    return "" if contribution.local else safe_href(contribution.url or contribution.uri)


def actions_url(contribution: Contribution) -> str:
    """The path the like/boost forms of this contribution post to (a verb is appended)."""
    if contribution.local and contribution.local_id:
        return f"/contributions/{contribution.local_id}"
    return remote_work_path(contribution.id)


def remix_url(contribution: Contribution) -> str:
    """The composer with `contribution` as the first source, when its licence and visibility let
    anyone remix it ("" otherwise; publishing checks the rule again for the actual remixer).
    A work from another server that states no licence (a Mastodon post) may be remixed: its link
    is attested, and consent is its author's quote policy (remix_licences.allowed_remix_licences)."""
    found = license_by_iri(contribution.license) if contribution.license else None
    unlicensed_remote = not contribution.license and not contribution.local
    permits = found.permits_remix if found is not None else unlicensed_remote
    if not permits or not is_open(contribution) or contribution.deleted_at is not None:
        return ""
    return "/contributions/new?" + urlencode({"remix": contribution.uri})


def author_of(contribution: Contribution) -> Actor:
    """The (prefetched) author; the model types the relation as a bare Model."""
    author = contribution.author
    assert isinstance(author, Actor), "the author must be prefetched"
    return author


def label_of(contribution: Contribution) -> str:
    """A short name for links, buttons and headings when the contribution has no title."""
    if contribution.title:
        return contribution.title
    author = author_of(contribution)
    return f"{KIND_LABELS.get(contribution.kind, 'Contribution')} by {author.name or author.username}"


async def _ensure_authors(contributions: Sequence[Contribution]) -> None:
    missing = [c for c in contributions if not isinstance(getattr(c, "_author", None), Actor)]
    if missing:
        await Contribution.fetch_for_list(missing, "author")


async def load_batch(contributions: Sequence[Contribution], viewer: Actor | None) -> PageBatch:
    """Attachments, counts, the viewer's likes/boosts and the replied-to contributions the
    viewer may see, in one go."""
    ids = [c.id for c in contributions]
    await _ensure_authors(contributions)
    parent_uris = {c.in_reply_to_uri for c in contributions if c.in_reply_to_uri}
    parents: dict[str, Contribution] = {}
    if parent_uris:
        rows = await Contribution.filter(uri__in=list(parent_uris), deleted_at=None).prefetch_related("author")
        visible = await visible_among(viewer, rows)
        parents = {row.uri: row for row in rows if row.id in visible}
    return PageBatch(
        attachments=await attachments_of(ids),
        counts=await interaction_counts(ids),
        liked=await liked_by(viewer, ids) if viewer else set(),
        boosted=await boosted_by(viewer, ids) if viewer else set(),
        parents=parents,
        edited=await visible_edits(contributions),
    )


def attachment_dict(item: MediaAttachment, position: int, label: str, urls: InstanceUrls) -> dict[str, Any]:
    """One file as the player or image tag needs it (an empty alt text gets an honest fallback)."""
    url = urls.media(item.filename) if item.filename else safe_href(item.remote_url)
    description = item.description.strip()
    fallback = f"{KIND_LABELS.get(item.kind, 'File')} {position} of “{label}” (no description)"
    return {
        "kind": item.kind,
        "url": url,
        "media_type": item.media_type,
        "description": description,
        "alt": description or fallback,
        "thumbnail_url": urls.media(item.thumbnail_filename) if item.thumbnail_filename else "",
        "poster_url": urls.media(item.cover_filename) if item.cover_filename else "",
        "captions_url": urls.media(item.captions_filename) if item.captions_filename else "",
        "width": item.width,
        "height": item.height,
        "duration": item.duration_seconds,
    }


def _reply_to(contribution: Contribution, batch: PageBatch) -> dict[str, str] | None:
    if not contribution.in_reply_to_uri:
        return None
    parent = batch.parents.get(contribution.in_reply_to_uri)
    if parent is None:  # unknown here, deleted, or not visible to the viewer: nothing of it is shown
        return {"href": safe_href(contribution.in_reply_to_uri), "label": "an earlier contribution"}
    return {"href": page_url(parent), "label": f"{label_of(parent)} ({actor_handle(author_of(parent))})"}


def _license(iri: str) -> dict[str, Any] | None:
    found = license_by_iri(iri) if iri else None
    if found is None:
        return None
    return {"name": found.name, "iri": found.iri, "code": found.code, "permits_remix": found.permits_remix}


def card_dict(
    contribution: Contribution,
    batch: PageBatch,
    viewer: Actor | None,
    urls: InstanceUrls,
    *,
    boosted_by_actor: Actor | None = None,
    cursor: Cursor | None = None,
) -> dict[str, Any]:
    """Everything one card shows, as plain values."""
    label = label_of(contribution)
    mine = viewer is not None and viewer.id == contribution.author_id  # type: ignore[attr-defined]
    items = batch.attachments.get(contribution.id, [])
    files = [attachment_dict(item, n, label, urls) for n, item in enumerate(items, start=1)]
    local_id = contribution.local_id if contribution.local else None
    return {
        "id": contribution.id,
        "local_id": local_id,
        "uri": contribution.uri,
        "page_url": page_url(contribution),
        "origin_url": origin_url(contribution),
        "actions_url": actions_url(contribution),
        "reply_url": "/contributions/new?" + urlencode({"in_reply_to": contribution.uri}),
        "remix_url": remix_url(contribution),
        "heading_id": f"contribution-{contribution.id}",
        "kind": contribution.kind,
        "kind_label": KIND_LABELS.get(contribution.kind, "Contribution"),
        "title": contribution.title,
        "label": label,
        # sanitized when stored (nh3, Mastodon's set); a remote work's tags and mentions lead here
        "content_html": Markup(contribution.content_html) if contribution.local else localize_links(contribution.content_html),
        "summary": contribution.summary,
        "sensitive": contribution.sensitive or bool(contribution.summary),
        "language": contribution.language,
        "author": actor_link(author_of(contribution), urls),
        "published": contribution.published_at,
        "edited": batch.edited.get(contribution.id),
        "history_url": f"{actions_url(contribution)}/history" if local_id else "",
        "attachments": [file for file in files if file["url"]],  # remote files without an http(s) URL are left out
        "license": _license(contribution.license),
        "counts": batch.counts.get(contribution.id, Counts()),
        "liked": contribution.id in batch.liked,
        "boosted": contribution.id in batch.boosted,
        "pinned": contribution.pinned_at is not None,
        "reply_to": _reply_to(contribution, batch),
        "visibility": contribution.visibility,
        "visibility_label": VISIBILITY_LABELS.get(contribution.visibility, contribution.visibility),
        # A card is shown only to viewers who may see it, so `can_boost` reduces to the visibility.
        "can_boost": is_open(contribution),
        "can_edit": mine and contribution.local,
        "can_pin": viewer is not None and can_pin(viewer, contribution),
        "boosted_by": actor_link(boosted_by_actor, urls) if boosted_by_actor else None,
        "cursor": cursor,
    }


async def build_cards(
    items: Sequence[Contribution | TimelineEntry], viewer: Actor | None, urls: InstanceUrls
) -> list[dict[str, Any]]:
    """Cards for a page of contributions or timeline entries, in their order."""
    entries = [item if isinstance(item, TimelineEntry) else TimelineEntry(item, None, Cursor(item.published_at, item.id)) for item in items]
    batch = await load_batch([entry.contribution for entry in entries], viewer)
    return [
        card_dict(entry.contribution, batch, viewer, urls, boosted_by_actor=entry.boosted_by, cursor=entry.cursor)
        for entry in entries
    ]
