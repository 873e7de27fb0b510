"""HTML from other servers and from our own users, reduced to Mastodon's allowed set (DESIGN §8).

The allow-list is Mastodon's `Sanitize::Config::MASTODON_STRICT` (lib/sanitize_ext/sanitize_config.rb)
translated to nh3 (ammonia); `html_to_text` makes the plain text of titles, previews and snippets.
Both read the input once with our linear tokenizer (protocol/html_tokens.py). nh3 only ever sees
`shape_html`'s output: allowed elements, balanced, at most MAX_OPEN_ELEMENTS deep, because
html5ever's tree building costs the depth of the open elements for each tag (1 MB of `<ul><li>`
took minutes) and a heading regex used to rescan unclosed `<h1 ` to the end of the input.
"""

from __future__ import annotations

import re
from html import escape

import nh3

from fediverse_hit.protocol.html_tokens import Token, iter_tokens

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
_DROPPED_VOID = frozenset({"embed"})
_IGNORED_IN_BODY = frozenset({"head", "frameset"})  # html5ever ignores these tags in a body: text stays
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Starting one of these closes an open <p> (the spec's "close a p element"); <li> also closes an
# open <li> unless a list or block between them holds it.
_CLOSES_P = frozenset({"p", "ul", "ol", "blockquote", "pre", "li"}) | _HEADINGS
_HOLDS_LI = frozenset({"ul", "ol", "blockquote", "pre"})
_PASSED_ATTRIBUTES = frozenset({"lang", "href", "class", "start", "reversed", "value", "translate"})
MAX_OPEN_ELEMENTS = 32  # deeper start tags are dropped (their text stays); browsers allow 512
# Mastodon's ALLOWED_CLASS_TRANSFORMER: microformats, semantic and link-formatting classes.
_ALLOWED_CLASS = re.compile(r"(?:h|p|u|dt|e)-.*|mention|hashtag|ellipsis|invisible|quote-inline")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")  # the WHATWG URL parser drops these, so must we


def sanitize_html(html: str) -> str:
    """`html` with only Mastodon's allowed elements, attributes, classes and link schemes left."""
    return nh3.clean(
        shape_html(html),
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




def shape_html(html: str) -> str:
    """`html` as balanced markup of the allowed elements only, at most MAX_OPEN_ELEMENTS deep, text
    escaped; headings become `<p><strong>` (Mastodon's UNSUPPORTED_ELEMENTS_TRANSFORMER)."""
    shaper = _Shaper()
    for token in iter_tokens(html):
        shaper.take(token)
    shaper.close_all()
    return "".join(shaper.parts)


class _Shaper:
    """A tree builder reduced to what the allow-list needs, over a bounded stack of open elements."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.open: list[str] = []
        self.skipping = 0  # inside an element dropped with its content

    def take(self, token: Token) -> None:
        if self.skipping:
            self._skip(token)
        elif token.kind == "text":
            self.parts.append(escape(token.data, quote=False))
        elif token.kind == "start":
            self._start(token)
        else:
            self._end(token.name)

    def close_all(self) -> None:
        self._close_through(0)

    def _skip(self, token: Token) -> None:
        if token.name in _DROPPED_WITH_CONTENT and token.name not in _DROPPED_VOID:
            self.skipping += {"start": 1, "end": -1}.get(token.kind, 0)

    def _start(self, token: Token) -> None:
        name = token.name
        if name in _DROPPED_WITH_CONTENT and name not in _IGNORED_IN_BODY:
            self.skipping += not (name in _DROPPED_VOID or _closes_itself(token))
            return
        if name == "br":
            self.parts.append("<br>")
            return
        if name not in _ELEMENTS and name not in _HEADINGS:
            return  # unwrapped: its text stays
        self._close_implied(name)
        if len(self.open) + (name in _HEADINGS) >= MAX_OPEN_ELEMENTS:
            return
        self.open.append(name)
        if name in _HEADINGS:
            self.parts.append("<p><strong>")
            return
        attributes = "".join(
            f' {key}="{escape(value)}"' for key, value in token.attributes if key in _PASSED_ATTRIBUTES
        )
        self.parts.append(f"<{name}{attributes}>")

    def _close_implied(self, name: str) -> None:
        if name in _CLOSES_P and "p" in self.open:
            self._close_through(_last_index(self.open, "p"))
        if name == "li":
            for index in range(len(self.open) - 1, -1, -1):
                if self.open[index] in _HOLDS_LI:
                    break
                if self.open[index] == "li":
                    self._close_through(index)
                    break
        if name in _HEADINGS and self.open and self.open[-1] in _HEADINGS:
            self._close_through(len(self.open) - 1)  # headings do not nest
        if name == "a" and "a" in self.open:
            self._close_through(_last_index(self.open, "a"))  # nor do links

    def _end(self, name: str) -> None:
        if name == "br":
            self.parts.append("<br>")  # `</br>` is a line break in HTML
        elif name == "p" and "p" not in self.open:
            self.parts.append("<p></p>")  # as the spec does for a stray `</p>`
        elif name in _HEADINGS:
            headings = [index for index, open_name in enumerate(self.open) if open_name in _HEADINGS]
            if headings:
                self._close_through(headings[-1])
        elif name in self.open:
            self._close_through(_last_index(self.open, name))

    def _close_through(self, index: int) -> None:
        """Close the open elements from the innermost down to `index`, inclusive."""
        while len(self.open) > index:
            name = self.open.pop()
            self.parts.append("</strong></p>" if name in _HEADINGS else f"</{name}>")


def _closes_itself(token: Token) -> bool:
    """`<svg/>` and `<math/>` are empty: only foreign elements honour `/>` (`<script/>` still opens)."""
    return token.self_closing and token.name in ("svg", "math")


def _last_index(names: list[str], name: str) -> int:
    return len(names) - 1 - names[::-1].index(name)


_BREAKS = frozenset({"br", "p", "li", "blockquote", "pre", "div", "tr"}) | _HEADINGS


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, one newline per line break,
    runs of spaces collapsed, at most one blank line in a row, no leading/trailing blank."""
    parts: list[str] = []
    skipping = preformatted = 0
    for token in iter_tokens(html):
        name = token.name
        if name in _DROPPED_WITH_CONTENT and name not in _DROPPED_VOID:
            if not _closes_itself(token):
                skipping = max(0, skipping + {"start": 1, "end": -1}[token.kind])
        elif skipping:
            continue
        elif token.kind == "text":
            # Outside <pre>, a newline in the source is just a space, as a browser shows it.
            parts.append(token.data if preformatted else re.sub(r"\s+", " ", token.data))
        else:
            closing = token.kind == "end"
            preformatted = max(0, preformatted + (name == "pre") * (-1 if closing else 1))
            if name in _BREAKS and not (closing and name == "br"):
                parts.append("\n")
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
