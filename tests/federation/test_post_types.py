"""The parser and the inbound Create handler agree on which objects are contributions: both read
`vocabulary.POST_TYPES`, so no type is parsed by one and dropped by the other (Event was)."""

from __future__ import annotations

import pytest

from fediverse_hit.federation.parser_pool import parse_contribution
from fediverse_hit.protocol.notes import ObjectShapeError, parse_note
from fediverse_hit.protocol.vocabulary import POST_TYPES


def post_like(kind: str) -> dict[str, object]:
    return {"type": kind, "id": "https://remote.example/objects/1", "attributedTo": "https://remote.example/users/rem",
            "content": "<p>Hello</p>", "name": "A title"}


@pytest.mark.parametrize("kind", sorted(POST_TYPES))
def test_every_post_type_the_parser_reads_is_taken_by_the_create_handler(kind: str) -> None:
    assert parse_note(post_like(kind)).type == kind
    parsed = parse_contribution(post_like(kind))
    assert parsed is not None and parsed.type == kind


@pytest.mark.parametrize("kind", ["Person", "Collection", "Tombstone", "Create"])
def test_other_types_are_refused_by_both(kind: str) -> None:
    # Hostile: an actor or an activity dressed in a post's fields.
    with pytest.raises(ObjectShapeError):
        parse_note(post_like(kind))
    assert parse_contribution(post_like(kind)) is None
