"""Contributions on the wire: building our `Note` and reading any post-like object (DESIGN §7).

Field shapes follow Mastodon's app/serializers/activitypub/note_serializer.rb (what it sends) and
app/lib/activitypub/parser/status_parser.rb (what it reads); `interactionPolicy.canQuote` as
Mastodon 4.5 and GoToSocial's docs/federation/interaction_policy.md. No proof: callers sign.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fediverse_hit.protocol.addressing import visibility_from
from fediverse_hit.protocol.html_sanitizing import html_to_text, sanitize_html
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.markup import title_html
from fediverse_hit.protocol.note_attachments import NoteAttachment, attachment_to_ap, parse_attachments
from fediverse_hit.protocol.quote_consent import QuotePolicy, quote_interaction_policy
from fediverse_hit.protocol.vocab import NOTE_CONTEXT
from fediverse_hit.protocol.vocabulary import (
    MEDIA_KINDS,
    OPEN_VISIBILITIES,
    POST_TYPES,
    TITLED_TYPES,
    ContributionKind,
    TagType,
)

__all__ = ["NoteAttachment", "NoteFields", "NoteTag", "ObjectShapeError", "ParsedNote", "build_note", "parse_note"]

KINDS = tuple(ContributionKind)
MAX_ATTACHMENTS = 4  # Mastodon shows four
TAG_TYPES = frozenset(TagType)
KIND_KEY = "fhit:kind"

_TITLE = re.compile(r"\s*<p><strong>(?P<title>.*?)</strong></p>", re.DOTALL)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)

# Caps on what one remote object may make us parse and store (docs/federation.md, "Limits").
# Text is cut before any parsing; tags beyond a cap are dropped and the object is kept.
# Mastodon caps none of these on remote posts but keeps 4 attachments; Pixelfed's Status model
# allows 60 hashtags and 20 mentions on local ones. Ours are wider, for long creative work.
MAX_CONTENT_CHARS = 100_000
MAX_NAME_CHARS = 1_000
MAX_SUMMARY_CHARS = 1_500
MAX_TAG_ENTRIES = 1_000  # `tag` entries looked at
MAX_TAGS = {"Hashtag": 60, "Mention": 100, "Link": 20}
MAX_HASHTAG_CHARS = 100  # a longer hashtag is dropped, not cut (a cut one would be another tag)


class ObjectShapeError(ValueError):
    """A post-like object that lacks what we need (id, author) or has it in the wrong shape."""


@dataclass(frozen=True)
class NoteTag:
    """A `tag` entry: Hashtag (`#tag`), Mention (`@user@host`) or Link (FEP-e232)."""

    kind: str
    name: str
    href: str


@dataclass(frozen=True)
class NoteFields:
    """Everything `build_note` writes; `body_html` is already rendered and sanitized."""

    id: str
    url: str
    attributed_to: str
    kind: str
    title: str
    body_html: str
    summary: str | None
    sensitive: bool
    language: str | None
    license: str | None
    published: datetime
    updated: datetime | None
    to: Sequence[str]
    cc: Sequence[str]
    in_reply_to: str | None
    context: str | None
    replies: str
    likes: str
    shares: str
    attachments: Sequence[NoteAttachment]
    tags: Sequence[NoteTag]
    quote_policy: str = QuotePolicy.ANYONE  # who may quote it (FEP-044f), for `interactionPolicy`
    followers: str = ""  # the author's followers collection, named by a followers-only policy


def format_datetime(value: datetime) -> str:
    """`2026-11-26T12:00:00Z`: UTC, to the second, as Mastodon writes `published`."""
    if value.tzinfo is None:
        raise ValueError("datetimes on the wire must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_note(fields: NoteFields) -> dict[str, Any]:
    """Our `Note` for a contribution, ready to be signed with integrity_proofs.create_proof."""
    if fields.kind not in KINDS:
        raise ValueError(f"unknown contribution kind: {fields.kind!r}")
    if len(fields.attachments) > MAX_ATTACHMENTS:
        raise ValueError(f"at most {MAX_ATTACHMENTS} attachments, got {len(fields.attachments)}")
    content = (title_html(fields.title) if fields.title else "") + fields.body_html
    note: dict[str, Any] = {
        "@context": copy.deepcopy(NOTE_CONTEXT),  # each note owns its context; callers may edit theirs
        "id": fields.id,
        "type": "Note",
        "url": fields.url,
        "attributedTo": fields.attributed_to,
        "published": format_datetime(fields.published),
        "to": list(fields.to),
        "cc": list(fields.cc),
        "inReplyTo": fields.in_reply_to,
        "summary": fields.summary or None,
        "sensitive": fields.sensitive,
        "content": content,
    }
    if fields.updated is not None:
        note["updated"] = format_datetime(fields.updated)
    if fields.context is not None:
        note["context"] = fields.context
    if fields.language:
        note["contentMap"] = {fields.language: content}
    note["attachment"] = [attachment_to_ap(attachment) for attachment in fields.attachments]
    note["tag"] = [{"type": tag.kind, "href": tag.href, "name": tag.name} for tag in fields.tags]
    # Collections by IRI only, so counts changing never changes the signed document.
    note.update(replies=fields.replies, likes=fields.likes, shares=fields.shares)
    if fields.license is not None:
        note["license"] = fields.license
        note["schema:license"] = fields.license
    note[KIND_KEY] = fields.kind
    # Mastodon's NoteSerializer#interaction_policy: only public and unlisted posts are quotable
    # by others; then the work's policy says by whom, automatically or by hand.
    is_open = visibility_from(fields.to, fields.cc, None) in OPEN_VISIBILITIES
    note["interactionPolicy"] = quote_interaction_policy(
        fields.quote_policy, is_open, fields.attributed_to, fields.followers
    )
    return note


@dataclass(frozen=True)
class ParsedNote:
    """A remote (or our own) post-like object, validated once; `content_html` is sanitized."""

    id: str
    type: str
    attributed_to: str
    title: str | None
    content_html: str
    summary: str | None
    sensitive: bool
    language: str | None
    published: datetime | None
    updated: datetime | None
    in_reply_to: str | None
    context: str | None
    url: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    attachments: tuple[NoteAttachment, ...]
    tags: tuple[NoteTag, ...]
    kind: str
    license: str | None


def parse_note(document: Mapping[str, Any]) -> ParsedNote:
    """Read a Note, Article, Page, Question, Image, Audio, Video or Event; ObjectShapeError if unusable."""
    if not isinstance(document, Mapping):
        raise ObjectShapeError("an object must be a JSON object")
    kind = document.get("type")
    if not isinstance(kind, str) or kind not in POST_TYPES:
        raise ObjectShapeError(f"not a post-like object: {kind!r}")
    object_id = _http_iri(document.get("id"))
    if object_id is None:
        raise ObjectShapeError("the object needs an absolute http(s) `id`")
    author = _author(document.get("attributedTo"))
    if author is None:
        raise ObjectShapeError("the object needs an `attributedTo` actor IRI")
    raw_content, language = _content(document)
    content_html = sanitize_html(raw_content)
    title, content_html = _title(document, kind, content_html)
    attachments = parse_attachments(document.get("attachment"))
    declared_kind = document.get(KIND_KEY)
    return ParsedNote(
        id=object_id,
        type=kind,
        attributed_to=author,
        title=title,
        content_html=content_html,
        summary=_text(document.get("summary"), MAX_SUMMARY_CHARS),
        sensitive=document.get("sensitive") is True,
        language=language,
        published=parse_datetime(document.get("published")),
        updated=parse_datetime(document.get("updated")),
        in_reply_to=_iri_of(document.get("inReplyTo")),
        context=_iri_of(document.get("context")),
        url=_html_url(document.get("url")),
        to=_audience(document.get("to")),
        cc=_audience(document.get("cc")),
        attachments=attachments,
        tags=_tags(document.get("tag")),
        kind=declared_kind if declared_kind in KINDS else derive_kind(attachments),
        license=_license(document.get("license", document.get("schema:license"))),
    )


def derive_kind(attachments: Sequence[NoteAttachment]) -> str:
    """text without media; image, audio or video when every attachment is that; mixed otherwise."""
    if not attachments:
        return ContributionKind.TEXT
    kinds = {attachment.media_type.split("/", 1)[0] for attachment in attachments}
    if len(kinds) == 1 and (only := kinds.pop()) in MEDIA_KINDS:
        return ContributionKind(only)
    return ContributionKind.MIXED


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date-time (Z, offsets, fractional seconds) as aware UTC; None for anything else."""
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _content(document: Mapping[str, Any]) -> tuple[str, str | None]:
    content_map = document.get("contentMap")
    language = None
    first_mapped = None
    if isinstance(content_map, Mapping):
        for key, value in content_map.items():
            if isinstance(key, str) and isinstance(value, str):
                language, first_mapped = key, value
                break
    content = document.get("content")
    if isinstance(content, str) and content:
        return content[:MAX_CONTENT_CHARS], language
    return (first_mapped or "")[:MAX_CONTENT_CHARS], language


