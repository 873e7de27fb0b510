"""Bounded JSON reading (protocol/json_documents.py): known answers and the hostile shapes."""

from __future__ import annotations

import json

import pytest

from fediverse_hit.protocol.json_documents import JsonDocumentError, nesting_exceeds, read_json_object


def test_nesting_at_the_limit_passes_and_one_deeper_does_not() -> None:
    assert not nesting_exceeds(b"[" * 64 + b"]" * 64, 64)
    assert nesting_exceeds(b"[" * 65 + b"]" * 65, 64)
    assert nesting_exceeds(b'{"a":' * 65 + b"1" + b"}" * 65, 64)


def test_nesting_counts_the_deepest_branch_not_the_number_of_brackets() -> None:
    wide = json.dumps({"items": [[1], [2], {"a": [3]}] * 1000}).encode()
    assert not nesting_exceeds(wide, 4)
    assert nesting_exceeds(wide, 3)
    comb = b"[[]" * 65 + b"]" * 65  # each level also holds an empty array: depth 66
    assert nesting_exceeds(comb, 65) and not nesting_exceeds(comb, 66)


def test_brackets_inside_strings_do_not_count() -> None:
    body = json.dumps({"content": "[" * 500 + '\\" {{{ "' + "]" * 3}).encode()
    assert not nesting_exceeds(body, 2)
    assert read_json_object(body)["content"].startswith("[[[")


def test_a_hundred_thousand_nested_arrays_are_refused_without_recursion() -> None:
    with pytest.raises(JsonDocumentError) as refused:
        read_json_object(b"[" * 100_000 + b"]" * 100_000)
    assert str(refused.value) == "JSON nested deeper than 64 levels"


@pytest.mark.parametrize("opened", [65, 100_000])
def test_unclosed_brackets_count_as_nesting(opened: int) -> None:
    # hostile: a body of opening brackets that never close; Python's decoder would recurse once per
    # bracket before noticing (RecursionError, a 500, for 100,000 of them)
    with pytest.raises(JsonDocumentError) as refused:
        read_json_object(b"[" * opened)
    assert str(refused.value) == "JSON nested deeper than 64 levels"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[1, 2]", "JSON but not an object"),
        (b'{"a": NaN}', "not valid JSON: NaN is not JSON"),
        (b'{"a": -Infinity}', "not valid JSON: -Infinity is not JSON"),
        (b'{"a": 1', "not valid JSON: Expecting ',' delimiter: line 1 column 8 (char 7)"),
        (b'{"a": [1}', "not valid JSON: Expecting ',' delimiter: line 1 column 9 (char 8)"),
    ],
)
def test_bodies_that_are_no_json_object_are_refused_with_the_reason(body: bytes, reason: str) -> None:
    # Tried: an array, the non-JSON constants Python's decoder accepts, cut and mismatched brackets.
    with pytest.raises(JsonDocumentError) as refused:
        read_json_object(body, max_depth=2)
    assert str(refused.value) == reason


def test_a_json_object_is_read() -> None:
    assert read_json_object(b'{"type": "Note", "tag": [{"type": "Hashtag"}]}') == {"type": "Note", "tag": [{"type": "Hashtag"}]}
