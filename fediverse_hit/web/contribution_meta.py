"""The `<head>` of a work page: OpenGraph (https://ogp.me/), Twitter/X cards, `fediverse:creator`.

Follows Mastodon's `app/views/statuses/_og_image.html.haml`: sensitive media is left out of
previews, images make a `summary_large_image` card, audio and video a `player` card whose
`twitter:player` is our embeddable player page.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.protocol.html_sanitizing import html_to_text

MAX_DESCRIPTION = 300
DEFAULT_PLAYER = (640, 360)
OG_TYPES = {"audio": "music.song", "video": "video.other"}

MetaTag = tuple[str, str, str]  # (attribute: "property" or "name", key, content)


def describe(card: dict[str, Any]) -> str:
    """A plain-text description: the content warning when there is one, else the text, shortened."""
    if card["summary"]:
        return f"Content warning: {card['summary']}"
    text = " ".join(html_to_text(str(card["content_html"])).split())
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1].rstrip() + "…"


def _image_tags(item: dict[str, Any]) -> list[MetaTag]:
    tags: list[MetaTag] = [("property", "og:image", item["url"]), ("property", "og:image:type", item["media_type"])]
    if item["width"] and item["height"]:
        tags.append(("property", "og:image:width", str(item["width"])))
        tags.append(("property", "og:image:height", str(item["height"])))
    tags += [("property", "og:image:alt", item["alt"]), ("name", "twitter:image:alt", item["alt"])]
    return tags


def _player_tags(item: dict[str, Any], embed_url: str) -> list[MetaTag]:
    kind = item["kind"]  # "audio" or "video": og:audio / og:video
    sized = kind == "video" and item["width"] and item["height"]
    width, height = (item["width"], item["height"]) if sized else DEFAULT_PLAYER
    tags: list[MetaTag] = [
        ("property", f"og:{kind}", item["url"]),
        ("property", f"og:{kind}:type", item["media_type"]),
        ("name", "twitter:player", embed_url),
        ("name", "twitter:player:width", str(width)),
        ("name", "twitter:player:height", str(height)),
        ("name", "twitter:player:stream", item["url"]),
        ("name", "twitter:player:stream:content_type", item["media_type"]),
    ]
    if item["poster_url"]:
        tags.append(("property", "og:image", item["poster_url"]))
    return tags


def _media_tags(card: dict[str, Any], embed_url: str) -> tuple[str, list[MetaTag]]:
    """The twitter:card kind and the media tags (none when the media is sensitive)."""
    if card["sensitive"] or not card["attachments"]:
        return "summary", []
    playable = [item for item in card["attachments"] if item["kind"] in ("audio", "video")]
    if playable:
        return "player", _player_tags(playable[0], embed_url)
    images = [item for item in card["attachments"] if item["kind"] == "image"]
    tags = [tag for item in images for tag in _image_tags(item)]
    return ("summary_large_image", tags) if tags else ("summary", [])


def page_meta(card: dict[str, Any], embed_url: str, site_name: str) -> list[MetaTag]:
    """Every `<meta>` of the work page of `card` (see web/contribution_cards.py)."""
    title = card["title"] or card["label"]
    description = describe(card)
    playable = any(item["kind"] in ("audio", "video") for item in card["attachments"])
    og_type = OG_TYPES.get(card["kind"], "article") if playable and not card["sensitive"] else "article"
    card_kind, media = _media_tags(card, embed_url)
    return [
        ("name", "description", description),
        ("property", "og:site_name", site_name),
        ("property", "og:type", og_type),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", card["page_url"]),
        ("property", "article:published_time", card["published"].isoformat()),
        *media,
        ("name", "twitter:card", card_kind),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "fediverse:creator", card["author"]["handle"]),
    ]
