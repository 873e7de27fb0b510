"""HTML from other servers and from our own users, reduced to Mastodon's allowed set (DESIGN §8).

The allow-list is Mastodon's `Sanitize::Config::MASTODON_STRICT` (lib/sanitize_ext/sanitize_config.rb)
translated to nh3 (ammonia); `html_to_text` makes the plain text of titles, previews and snippets.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_ELEMENTS = frozenset(
    "p br span a del s pre blockquote code b strong u i em ul ol li ruby rt rp".split()
)
_ATTRIBUTES = {
    "*": {"lang"},
    "a": {"href", "class"},  # `rel` is ours alone (link_rel below), as Mastodon's add_attributes
    "span": {"class"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "p": {"class"},
}
# Mastodon's TRANSLATE_TRANSFORMER keeps `translate` only when it says "no".
_ONLY_TRANSLATE_NO = {"a": {"translate": {"no"}}, "span": {"translate": {"no"}}}
_LINK_PROTOCOLS = frozenset(
    "http https dat dweb ipfs ipns ssb gopher xmpp magnet gemini".split()
)
# Removed with everything inside them, not just unwrapped: their text is code or markup, not prose.
_DROPPED_WITH_CONTENT = frozenset(
    "script style iframe object embed noscript noembed noframes template textarea title xmp"
    " select option svg math head frameset plaintext".split()
)
# Mastodon's ALLOWED_CLASS_TRANSFORMER: microformats, semantic and link-formatting classes.
_ALLOWED_CLASS = re.compile(r"(?:h|p|u|dt|e)-.*|mention|hashtag|ellipsis|invisible|quote-inline")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")  # the WHATWG URL parser drops these, so must we


# Mastodon's UNSUPPORTED_ELEMENTS_TRANSFORMER shows a heading as a bold paragraph. Rewriting the
# tags textually is safe here because the result is sanitized right after.
_HEADING_OPEN = re.compile(r"<h[1-6](?=[\s/>])[^>]*>", re.IGNORECASE)
_HEADING_CLOSE = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """`html` with only Mastodon's allowed elements, attributes, classes and link schemes left."""
    html = _HEADING_CLOSE.sub("</strong></p>", _HEADING_OPEN.sub("<p><strong>", html))
    return nh3.clean(
        html,
        tags=set(_ELEMENTS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        link_rel="nofollow noopener",
        tag_attribute_values=_ONLY_TRANSLATE_NO,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes=set(_LINK_PROTOCOLS),
        url_relative="deny",
        strip_comments=True,
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [name for name in value.split() if _ALLOWED_CLASS.fullmatch(name)]
        return " ".join(kept) or None
    if attribute == "href":
        match = _SCHEME.match(_URL_NOISE.sub("", value).strip())
        if match is None or match.group(1).lower() not in _LINK_PROTOCOLS:
            return None  # relative or unsupported: Mastodon turns such a link into its text
    return value


class _TextCollector(HTMLParser):
    """Collects text, with line breaks where <br>, <p> and list items break lines."""

    _BREAKS = frozenset({"br", "p", "li", "blockquote", "pre", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self._skipping += 1
            return
        self._preformatted += tag == "pre"
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self._skipping = max(0, self._skipping - 1)
            return
        self._preformatted = max(0, self._preformatted - (tag == "pre"))
        if tag in self._BREAKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Outside <pre>, a newline in the source is just a space, as a browser shows it.
            self.parts.append(data if self._preformatted else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, one newline per line break,
    runs of spaces collapsed, at most one blank line in a row, no leading/trailing blank."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts)  # convert_charrefs=True has decoded the entities, once
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
