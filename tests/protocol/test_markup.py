"""Rendering a local author's Markdown: Mastodon's hashtag and mention markup, escaping, linkifying.

Known answers: the markup of Mastodon's app/lib/text_formatter.rb (`link_to_hashtag`,
`link_to_mention`) as it appears in real Mastodon content (tests/fixtures/notes), with the
`target`/`rel` that Mastodon's own sanitizer config adds to every link.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fediverse_hit.protocol.markup import extract_mention_handles, render_markdown, title_html

NOTES = Path(__file__).resolve().parent.parent / "fixtures" / "notes"
LINK_ATTRS = 'target="_blank" rel="nofollow noopener"'
KNOWN = {"bob": "https://hit.example/@bob", "carol@other.example": "https://other.example/@carol"}


def tag_href(tag: str) -> str:
    return f"https://hit.example/tags/{tag.lower()}"


def render(source: str) -> str:
    return render_markdown(source, hashtag_href=tag_href, mention_href=KNOWN.get).html


def test_hashtag_markup_is_mastodons() -> None:
    assert render("Hello #Remix") == (
        '<p>Hello <a href="https://hit.example/tags/remix" class="mention hashtag" '
        f'{LINK_ATTRS}>#<span>Remix</span></a></p>'
    )


def test_mention_markup_is_mastodons() -> None:
    assert render("hi @carol@other.example") == (
        '<p>hi <span class="h-card" translate="no"><a href="https://other.example/@carol" '
        f'class="u-url mention" {LINK_ATTRS}>@<span>carol</span></a></span></p>'
    )


def test_hashtag_markup_matches_a_real_mastodon_post() -> None:
    # todon.eu's `#Fedify`, after the same sanitizer Mastodon applies when showing it.
    note = json.loads((NOTES / "mastodon-todon-video-note.json").read_text(encoding="utf-8"))
    real = '<a href="https://todon.eu/tags/Fedify" class="mention hashtag" rel="tag">#<span>Fedify</span></a>'
    assert real in note["content"]
    ours = render_markdown("#Fedify", hashtag_href=lambda tag: f"https://todon.eu/tags/{tag}",
                           mention_href=KNOWN.get).html
    expected = real.replace('rel="tag"', LINK_ATTRS)
    assert ours == f"<p>{expected}</p>"


def test_tags_and_mentions_are_collected_lower_cased_deduplicated_in_order() -> None:
    rendered = render_markdown(
        "#Zebra @Bob #apple #zebra @bob @nobody@nowhere.example",
        hashtag_href=tag_href, mention_href=KNOWN.get,
    )
    assert rendered.hashtags == ("zebra", "apple")
    assert rendered.mentions == ("bob",)  # only those mention_href resolved


def test_unresolved_mention_stays_plain_text() -> None:
    assert render("hi @nobody@nowhere.example") == "<p>hi @nobody@nowhere.example</p>"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("#2024", "a hashtag needs a letter (Mastodon's HASHTAG_LAST_SEQUENCE)"),
        ("https://x.example/#anchor", "a fragment in a URL"),
        ("a#b", "after a word character"),
        ("=#b", "after `=`"),
        ("`#code`", "inside a code span"),
        ("    #indented code", "inside a code block"),
        ("[#linked](https://x.example/)", "inside a link"),
    ],
)
def test_not_a_hashtag(source: str, why: str) -> None:
    rendered = render_markdown(source, hashtag_href=tag_href, mention_href=KNOWN.get)
    assert rendered.hashtags == (), why
    assert "mention hashtag" not in rendered.html, why


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("mail@bob", "after a word character (an address, not a mention)"),
        ("`@bob`", "inside a code span"),
        ("[@bob](https://x.example/)", "inside a link"),
    ],
)
def test_not_a_mention(source: str, why: str) -> None:
    assert extract_mention_handles(source) == (), why
    assert render_markdown(source, hashtag_href=tag_href, mention_href=KNOWN.get).mentions == (), why


def test_extract_mention_handles_for_webfinger() -> None:
    source = "@Bob and @carol@other.example, also @dave@loopback.example:8001. `@skip` @bob"
    assert extract_mention_handles(source) == ("bob", "carol@other.example", "dave@loopback.example:8001")


def test_raw_html_in_markdown_is_escaped() -> None:
    assert render('<script>alert(1)</script> <img src=x onerror="alert(2)">') == (
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror="alert(2)"&gt;</p>'
    )


def test_markdown_javascript_link_loses_its_href() -> None:
    # markdown-it refuses javascript: itself; the sanitizer would drop it anyway.
    assert "href" not in render("[click](javascript:alert(1))")
    assert "href" not in render("[click](java%09script:alert(1))")
    assert "href" not in render("[click](data:text/html;base64,PHNjcmlwdD4=)")


def test_hostile_hashtag_href_is_escaped_then_sanitized() -> None:
    rendered = render_markdown("#tag", hashtag_href=lambda tag: 'javascript:x" onclick="y',
                               mention_href=KNOWN.get)
    assert "javascript" not in rendered.html and "onclick" not in rendered.html


def test_bare_urls_are_linkified() -> None:
    assert render("see https://example.org/a?b=c") == (
        f'<p>see <a href="https://example.org/a?b=c" {LINK_ATTRS}>https://example.org/a?b=c</a></p>'
    )


def test_markdown_formatting_is_rendered() -> None:
    assert render("**bold** _it_ ~~gone~~\nnext line\n\n- one\n- two") == (
        "<p><strong>bold</strong> <em>it</em> <s>gone</s><br>\nnext line</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )


def test_title_html_escapes_the_title() -> None:
    assert title_html("Rain & <Thunder>") == "<p><strong>Rain &amp; &lt;Thunder&gt;</strong></p>"
