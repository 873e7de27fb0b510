"""Reading an object a client POSTs to an outbox (ActivityPub C2S §6.2) into a Draft.

The server decides the id, attributedTo, published time and the HTML: the client's `content`
is taken as text (its markup dropped) unless it sends Markdown in `source`, and our own
renderer and sanitizer make the HTML. Attachments name media uploaded with `POST /api/media`
by their `id`; `name` on an attachment sets its alt text. A remix names its sources in
`fhit:sources` (`{"object": id}` entries, optional `fhit:weight`) and may set `fhit:upstreamShare`;
the server pins each source itself (federation/source_pinning.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.addressing import is_public_collection, visibility_from
from fediverse_hit.protocol.html_sanitizing import html_to_text
from fediverse_hit.protocol.remix_sources import SourceRequest, SourcesError, parse_source_requests
from fediverse_hit.protocol.vocabulary import CLIENT_POST_TYPES, Visibility
from fediverse_hit.services.contribution_rules import Draft

CONTRIBUTION_TYPES = CLIENT_POST_TYPES
_TEXT_SOURCES = ("text/markdown", "text/plain")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _source(document: Mapping[str, Any]) -> str:
    source = document.get("source")
    if isinstance(source, Mapping) and source.get("mediaType", "text/markdown") in _TEXT_SOURCES:
        content = source.get("content")
        if isinstance(content, str):
            return content
    content = document.get("content")
    if not isinstance(content, str):
        content_map = document.get("contentMap")
        values = list(content_map.values()) if isinstance(content_map, Mapping) else []
        content = next((value for value in values if isinstance(value, str)), "")
    return html_to_text(content)


def _language(document: Mapping[str, Any]) -> str:
    content_map = document.get("contentMap")
    if isinstance(content_map, Mapping) and content_map:
        return str(next(iter(content_map)))
    return ""


def _media(document: Mapping[str, Any]) -> tuple[tuple[int, ...], dict[int, str]]:
    ids: list[int] = []
    descriptions: dict[int, str] = {}
    attachments = document.get("attachment", [])
    for item in attachments if isinstance(attachments, list) else [attachments]:
        media_id = item.get("id") if isinstance(item, Mapping) else item
        if not isinstance(media_id, (str, int)) or not str(media_id).isdigit():
            raise ValidationFailed("Each attachment must name an uploaded file by its `id` from POST /api/media.")
        ids.append(int(media_id))
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            descriptions[int(media_id)] = item["name"]
    return tuple(ids), descriptions


def _sources(document: Mapping[str, Any]) -> tuple[tuple[SourceRequest, ...], int | None]:
    """The sources a remix asks for and its upstream share (None when it cites no source)."""
    try:
        requests, upstream_share = parse_source_requests(document)
    except SourcesError as exc:
        raise ValidationFailed(f"This remix cannot be made: {exc}.") from None
    return requests, (upstream_share if requests else None)


def draft_from_object(document: Mapping[str, Any], followers: str) -> Draft:
    """The Draft a client's Note asks for; `followers` is the poster's followers collection."""
    if document.get("type") not in CONTRIBUTION_TYPES:
        raise ValidationFailed(f"Only {' and '.join(CONTRIBUTION_TYPES)} objects can be posted.")
    to, cc = _strings(document.get("to")), _strings(document.get("cc"))
    media_ids, descriptions = _media(document)
    in_reply_to = document.get("inReplyTo")
    license_iri = document.get("license") or document.get("schema:license") or ""
    sources, upstream_share = _sources(document)
    return Draft(
        title=str(document.get("name") or ""),
        source=_source(document),
        kind=str(document.get("fhit:kind") or document.get("kind") or ""),
        summary=str(document.get("summary") or ""),
        sensitive=document.get("sensitive") is True,
        language=_language(document),
        license=license_iri if isinstance(license_iri, str) else "",
        visibility=visibility_from(to, cc, followers) if to or cc else Visibility.PUBLIC,
        in_reply_to=in_reply_to if isinstance(in_reply_to, str) else None,
        media_ids=media_ids,
        media_descriptions=descriptions,
        addressed=tuple(iri for iri in [*to, *cc] if iri != followers and not is_public_collection(iri)),
        sources=sources,
        upstream_share=upstream_share,
    )
