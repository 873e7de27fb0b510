"""A local author's Markdown rendered to the HTML we publish, with Mastodon's hashtag and mention markup.

CommonMark via markdown-it-py with raw HTML off and bare URLs linkified; hashtags and mentions
follow Mastodon's app/lib/text_formatter.rb, app/models/tag.rb (HASHTAG_RE) and
app/models/account.rb (MENTION_RE). The result is passed through `sanitize_html` last.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from fediverse_hit.protocol.html_sanitizing import sanitize_html

# Mastodon's HASHTAG_RE, simplified to letters, digits and underscore: not after `=`, `/`, `)` or
# a word character, and at least one letter (`#2024` is not a hashtag).
_HASHTAG = r"(?<![=/)\w])#(?P<tag>\w*[^\W\d_]\w*)"
# Mastodon's MENTION_RE (USERNAME_RE, then an optional domain). We also accept a `:port` after
# the domain, which Mastodon does not, so that instances on loopback ports can mention each other.
_MENTION = (
    r"(?<![=/\w])@(?P<handle>(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)"
    r"(?:@\w+(?:[.-]+\w+)*(?::\d{1,5})?)?)"
)
_ENTITY = re.compile(f"{_HASHTAG}|{_MENTION}", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedMarkup:
    """Published HTML, and the hashtags and resolved mentions found in it (lower-cased, in order)."""

    html: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]


def _markdown() -> MarkdownIt:
    # `breaks`: a newline is a line break, as in a Mastodon post written in plain text.
    options = {"html": False, "linkify": True, "breaks": True}
    md = MarkdownIt("commonmark", options).enable(["linkify", "strikethrough"])
    assert md.linkify is not None  # enabled by the `linkify` option with linkify-it installed
    md.linkify.set({"fuzzy_email": False})  # `@alice@example.org` is a mention, not an e-mail link
    return md


_MD = _markdown()


def title_html(title: str) -> str:
    """A contribution's title as the first paragraph of its `content` (DESIGN §7)."""
    return f"<p><strong>{html.escape(title, quote=False)}</strong></p>"


def extract_mention_handles(source: str) -> tuple[str, ...]:
    """Every `@user` / `@user@host` written outside code and links, lower-cased, deduplicated,
    so the caller can resolve them (WebFinger) before rendering."""
    handles: dict[str, None] = {}
    for token in _prose_text_tokens(_MD.parse(source)):
        for match in _ENTITY.finditer(token.content):
            if match.group("handle"):
                handles[match.group("handle").lower()] = None
    return tuple(handles)


def render_markdown(
    source: str,
    *,
    hashtag_href: Callable[[str], str],
    mention_href: Callable[[str], str | None],
) -> RenderedMarkup:
    """Markdown → sanitized HTML; `mention_href(handle)` gives a profile URL, or None to leave it as text."""
    tokens = _MD.parse(source)
    hashtags: dict[str, None] = {}
    mentions: dict[str, None] = {}

    def replace(match: re.Match[str]) -> str | None:
        if match.group("tag"):
            tag = match.group("tag")
            hashtags[tag.lower()] = None
            return _hashtag_link(tag, hashtag_href(tag))
        url = mention_href(match.group("handle").lower())
        if url is None:
            return None
        mentions[match.group("handle").lower()] = None
        return _mention_link(match.group("user"), url)

    for inline in tokens:
        if inline.type == "inline" and inline.children:
            inline.children = list(_rewrite_children(inline.children, replace))
    rendered = _MD.renderer.render(tokens, _MD.options, {})
    return RenderedMarkup(sanitize_html(rendered).strip(), tuple(hashtags), tuple(mentions))


def _hashtag_link(tag: str, href: str) -> str:
    return (
        f'<a href="{html.escape(href)}" class="mention hashtag" rel="tag">'
        f"#<span>{html.escape(tag)}</span></a>"
    )


def _mention_link(user: str, href: str) -> str:
    return (
        f'<span class="h-card" translate="no"><a href="{html.escape(href)}" class="u-url mention">'
        f"@<span>{html.escape(user)}</span></a></span>"
    )


def _prose_text_tokens(tokens: list[Token]) -> Iterator[Token]:
    """Text tokens outside links (code spans and blocks are never `text` tokens)."""
    for inline in (token for token in tokens if token.type == "inline" and token.children):
        depth = 0
        for child in inline.children or []:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and depth == 0:
                yield child


def _rewrite_children(
    children: list[Token], replace: Callable[[re.Match[str]], str | None]
) -> Iterator[Token]:
    depth = 0
    for child in children:
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type != "text" or depth != 0:
            yield child
            continue
        position = 0
        for match in _ENTITY.finditer(child.content):
            markup = replace(match)
            if markup is None:
                continue
            yield _token("text", child.content[position:match.start()])
            yield _token("html_inline", markup)
            position = match.end()
        yield _token("text", child.content[position:])


def _token(kind: str, content: str) -> Token:
    return Token(kind, "", 0, content=content)
