"""Reading JSON objects sent by other servers and clients (RFC 8259), with nesting bounded.

Python's decoder recurses once per level: 100,000 nested arrays raise RecursionError (which would
escape as a 500), and anything just under the interpreter's limit still costs every recursive
walk made later (canonicalization for proofs, storing as JSON). ActivityStreams documents nest a
handful of levels, so nesting is bounded before decoding, by a scan that never recurses.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 64  # far above real documents (a Note with a proof and tags nests about 5 levels)
_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_BRACKETS_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class JsonDocumentError(ValueError):
    """A body that is not one JSON object we accept; the message says why, safe to show."""


def nesting_exceeds(body: bytes, max_depth: int) -> bool:
    """Whether arrays and objects in `body` nest deeper than `max_depth` (brackets inside
    strings do not count). Linear work per pass, at most `max_depth` passes, no recursion."""
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    brackets = _STRINGS.sub(b"", body).translate(_BRACKETS_AS_PARENS, _NOT_BRACKETS)
    too_long_run = b"(" * (max_depth + 1)
    for _ in range(max_depth):
        if not brackets:
            return False
        if too_long_run in brackets:
            return True
        brackets = brackets.replace(b"()", b"")  # each pass peels one level off every innermost pair
    return b"()" in brackets


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_object(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """`body` as a JSON object; JsonDocumentError for invalid JSON, NaN/Infinity, nesting deeper
    than `max_depth`, or a value that is not an object."""
    if nesting_exceeds(body, max_depth):
        raise JsonDocumentError(f"JSON nested deeper than {max_depth} levels")
    try:
        document = json.loads(body, parse_constant=_reject_constant)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError and NaN are ValueErrors
        raise JsonDocumentError(f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise JsonDocumentError("JSON but not an object")
    return document
