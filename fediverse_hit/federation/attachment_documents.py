"""Stored media attachments as ActivityStreams `Document`s (for notes) and as the upload API's answer.

The shape is Mastodon's (protocol/note_attachments.py builds it): direct `url`, alt text in
`name`, `blurhash`, `width`/`height`, `duration`, and an audio or video cover as `icon`.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol import note_attachments
from fediverse_hit.protocol.note_attachments import NoteAttachment
from fediverse_hit.store.media_files import MEDIA_TYPES
from fediverse_hit.store.models import MediaAttachment


def media_to_note_attachment(media: MediaAttachment, urls: InstanceUrls) -> NoteAttachment:
    """What a note says about one attachment: local files by their /media URL, remote ones by theirs."""
    return NoteAttachment(
        media_type=media.media_type,
        url=_file_url(media, urls),
        description=media.description,
        blurhash=media.blurhash,
        width=media.width,
        height=media.height,
        duration_seconds=media.duration_seconds,
        cover_url=urls.media(media.cover_filename) if media.cover_filename else None,
        cover_media_type=_stored_type(media.cover_filename),
    )


def attachment_to_ap(media: MediaAttachment, urls: InstanceUrls) -> dict[str, Any]:
    """The `Document` of one attachment, as it goes into a note's `attachment`."""
    return note_attachments.attachment_to_ap(media_to_note_attachment(media, urls))


def attachment_to_api(media: MediaAttachment, urls: InstanceUrls) -> dict[str, Any]:
    """The upload API's answer: the `Document` plus `id` (to name in a contribution's `attachment`, or the composer's `media_ids`) and `previewUrl`."""
    preview = media.thumbnail_filename or media.cover_filename
    return {
        "id": str(media.id),
        **attachment_to_ap(media, urls),
        "previewUrl": urls.media(preview) if preview else None,
    }


def _file_url(media: MediaAttachment, urls: InstanceUrls) -> str:
    if media.filename:
        return urls.media(media.filename)
    if media.remote_url:
        return media.remote_url
    raise ValueError(f"Media attachment {media.id} has neither a file nor a remote URL")


def _stored_type(filename: str | None) -> str | None:
    if not filename:
        return None
    return MEDIA_TYPES.get(filename.rpartition(".")[2])
