"""Remote documents with oversized fields: what is kept of each is cut to its documented cap
(docs/federation.md, "Limits"), and the document is still read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fediverse_hit.protocol.actor_parsing import parse_actor
from fediverse_hit.protocol.html_sanitizing import html_to_text, sanitize_html
from fediverse_hit.protocol.notes import parse_note

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon"
MEGABYTE = 1_000_000


def mastodon_actor() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (FIXTURES / "mastodon.social-users-bastianallgeier.json").read_text(encoding="utf-8")
    )
    return document


def test_actor_with_a_megabyte_name_and_summary_keeps_the_caps() -> None:
    document = mastodon_actor() | {"name": "n" * MEGABYTE, "summary": "<p>" * (MEGABYTE // 3)}
    actor = parse_actor(document)
    assert (len(actor.name), len(actor.summary)) == (255, 10_000)


def test_actor_with_ten_thousand_profile_fields_keeps_sixteen_cut_to_size() -> None:
    field = {"type": "PropertyValue", "name": "n" * 1_000, "value": "v" * 10_000}
    actor = parse_actor(mastodon_actor() | {"attachment": [field] * 10_000})
    assert len(actor.profile_fields) == 16
    assert {(len(name), len(value)) for name, value in actor.profile_fields} == {(255, 2_047)}


def test_note_summary_is_cut_to_the_content_warning_cap() -> None:
    note = {"id": "https://evil.example/n/1", "type": "Note", "attributedTo": "https://evil.example/u/e",
            "content": "x", "summary": "w" * MEGABYTE}
    summary = parse_note(note).summary
    assert summary is not None and len(summary) == 1_500


def test_hashtags_mentions_and_links_beyond_their_caps_are_dropped() -> None:
    def tags(kind: str, count: int) -> list[dict[str, str]]:
        return [{"type": kind, "name": f"#t{n}", "href": f"https://evil.example/{kind}/{n}"} for n in range(count)]

    note = {"id": "https://evil.example/n/1", "type": "Note", "attributedTo": "https://evil.example/u/e",
            "content": "x", "tag": tags("Hashtag", 100) + tags("Mention", 200) + tags("Link", 50)}
    kinds = [tag.kind for tag in parse_note(note).tags]
    assert (kinds.count("Hashtag"), kinds.count("Mention"), kinds.count("Link")) == (60, 100, 20)


def test_a_hashtag_longer_than_its_column_is_dropped_not_cut() -> None:
    note = {"id": "https://evil.example/n/1", "type": "Note", "attributedTo": "https://evil.example/u/e",
            "content": "x", "tag": [{"type": "Hashtag", "name": "#" + "a" * 101, "href": "https://evil.example/t"},
                                    {"type": "Hashtag", "name": "#" + "a" * 100, "href": "https://evil.example/t"}]}
    assert [len(tag.name) for tag in parse_note(note).tags] == [101]


def test_attachments_beyond_eight_are_dropped_and_alt_text_is_cut() -> None:
    document = {"type": "Document", "mediaType": "image/png", "url": "https://evil.example/a.png", "name": "a" * 5_000}
    note = {"id": "https://evil.example/n/1", "type": "Note", "attributedTo": "https://evil.example/u/e",
            "content": "x", "attachment": [document] * 10_000}
    attachments = parse_note(note).attachments
    assert len(attachments) == 8
    assert {len(attachment.description) for attachment in attachments} == {1_500}


def test_markup_nested_past_the_cap_keeps_its_text() -> None:
    """Hostile: 100 nested blockquotes; the 33rd and deeper are dropped, the words stay."""
    cleaned = sanitize_html("<blockquote>word " * 100)
    assert cleaned.count("<blockquote>") == 32
    assert cleaned.count("word") == 100


def test_a_tag_cut_off_by_the_end_of_the_input_is_dropped() -> None:
    assert sanitize_html('<p>kept</p><a href="https://x.example/') == "<p>kept</p>"
    assert html_to_text("kept<!-- never closed <p>gone") == "kept"


def test_raw_text_elements_hide_markup_until_their_own_end_tag() -> None:
    assert sanitize_html("<p>a<script>'</p><b>'</script>b</p>") == "<p>ab</p>"
    assert html_to_text("a<textarea><p>x</p></textarea>b") == "ab"