def _title(document: Mapping[str, Any], kind: str, content_html: str) -> tuple[str | None, str]:
    if KIND_KEY in document:
        match = _TITLE.match(content_html)
        if match:
            return html_to_text(match.group("title")), content_html[match.end():]
        return None, content_html
    if kind in TITLED_TYPES:
        name = document.get("name")
        if not isinstance(name, str) and isinstance(document.get("nameMap"), Mapping):
            name = next(iter(document["nameMap"].values()), None)
        return (html_to_text(name[:MAX_NAME_CHARS]) or None if isinstance(name, str) else None), content_html
    return None, content_html


def _author(value: object) -> str | None:
    if isinstance(value, list):
        people = [entry for entry in value if isinstance(entry, Mapping) and entry.get("type") == "Person"]
        for entry in people + value:
            if (author := _iri_of(entry)) is not None:
                return author
        return None
    return _iri_of(value)


def _iri_of(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return _http_iri(value)


def _http_iri(value: object) -> str | None:
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return None


def _html_url(value: object) -> str | None:
    """Mastodon's `url_to_href(url, 'text/html')`: a string, a Link, or the text/html one of a list."""
    entries = value if isinstance(value, list) else [value]
    links = [entry for entry in entries if isinstance(entry, Mapping)]
    preferred = [link for link in links if link.get("mediaType") == "text/html"]
    for entry in preferred + entries:
        href = entry.get("href") if isinstance(entry, Mapping) else entry
        if (url := _http_iri(href)) is not None:
            return url
    return None


def _audience(value: object) -> tuple[str, ...]:
    entries = value if isinstance(value, list) else [value]
    found = (entry.get("id") if isinstance(entry, Mapping) else entry for entry in entries)
    return tuple(entry for entry in found if isinstance(entry, str) and entry)


def _tags(value: object) -> tuple[NoteTag, ...]:
    """Hashtag, Mention and Link tags with an http(s) `href`, at most MAX_TAGS of each kind."""
    entries = value[:MAX_TAG_ENTRIES] if isinstance(value, list) else [value]
    tags = []
    counts = dict.fromkeys(MAX_TAGS, 0)
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") not in TAG_TYPES:
            continue
        kind, href, name = entry["type"], _http_iri(entry.get("href")), entry.get("name")
        name = name if isinstance(name, str) else ""
        if kind == "Hashtag" and len(name.lstrip("#")) > MAX_HASHTAG_CHARS:
            continue
        if href is not None and counts[kind] < MAX_TAGS[kind]:
            counts[kind] += 1
            tags.append(NoteTag(kind, name, href))
    return tuple(tags)


def _license(value: object) -> str | None:
    iri = _iri_of(value) or (_http_iri(value.get("href")) if isinstance(value, Mapping) else None)
    if iri is None:
        return None
    known = license_by_iri(iri)
    return known.iri if known else iri


def _text(value: object, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None
