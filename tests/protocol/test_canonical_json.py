"""Our fast JCS is byte-identical to the `rfc8785` package on any JSON value (property test), refuses
what it refuses, and memoizes containers by identity only."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from fediverse_hit.protocol.canonical_json import CanonicalJson, canonicalize

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # controls, quotes, astral characters
SCALARS = (
    st.none() | st.booleans() | TEXT | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=25,
)


@given(JSON)
@settings(max_examples=200, deadline=None)
def test_same_bytes_as_rfc8785(value: Any) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


@given(st.dictionaries(TEXT, st.integers(-1000, 1000), min_size=2, max_size=6))
def test_keys_sort_by_utf16_code_units(value: dict[str, int]) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


def test_astral_key_sorts_before_private_use_key_as_utf16_says() -> None:
    """U+1F600 is D83D DE00 in UTF-16, so it sorts before U+E000 (code-point order says after)."""
    assert canonicalize({"\ue000": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ue000":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [2**53, -(2**53), float("nan"), float("inf"), "\ud800", {1: "non-string key"}, object(), {"a": {"b": "\udfff"}}],
)
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    """Hostile input: integers beyond exact doubles, NaN, infinity, lone surrogates, odd types."""
    with pytest.raises(rfc8785.CanonicalizationError):
        canonicalize(value)


def test_memo_is_by_identity_not_equality() -> None:
    """Hostile input: [1] == [True] in Python, but their canonical forms differ."""
    serializer = CanonicalJson()
    ones, trues = [1], [True]
    assert serializer(ones) == b"[1]"
    assert serializer(trues) == b"[true]"
    assert serializer({"a": ones, "b": trues}) == b'{"a":[1],"b":[true]}'
