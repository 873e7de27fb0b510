"""What changed between kept versions: text diffs, file changes, and versions that change nothing
a reader sees (a remix getting its quote stamp) which are not edits."""

from __future__ import annotations

import json
from typing import Any

from fediverse_hit.services.edit_history import DiffLine, VersionFile, build_history, last_visible_edit

BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
BY = "https://creativecommons.org/licenses/by/4.0/"


def note(content: str, *, updated: str | None = None, files: list[tuple[str, str]] = (), **extra: Any) -> str:
    document: dict[str, Any] = {
        "id": "https://hit.example/contributions/1", "type": "Note", "attributedTo": "https://hit.example/users/a",
        "published": "2026-12-01T10:00:00Z", "content": content, "license": BY_SA,
        "attachment": [{"type": "Document", "mediaType": "image/png", "url": url, "name": alt} for url, alt in files],
        **extra,
    }
    if updated:
        document["updated"] = updated
    return json.dumps(document)


def test_a_text_edit_is_a_line_diff() -> None:
    rows = [(1, note("<p>First line</p><p>Old words</p>")),
            (2, note("<p>First line</p><p>New words</p>", updated="2026-12-02T10:00:00Z"))]
    history = build_history(rows)
    assert [entry.version.number for entry in history] == [1, 2] and history[0].changes is None
    changes = history[1].changes
    assert changes is not None and changes.text == (
        DiffLine("same", "First line"), DiffLine("same", ""), DiffLine("removed", "Old words"), DiffLine("added", "New words"),
    )
    assert changes.title is None and changes.licence is None


def test_files_added_removed_and_described_are_named() -> None:
    rows = [(1, note("<p>Pictures</p>", files=[("https://hit.example/media/a", "A cat"), ("https://hit.example/media/b", "A dog")])),
            (2, note("<p>Pictures</p>", updated="2026-12-02T10:00:00Z", license=BY,
                     files=[("https://hit.example/media/a", "A sleeping cat"), ("https://hit.example/media/c", "A bird")]))]
    changes = build_history(rows)[1].changes
    assert changes is not None and changes.text == ()
    assert changes.files_added == (VersionFile("image", "https://hit.example/media/c", "A bird"),)
    assert changes.files_removed == (VersionFile("image", "https://hit.example/media/b", "A dog"),)
    assert changes.files_described == (VersionFile("image", "https://hit.example/media/a", "A sleeping cat"),)
    assert changes.licence == ("CC BY-SA 4.0", "CC BY 4.0")


def test_a_quote_stamp_alone_is_not_an_edit() -> None:
    """What is tried: version 2 of a remix differs only by its `quoteAuthorization` and `updated`
    (consent arrived); its `RE:` fallback line is in both."""
    body = '<p>My remix</p><p class="quote-inline">RE: <a href="https://b.example/1">https://b.example/1</a></p>'
    rows = [(1, note(body)), (2, note(body, updated="2026-12-01T10:00:01Z", quoteAuthorization="https://b.example/stamp/1"))]
    assert [entry.version.number for entry in build_history(rows)] == [1]
    assert last_visible_edit(rows) is None
    rows.append((3, note(body.replace("My remix", "My better remix"), updated="2026-12-03T08:00:00Z")))
    assert [entry.version.number for entry in build_history(rows)] == [1, 3]
    assert last_visible_edit(rows) is not None and last_visible_edit(rows).isoformat() == "2026-12-03T08:00:00+00:00"


def test_unreadable_versions_are_skipped() -> None:
    """What is tried: a stored version that is not JSON, and one that is not a post."""
    rows = [(1, note("<p>Hello</p>")), (2, "{not json"), (3, json.dumps({"type": "Person"}))]
    assert [entry.version.number for entry in build_history(rows)] == [1]
