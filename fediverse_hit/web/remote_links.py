"""Links inside a remote work's (already sanitized) HTML pointed at our own pages: a hashtag to
`/tags/{name}`, a mention to `/@user@host`, so a reader stays on their server (DESIGN §8).

Mastodon, GoToSocial, Pixelfed and Misskey mark them the same way (microformats, kept by our
sanitizer): `<a class="mention hashtag" …>#<span>tag</span></a>` and
`<a class="u-url mention" href="https://host/@user">@<span>user</span></a>`. Every other link is
left as it is. The input is nh3's serialization: attributes double-quoted, no nested anchors.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

_ANCHOR = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.DOTALL)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_MARKUP = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"#([^\W]{1,100})")
_USER_NAME = re.compile(r"@([a-zA-Z0-9_.-]{1,255})(?:@[^@\s]+)?")


def localize_links(html: str) -> Markup:
    """`html` (sanitized) with hashtag and mention links leading to our pages."""
    return Markup(_ANCHOR.sub(_localize, html))


def _localize(match: re.Match[str]) -> str:
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    classes = attributes.get("class", "").split()
    text = _MARKUP.sub("", match.group(2))
    href = ""
    if "hashtag" in classes and (tag := _TAG_NAME.fullmatch(text.strip())):
        href = "/tags/" + quote(tag.group(1).lower())
    elif "mention" in classes and (user := _USER_NAME.fullmatch(text.strip())):
        host = urlsplit(attributes.get("href", "")).netloc
        href = f"/@{quote(user.group(1))}@{quote(host, safe=':')}" if host else ""
    if not href:
        return match.group(0)
    return f'<a href="{escape(href)}" class="{escape(" ".join(classes))}">{match.group(2)}</a>'
