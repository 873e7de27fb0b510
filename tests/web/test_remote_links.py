"""Hashtag and mention links in remote works lead to our own pages; other links stay as they are."""

from __future__ import annotations

from fediverse_hit.protocol.html_sanitizing import sanitize_html
from fediverse_hit.web.remote_links import localize_links

# As Mastodon publishes them (app/lib/text_formatter.rb), then through our sanitizer.
MASTODON_HTML = (
    '<p>Hello <span class="h-card" translate="no"><a href="https://mastodon.social/@Gargron" class="u-url mention">'
    '@<span>Gargron</span></a></span> <a href="https://mastodon.social/tags/Fediverse" class="mention hashtag" rel="tag">'
    '#<span>Fediverse</span></a> <a href="https://example.org/page">a page</a></p>'
)


def test_mastodon_hashtags_and_mentions_lead_here() -> None:
    html = str(localize_links(sanitize_html(MASTODON_HTML)))
    assert '<a href="/tags/fediverse" class="mention hashtag">#<span>Fediverse</span></a>' in html
    assert '<a href="/@Gargron@mastodon.social" class="u-url mention">@<span>Gargron</span></a>' in html
    assert 'href="https://example.org/page"' in html


def test_links_that_only_look_like_tags_are_left_alone() -> None:
    # Tried: a "hashtag" whose text is no tag, and a "mention" whose text is no name.
    html = sanitize_html(
        '<p><a href="https://evil.example/x" class="hashtag">click &quot;here&quot;</a>'
        '<a href="https://evil.example/y" class="mention">@a b</a></p>'
    )
    assert str(localize_links(html)) == html
