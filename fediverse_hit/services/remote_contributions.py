"""Storing what remote servers send: new contributions, their edits (kept as versions) and deletions.

Remote media is not copied: attachments keep their `remote_url` and are shown from their origin.
Mastodon caches remote media; we chose not to, so that we never hold copies of someone else's
files (no liability for infringing or illegal content we would be re-serving) and the disk does
not grow with every server we federate with. `raw_json` keeps the object as it arrived: the
fetched body verbatim, or for an embedded object its compact JSON, while the inbox item keeps
the byte-exact activity body.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.protocol.addressing import visibility_from
from fediverse_hit.protocol.note_attachments import MAX_PARSED_ATTACHMENTS
from fediverse_hit.protocol.notes import ParsedNote
from fediverse_hit.protocol.vocabulary import FollowState, Visibility
from fediverse_hit.store.contributions import (
    find_contribution_by_uri,
    link_waiting_replies,
    mark_deleted,
    set_hashtags,
    set_mentions,
    store_version,
)
from fediverse_hit.store.models import Actor, Contribution, Follow, MediaAttachment
from fediverse_hit.store.notifications import delete_notifications_about

MAX_IRI = 2048  # the length of the IRI columns


def _fitting(iri: str | None) -> str | None:
    """An IRI that fits its column (cutting one would make it point elsewhere)."""
    return iri if iri is not None and len(iri) <= MAX_IRI else None


def _fields(parsed: ParsedNote, author: Actor) -> dict[str, Any]:
    """The model fields a remote note sets, cut to the columns' sizes."""
    return {
        "url": (parsed.url or "")[:MAX_IRI],
        "kind": parsed.kind,
        "title": (parsed.title or "")[:500],
        "content_html": parsed.content_html,
        "summary": (parsed.summary or "")[:1500],
        "sensitive": bool(parsed.sensitive),
        "language": (parsed.language or "")[:16],
        "license": (parsed.license or "")[:255],
        "visibility": visibility_from(parsed.to, parsed.cc, author.followers_url or None),
        "context_uri": _fitting(parsed.context),
    }


async def store_remote_note(
    parsed: ParsedNote,
    raw_json: str,
    author: Actor,
    *,
    mentioned_local: Sequence[Actor],
    in_reply_to: Contribution | None,
) -> Contribution | None:
    """Store a remote contribution as version 1; the existing one when its IRI is known already,
    None when it was deleted (a Create arriving after its Delete stays deleted)."""
    if len(parsed.id) > MAX_IRI:
        return None  # no column holds it; no real server makes such ids
    existing = await find_contribution_by_uri(parsed.id)
    if existing is not None:
        return None if existing.deleted_at is not None else existing
    try:
        async with in_transaction():
            contribution = await Contribution.create(
                uri=parsed.id,
                author=author,
                local=False,
                in_reply_to_uri=_fitting(parsed.in_reply_to),
                in_reply_to=in_reply_to,
                published_at=parsed.published or datetime.now(UTC),
                edited_at=parsed.updated if parsed.updated != parsed.published else None,
                document=json.loads(raw_json),
                raw_json=raw_json,
                **_fields(parsed, author),
            )
            await _store_parts(contribution, parsed, raw_json, mentioned_local)
    except IntegrityError:  # the same object arrived twice at once
        again = await find_contribution_by_uri(parsed.id)
        return None if again is None or again.deleted_at is not None else again
    await link_waiting_replies(contribution)
    return contribution


async def _store_parts(
    contribution: Contribution, parsed: ParsedNote, raw_json: str, mentioned_local: Sequence[Actor]
) -> None:
    """The version row, mentions, hashtags and attachments of the current version."""
    await store_version(contribution, contribution.version, raw_json)
    await set_mentions(contribution, mentioned_local)
    await set_hashtags(contribution, [tag.name for tag in parsed.tags if tag.kind == "Hashtag" and tag.name])
    await MediaAttachment.filter(contribution=contribution).delete()
    rows = [
        MediaAttachment(
            contribution=contribution,
            position=position,
            kind=_media_kind(attachment.media_type),
            media_type=(attachment.media_type or "")[:100],
            remote_url=attachment.url[:MAX_IRI],
            description=(attachment.description or "")[:1500],
            width=attachment.width,
            height=attachment.height,
            duration_seconds=attachment.duration_seconds,
            blurhash=attachment.blurhash[:100] if attachment.blurhash else None,
        )
        for position, attachment in enumerate(parsed.attachments[:MAX_PARSED_ATTACHMENTS])
    ]
    if rows:
        await MediaAttachment.bulk_create(rows)


def _media_kind(media_type: str | None) -> str:
    top = (media_type or "").split("/", 1)[0]
    return top if top in ("image", "audio", "video") else "document"


async def apply_remote_update(
    contribution: Contribution,
    parsed: ParsedNote,
    raw_json: str,
    author: Actor,
    *,
    mentioned_local: Sequence[Actor],
) -> bool:
    """Apply an edit when it is newer than what we have: the object becomes version n+1 (the
    earlier versions stay, for attribution chains). Returns whether anything changed.

    Edits without `updated`, or not newer than the last edit, are ignored: that makes replays
    and out-of-order deliveries harmless (Mastodon's `already_updated_more_recently?`). The first
    edit is applied even when its `updated` equals `published`: both are whole seconds, and an
    edit made in the second of posting must not be lost.
    """
    own = contribution.author_id == author.id  # type: ignore[attr-defined]
    if contribution.local or contribution.deleted_at is not None or not own:
        return False
    if parsed.updated is None or (contribution.edited_at is not None and parsed.updated <= contribution.edited_at):
        return False
    async with in_transaction():
        fields = _fields(parsed, author)
        for name, value in fields.items():
            setattr(contribution, name, value)
        contribution.version += 1
        contribution.edited_at = parsed.updated
        contribution.document = json.loads(raw_json)
        contribution.raw_json = raw_json
        await contribution.save(update_fields=[*fields, "version", "edited_at", "document", "raw_json"])
        await _store_parts(contribution, parsed, raw_json, mentioned_local)
    return True


async def mark_remote_deleted(uri: str, author: Actor) -> Contribution | None:
    """`author` deleted the object at `uri`: mark it deleted, or keep a tombstone when it is
    unknown so that a late Create stays deleted. Returns None when `author` may not delete it."""
    now = datetime.now(UTC)
    existing = await find_contribution_by_uri(uri)
    if existing is None:
        try:
            return await Contribution.create(
                uri=uri, author=author, local=False, visibility=Visibility.DIRECT, published_at=now, deleted_at=now
            )
        except IntegrityError:  # its Create is being stored right now: mark that one
            existing = await find_contribution_by_uri(uri)
            if existing is None:
                return None
    if existing.local or existing.author_id != author.id:  # type: ignore[attr-defined]
        return None
    if existing.deleted_at is None:
        await mark_deleted(existing, now)
        await delete_notifications_about(existing)
    return existing


async def find_remote_contribution(uri: str) -> Contribution | None:
    """A live contribution by IRI (local or remote), with its author."""
    contribution = await find_contribution_by_uri(uri)
    return contribution if contribution is not None and contribution.deleted_at is None else None


async def followed_here(actor: Actor) -> bool:
    """Whether a local person follows `actor` (accepted follows only, as Mastodon's
    `followed_by_local_accounts?`)."""
    return await Follow.filter(followed=actor, state=FollowState.ACCEPTED, follower__local=True).exists()
