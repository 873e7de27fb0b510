"""A contribution's first words as plain text, for places that show a work in brief (notification
lines, text tiles on the front page)."""

from __future__ import annotations

from fediverse_hit.protocol.html_sanitizing import html_to_text

EXCERPT_CHARACTERS = 200


def excerpt_of(content_html: str, limit: int = EXCERPT_CHARACTERS) -> str:
    """Up to `limit` characters of the text, cut at a word and marked with "…" when cut."""
    text = " ".join(html_to_text(content_html).split())
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0][:limit] + "…"  # a word ending right at the limit stays whole
