"""Remote HTML split into tokens in one forward pass (https://html.spec.whatwg.org/#tokenization).

Tags, end tags, comments, bogus comments and raw-text elements follow the WHATWG tokenizer closely
enough for sanitizing and text extraction; comments are dropped, and a tag or comment cut off by
the end of the input is dropped, as the spec does. Every step consumes what it scans, so the work
is linear in the input: CPython's `html.parser` scans to the end of the input again for each
unclosed `<a ` or `<!--`, which made a 64 KB name take 50 seconds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import NamedTuple

MAX_ATTRIBUTES = 32  # per tag; the rest are read past (a real tag has a handful)

# Raw text and RCDATA elements: their content is text up to their own end tag, never markup.
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}(?=[\s/>]|\Z)", re.IGNORECASE)
    for name in ("script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title")
}
_TEXT = re.compile(r"[^<]+")
_TAG_NAME = re.compile(r"[a-zA-Z][^\s/>\x00]*")
_GAP = re.compile(r"[\s/]*")
_SPACES = re.compile(r"\s*")
_ATTRIBUTE_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_COMMENT_END = re.compile(r"--!?>")
# The shape nearly every real tag has, read in one match; anything else takes the general path.
# Possessive quantifiers: on a mismatch nothing is tried again, so a failed match costs what it read.
_SIMPLE_TAG = re.compile(
    r"""<(/?+)([a-zA-Z][a-zA-Z0-9]*+)((?:\s++[a-zA-Z_:][-a-zA-Z0-9_:.]*+"""
    r"""(?:\s*+=\s*+(?:"[^"<>]*+"|'[^'<>]*+'|[^\s"'<>=`]++))?+)*+)\s*+(/?+)>"""
)
_SIMPLE_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*+)(?:\s*+=\s*+(?:"([^"<>]*+)"|'([^'<>]*+)'|([^\s"'<>=`]++)))?+"""
)


class Token(NamedTuple):
    """`kind` is "text" (`data` decoded), "start" or "end" (`name` lower-cased)."""

    kind: str
    name: str = ""
    data: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    self_closing: bool = False


def iter_tokens(source: str) -> Iterator[Token]:
    """The text and tags of `source`, in order, with character references decoded."""
    position, end = 0, len(source)
    while position < end:
        if source[position] != "<":
            text = _TEXT.match(source, position)
            assert text is not None  # source[position] is not "<"
            position = text.end()
            yield Token("text", data=html.unescape(text.group()))
            continue
        token: Token | None
        simple = _SIMPLE_TAG.match(source, position)
        if simple is not None:
            token, position = _simple_tag(simple), simple.end()
        else:
            token, position = _markup(source, position)
        if token is None:
            continue
        yield token
        if token.kind == "start" and token.name == "plaintext":
            return  # everything after <plaintext> is its text, which nobody keeps
        if token.kind == "start" and token.name in _RAW_TEXT_END:
            closing = _RAW_TEXT_END[token.name].search(source, position)
            position = end if closing is None else closing.start()


def _simple_tag(match: re.Match[str]) -> Token:
    closing, name, attribute_text, self_closing = match.groups()
    attributes: dict[str, str] = {}
    for attribute in _SIMPLE_ATTRIBUTE.finditer(attribute_text):
        if len(attributes) == MAX_ATTRIBUTES:
            break
        key, *values = attribute.groups()
        value = next((value for value in values if value is not None), "")
        attributes.setdefault(key.lower(), html.unescape(value) if "&" in value else value)
    kind = "end" if closing else "start"
    return Token(kind, name.lower(), attributes=tuple(attributes.items()), self_closing=bool(self_closing))


def _markup(source: str, position: int) -> tuple[Token | None, int]:
    """The token starting at the `<` at `position`, and where the next one starts."""
    following = source[position + 1:position + 2]
    if following == "!":
        return None, _declaration_end(source, position + 2)
    if following == "?":
        return None, _bogus_comment_end(source, position + 2)
    closing = following == "/"
    name = _TAG_NAME.match(source, position + 2 if closing else position + 1)
    if name is None:
        if closing:  # `</>` is nothing; `</ x>` a bogus comment
            return None, position + 3 if source.startswith(">", position + 2) else _bogus_comment_end(source, position + 2)
        return Token("text", data="<"), position + 1
    tag = _tag(source, name.end())
    if tag is None:
        return None, len(source)  # the input ends inside the tag
    attributes, self_closing, after = tag
    kind = "end" if closing else "start"
    return Token(kind, name.group().lower(), attributes=attributes, self_closing=self_closing), after


def _tag(source: str, position: int) -> tuple[tuple[tuple[str, str], ...], bool, int] | None:
    """The attributes of a tag whose name ends at `position`, whether it ends in `/>`, and where
    it ends; None when the input ends first."""
    attributes: dict[str, str] = {}
    end = len(source)
    while True:
        gap = _GAP.match(source, position)
        assert gap is not None  # it matches the empty string
        position = gap.end()
        if position >= end:
            return None
        if source[position] == ">":
            return tuple(attributes.items()), source[position - 1] == "/", position + 1
        name = _ATTRIBUTE_NAME.match(source, position)
        assert name is not None  # source[position] is not a space, "/" or ">"
        position = _SPACES.match(source, name.end()).end()  # type: ignore[union-attr]
        value = ""
        if source.startswith("=", position):
            value_at = _SPACES.match(source, position + 1).end()  # type: ignore[union-attr]
            parsed = _attribute_value(source, value_at)
            if parsed is None:
                return None
            value, position = parsed
        if len(attributes) < MAX_ATTRIBUTES:
            attributes.setdefault(name.group().lower(), html.unescape(value))  # the first one wins


def _attribute_value(source: str, position: int) -> tuple[str, int] | None:
    if position >= len(source):
        return None
    quote = source[position]
    if quote in "\"'":
        closing = source.find(quote, position + 1)
        return None if closing < 0 else (source[position + 1:closing], closing + 1)
    unquoted = _UNQUOTED_VALUE.match(source, position)
    assert unquoted is not None  # it matches the empty string
    return unquoted.group(), unquoted.end()


def _declaration_end(source: str, position: int) -> int:
    """Past a comment (`<!--`) or any other `<!…>` (DOCTYPE, CDATA: bogus comments in HTML)."""
    if not source.startswith("--", position):
        return _bogus_comment_end(source, position)
    if source.startswith(">", position + 2):
        return position + 3  # `<!-->`
    if source.startswith("->", position + 2):
        return position + 4  # `<!--->`
    closing = _COMMENT_END.search(source, position + 2)
    return len(source) if closing is None else closing.end()


def _bogus_comment_end(source: str, position: int) -> int:
    closing = source.find(">", position)
    return len(source) if closing < 0 else closing + 1
