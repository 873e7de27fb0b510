"""`fhit:sources` and `fhit:upstreamShare`: building, parsing, weights and the limits on both."""

from __future__ import annotations

from typing import Any

import pytest

from fediverse_hit.protocol.remix_sources import (
    MAX_SOURCES,
    RemixSources,
    Source,
    SourceRequest,
    SourcesError,
    assign_weights,
    build_sources_fields,
    equal_weights,
    parse_source_requests,
    parse_sources,
    parse_upstream_share,
)

DIGEST = "zQmS731mhJxHvsFmBqPm23NioGVDcQzyKwGBiEamo8qoefq"
BOB = "https://b.example/users/bob"
CAROL = "https://c.example/users/carol"


def source(number: int, weight: int, authors: tuple[str, ...] = (BOB,)) -> Source:
    return Source(f"https://b.example/contributions/{number}", authors, DIGEST, weight)


def entry(number: int, weight: Any) -> dict[str, Any]:
    return {
        "type": "fhit:Source",
        "object": f"https://b.example/contributions/{number}",
        "attributedTo": BOB,
        "digestMultibase": DIGEST,
        "fhit:weight": weight,
    }


def test_built_fields_follow_design_shape() -> None:
    fields = build_sources_fields(RemixSources((source(1, 6000), source(2, 4000, (BOB, CAROL))), 5000))
    assert fields == {
        "fhit:sources": [
            {"type": "fhit:Source", "object": "https://b.example/contributions/1",
             "attributedTo": BOB, "digestMultibase": DIGEST, "fhit:weight": 6000},
            {"type": "fhit:Source", "object": "https://b.example/contributions/2",
             "attributedTo": [BOB, CAROL], "digestMultibase": DIGEST, "fhit:weight": 4000},
        ],
        "fhit:upstreamShare": 5000,
    }


def test_built_fields_parse_back_to_the_same_sources() -> None:
    sources = RemixSources((source(1, 3333), source(2, 6667, (BOB, CAROL))), 2500)
    assert parse_sources(build_sources_fields(sources)) == sources


def test_note_without_sources_is_not_a_remix() -> None:
    assert parse_sources({"type": "Note"}) is None
    assert parse_source_requests({"type": "Note"}) == ((), 5000)


def test_upstream_share_defaults_to_half() -> None:
    assert parse_upstream_share({}) == 5000


@pytest.mark.parametrize("value", [-1, 10001, 50.0, "5000", True, None])
def test_upstream_share_outside_basis_points_is_refused(value: object) -> None:
    """Hostile input: negative, over 100 %, float, string, boolean, null."""
    with pytest.raises(SourcesError, match="upstreamShare"):
        parse_upstream_share({"fhit:upstreamShare": value})


def test_weights_must_sum_to_exactly_10000() -> None:
    with pytest.raises(SourcesError, match="sum to 9999"):
        parse_sources({"fhit:sources": [entry(1, 5000), entry(2, 4999)]})


@pytest.mark.parametrize("weight", [True, 5000.0, "5000", -1, 10001, None])
def test_weight_must_be_an_integer_basis_point(weight: object) -> None:
    """Hostile input: JSON true (Python's 1), float, string, negative, over 10000, null."""
    with pytest.raises(SourcesError, match="fhit:weight"):
        parse_sources({"fhit:sources": [entry(1, weight), entry(2, 5000)]})


def test_a_source_cited_twice_is_refused() -> None:
    """Hostile input: one source listed twice to double its credit."""
    with pytest.raises(SourcesError, match="cited twice"):
        parse_sources({"fhit:sources": [entry(1, 5000), entry(1, 5000)]})


def test_more_than_the_cap_of_sources_is_refused() -> None:
    """Hostile input: 51 sources, each a fetch and a recursive verification."""
    entries = [entry(n, 0) for n in range(MAX_SOURCES + 1)]
    with pytest.raises(SourcesError, match="at most 50"):
        parse_sources({"fhit:sources": entries})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "Link", "type"),
        ("digestMultibase", "zabc", "digestMultibase"),
        ("digestMultibase", None, "digestMultibase"),
        ("object", "javascript:alert(1)", "object"),
        ("attributedTo", [], "attributedTo"),
        ("attributedTo", "ftp://b.example/bob", "attributedTo"),
    ],
)
def test_malformed_pinned_source_is_refused(field: str, value: object, message: str) -> None:
    bad = {**entry(1, 10000), field: value}
    with pytest.raises(SourcesError, match=message):
        parse_sources({"fhit:sources": [bad]})


def test_pinned_source_without_weight_is_refused() -> None:
    bad = {key: value for key, value in entry(1, 10000).items() if key != "fhit:weight"}
    with pytest.raises(SourcesError, match="has no fhit:weight"):
        parse_sources({"fhit:sources": [bad]})


def test_equal_weights_give_leftover_points_to_the_first_sources() -> None:
    assert equal_weights(3) == (3334, 3333, 3333)
    assert equal_weights(7) == (1429, 1429, 1429, 1429, 1428, 1428, 1428)
    assert all(sum(equal_weights(n)) == 10000 for n in range(1, MAX_SOURCES + 1))


def test_missing_weights_share_what_the_given_ones_leave() -> None:
    assert assign_weights([6000, None, None]) == (6000, 2000, 2000)
    assert assign_weights([None, 7000, None]) == (1500, 7000, 1500)
    assert assign_weights([None, None, None]) == (3334, 3333, 3333)


def test_given_weights_over_10000_are_refused() -> None:
    with pytest.raises(SourcesError, match="more than 10000"):
        assign_weights([9000, 2000, None])


def test_client_request_takes_ids_and_optional_weights() -> None:
    note = {
        "fhit:sources": [{"object": "https://b.example/contributions/1", "fhit:weight": 7000},
                         {"object": "https://c.example/notes/2"},
                         "https://c.example/notes/3"],
        "fhit:upstreamShare": 4000,
    }
    assert parse_source_requests(note) == (
        (SourceRequest("https://b.example/contributions/1", 7000),
         SourceRequest("https://c.example/notes/2"),
         SourceRequest("https://c.example/notes/3")),
        4000,
    )


def test_client_request_with_all_weights_not_summing_is_refused() -> None:
    note = {"fhit:sources": [{"object": "https://b.example/c/1", "fhit:weight": 7000},
                             {"object": "https://b.example/c/2", "fhit:weight": 2000}]}
    with pytest.raises(SourcesError, match="sum to 9000"):
        parse_source_requests(note)
