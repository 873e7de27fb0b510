"""Visibility ↔ addressing, checked against Mastodon's own rules and real payloads.

Known answers: Mastodon's tag_manager.rb `to`/`cc`, and the cases of its
spec/lib/activitypub/activity/create_spec.rb ("when public with as:Public", "when unlisted with
Public", "when private", "missing to/cc defaults to direct privacy").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.protocol.addressing import (
    VISIBILITIES,
    addressing_for,
    is_public_collection,
    visibility_from,
)
from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION

NOTES = Path(__file__).resolve().parent.parent / "fixtures" / "notes"
FOLLOWERS = "https://hit.example/users/alice/followers"
BOB = "https://other.example/users/bob"


def note_of(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((NOTES / name).read_text(encoding="utf-8"))
    return document["object"] if document["type"] == "Create" else document


def as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_addressing_of_each_visibility_is_mastodons() -> None:
    assert addressing_for("public", FOLLOWERS, [BOB]) == ([PUBLIC_COLLECTION], [FOLLOWERS, BOB])
    assert addressing_for("unlisted", FOLLOWERS, [BOB]) == ([FOLLOWERS], [PUBLIC_COLLECTION, BOB])
    assert addressing_for("followers", FOLLOWERS, [BOB]) == ([FOLLOWERS], [BOB])
    assert addressing_for("direct", FOLLOWERS, [BOB]) == ([BOB], [])


def test_addressing_round_trips_through_visibility_from() -> None:
    for visibility in VISIBILITIES:
        to, cc = addressing_for(visibility, FOLLOWERS, [BOB])
        assert visibility_from(to, cc, FOLLOWERS) == visibility


def test_repeated_mentions_are_addressed_once() -> None:
    assert addressing_for("direct", FOLLOWERS, [BOB, BOB]) == ([BOB], [])


def test_unknown_visibility_is_refused() -> None:
    with pytest.raises(ValueError):
        addressing_for("limited", FOLLOWERS, [])


@pytest.mark.parametrize("public", [PUBLIC_COLLECTION, "as:Public", "Public"])
def test_all_three_spellings_of_public_count(public: str) -> None:
    assert is_public_collection(public)
    assert visibility_from([public], [], None) == "public"
    assert visibility_from([], [public], None) == "unlisted"


@pytest.mark.parametrize(
    "lookalike",
    ["https://www.w3.org/ns/activitystreams#public", "http://www.w3.org/ns/activitystreams#Public",
     "https://evil.example/#Public", "public", "as:public", ""],
)
def test_lookalikes_of_public_do_not_count(lookalike: str) -> None:
    assert not is_public_collection(lookalike)
    assert visibility_from([lookalike], [], FOLLOWERS) == "direct"


def test_followers_only_needs_the_authors_followers_in_to() -> None:
    assert visibility_from([FOLLOWERS], [BOB], FOLLOWERS) == "followers"
    assert visibility_from([FOLLOWERS], [], "https://hit.example/users/other/followers") == "direct"
    assert visibility_from([FOLLOWERS], [], None) == "direct"


def test_no_audience_at_all_is_direct() -> None:
    # create_spec.rb: "missing to/cc defaults to direct privacy"
    assert visibility_from([], [], FOLLOWERS) == "direct"


@pytest.mark.parametrize(
    ("fixture", "followers", "expected"),
    [
        ("mastodon-create-mention-hashtag.json", "http://mastodon.example.org/users/admin/followers", "public"),
        ("mastodon-todon-video-note.json", "https://todon.eu/users/hongminhee/followers", "public"),
        ("gotosocial-reply-mention.json", "http://localhost:8080/users/admin/followers", "public"),
        ("pixelfed-create-photo.json", "https://pixelfed.social/users/mczachurski/followers", "public"),
    ],
)
def test_visibility_of_real_payloads(fixture: str, followers: str, expected: str) -> None:
    note = note_of(fixture)
    assert visibility_from(as_list(note["to"]), as_list(note.get("cc", [])), followers) == expected


def test_real_payload_readdressed_as_unlisted_reads_unlisted() -> None:
    # Mastodon's unlisted form of the same post: followers in `to`, Public moved to `cc`.
    note = note_of("mastodon-create-mention-hashtag.json")
    to, cc = [note["cc"][0]], [PUBLIC_COLLECTION, *note["cc"][1:]]
    assert visibility_from(to, cc, note["cc"][0]) == "unlisted"
