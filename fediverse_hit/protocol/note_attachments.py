"""Media attachments of a contribution on the wire: the `Document` shape Mastodon sends and reads.

Writing follows Mastodon's app/serializers/activitypub/note_serializer.rb (MediaAttachmentSerializer);
reading also takes Pixelfed's and PeerTube's shapes (`url` as a Link or a list of Links).
Durations are XML Schema `xsd:duration` values ("PT1M2.5S").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ATTACHMENT_TYPES = frozenset({"Document", "Image", "Audio", "Video"})
MAX_PARSED_ATTACHMENTS = 8  # what we keep from a remote object; we publish at most 4, as Mastodon
MAX_ATTACHMENT_ENTRIES = 64  # `attachment` entries looked at
MAX_DESCRIPTION_CHARS = 1_500  # alt text, as Mastodon's MediaAttachment::MAX_DESCRIPTION_LENGTH

_DURATION = re.compile(
    r"P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)


@dataclass(frozen=True)
class NoteAttachment:
    """One media file of a contribution: direct URL, alt text, and what players need before loading it."""

    media_type: str
    url: str
    description: str = ""
    blurhash: str | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    cover_url: str | None = None
    cover_media_type: str | None = None


def format_duration(seconds: float) -> str:
    """`seconds` as xsd:duration, split into hours and minutes the way Rails' Duration#iso8601 does."""
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    parts = [f"{int(hours)}H" if hours else "", f"{int(minutes)}M" if minutes else ""]
    if rest or not (hours or minutes):
        parts.append(f"{round(rest, 3):g}S")
    return "PT" + "".join(parts)


def parse_duration(value: object) -> float | None:
    """Seconds from an xsd:duration (or a bare number of seconds); None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None or value.strip() in ("P", "PT"):
        return None
    parts = {name: float(number) for name, number in match.groupdict().items() if number}
    return (
        parts.get("days", 0) * 86400 + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60 + parts.get("seconds", 0)
    )


def attachment_to_ap(attachment: NoteAttachment) -> dict[str, Any]:
    """The `Document` Mastodon reads: alt text in `name`, `blurhash`, size, duration, cover in `icon`."""
    document: dict[str, Any] = {
        "type": "Document",
        "mediaType": attachment.media_type,
        "url": attachment.url,
        "name": attachment.description or None,
        "blurhash": attachment.blurhash,
    }
    if attachment.width is not None:
        document["width"] = attachment.width
    if attachment.height is not None:
        document["height"] = attachment.height
    if attachment.duration_seconds is not None:
        document["duration"] = format_duration(attachment.duration_seconds)
    if attachment.cover_url is not None:
        document["icon"] = {
            "type": "Image",
            "mediaType": attachment.cover_media_type,
            "url": attachment.cover_url,
        }
    return document


def parse_attachments(value: object) -> tuple[NoteAttachment, ...]:
    """The usable attachments of a remote object (http(s) URLs only), at most MAX_PARSED_ATTACHMENTS."""
    entries = value[:MAX_ATTACHMENT_ENTRIES] if isinstance(value, list) else [value]
    parsed = (_parse_attachment(entry) for entry in entries if isinstance(entry, Mapping))
    return tuple(itertools.islice((found for found in parsed if found is not None), MAX_PARSED_ATTACHMENTS))


def _parse_attachment(entry: Mapping[str, Any]) -> NoteAttachment | None:
    if entry.get("type") not in ATTACHMENT_TYPES:
        return None
    url, link_media_type = _pick_url(entry.get("url"))
    if url is None:
        return None
    media_type = _string(entry.get("mediaType")) or link_media_type or ""
    cover_url, cover_media_type = _pick_url(entry.get("icon"))
    if isinstance(entry.get("icon"), Mapping):
        cover_media_type = _string(entry["icon"].get("mediaType")) or cover_media_type
    return NoteAttachment(
        media_type=media_type,
        url=url,
        description=(_string(entry.get("name")) or _string(entry.get("summary")) or "")[:MAX_DESCRIPTION_CHARS],
        blurhash=_string(entry.get("blurhash")),
        width=_positive_int(entry.get("width")),
        height=_positive_int(entry.get("height")),
        duration_seconds=parse_duration(entry.get("duration")),
        cover_url=cover_url,
        cover_media_type=cover_media_type,
    )


def _pick_url(value: object) -> tuple[str | None, str | None]:
    """The first http(s) URL of a string, a Link/Image object, or a list of those, with its mediaType."""
    for candidate in value if isinstance(value, list) else [value]:
        if isinstance(candidate, str) and _is_http(candidate):
            return candidate, None
        if isinstance(candidate, Mapping):
            href = candidate.get("href", candidate.get("url"))
            if isinstance(href, str) and _is_http(href):
                return href, _string(candidate.get("mediaType"))
    return None, None


def _is_http(value: str) -> bool:
    return value.lower().startswith(("https://", "http://"))


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return int(value)
