"""The fields a remix adds to its `Note` (DESIGN §7), and reading what a remote post quotes.

A remix pins its sources (`fhit:sources`, `fhit:upstreamShare`) and, so Mastodon and the
Misskey family show it as a quote, names its primary source in `quote` (FEP-044f,
https://w3id.org/fep/044f), `quoteUri` (Fedibird), `_misskey_quote` and `quoteUrl`, with the
`<p class="quote-inline">RE: …</p>` fallback readers without quote support show and Mastodon hides
(app/serializers/activitypub/note_serializer.rb), and FEP-e232 `Link` tags for the other sources.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fediverse_hit.protocol.remix_sources import RemixSources, build_sources_fields
from fediverse_hit.protocol.vocab import REMIX_NOTE_CONTEXT

QUOTE_FIELDS = ("quote", "quoteUri", "_misskey_quote", "quoteUrl")
# FEP-e232: an object link's mediaType is the AS2 JSON-LD profile (Mastodon reads either form).
LINK_MEDIA_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@dataclass(frozen=True)
class RemixNote:
    """What a remix adds to its Note: the pinned sources and the page of the primary source (for
    the fallback link). The FEP-044f stamp is added by protocol/quote_consent.apply_quote_consent."""

    sources: RemixSources
    primary_url: str


def quote_inline_html(url: str) -> str:
    """The fallback paragraph naming the primary source, for readers that show no quotes."""
    escaped = html.escape(url, quote=True)
    return f'<p class="quote-inline">RE: <a href="{escaped}">{escaped}</a></p>'


def add_remix_fields(note: Mapping[str, Any], remix: RemixNote) -> dict[str, Any]:
    """A new dict: `note` (as built by notes.build_note, unsigned) made a remix of its sources."""
    primary = remix.sources.sources[0].object_id
    result = copy.deepcopy(dict(note))
    result["@context"] = copy.deepcopy(REMIX_NOTE_CONTEXT)
    fallback = quote_inline_html(remix.primary_url or primary)
    result["content"] = str(result.get("content") or "") + fallback
    if isinstance(result.get("contentMap"), dict):
        result["contentMap"] = {language: str(text) + fallback for language, text in result["contentMap"].items()}
    result["tag"] = [*result.get("tag", []), *(_link_tag(source.object_id) for source in remix.sources.sources[1:])]
    result.update(build_sources_fields(remix.sources))
    result.update(dict.fromkeys(QUOTE_FIELDS, primary))
    return result


def _link_tag(object_id: str) -> dict[str, str]:
    return {"type": "Link", "mediaType": LINK_MEDIA_TYPE, "href": object_id, "name": object_id}


def read_quote_target(document: Mapping[str, Any]) -> str | None:
    """The object a post quotes: `quote` (FEP-044f), else `quoteUri`, `_misskey_quote`, `quoteUrl`,
    in Mastodon's order (app/lib/activitypub/parser/status_parser.rb `quote_uri`); None for none."""
    for field in QUOTE_FIELDS:
        value = document.get(field)
        if isinstance(value, Mapping):
            value = value.get("id")
        if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
            return value
    return None
