"""RFC 8785 (JCS) canonical JSON, fast, with memoized containers for verifying many hashes of one
document (a chain's digest, then its proof's document and options hashes share most members).

Output is byte-identical to the `rfc8785` package (a property test checks it); strings go through
the C JSON encoder, whose escaping (`\\b \\t \\n \\f \\r \\" \\\\`, other controls as lower-case
`\\u00xx`, nothing else) is exactly JCS's (RFC 8785 §3.2.2.2). Floats are left to `rfc8785`.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C escaper of ensure_ascii=False
from typing import Any

import rfc8785

_INT_LIMIT = 2**53 - 1  # RFC 8785 §3.2.2.3: integers must be exact as IEEE 754 doubles


class CanonicalJson:
    """A JCS serializer that remembers each dict and list it has serialized, by identity.

    Only for values nobody changes while it is in use (it holds references, so an id is never
    reused for another object): make one per verification, then drop it.
    """

    def __init__(self) -> None:
        self._containers: dict[int, tuple[object, bytes]] = {}

    def __call__(self, value: Any) -> bytes:
        """The canonical bytes of `value`; rfc8785.CanonicalizationError when it has none."""
        if isinstance(value, (dict, list, tuple)):
            cached = self._containers.get(id(value))
            if cached is not None and cached[0] is value:
                return cached[1]
            encoded = self._object(value) if isinstance(value, dict) else self._array(value)
            self._containers[id(value)] = (value, encoded)
            return encoded
        return _scalar(value)

    def _object(self, value: dict[Any, Any]) -> bytes:
        if not all(isinstance(key, str) for key in value):
            raise rfc8785.CanonicalizationError("object keys must be strings")
        members = sorted(value.items(), key=lambda item: item[0].encode("utf-16be"))
        return b"{" + b",".join(_string(key) + b":" + self(item) for key, item in members) + b"}"

    def _array(self, value: list[Any] | tuple[Any, ...]) -> bytes:
        return b"[" + b",".join(self(item) for item in value) + b"]"


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical bytes of one JSON value."""
    return CanonicalJson()(value)


def _scalar(value: object) -> bytes:
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        if not -_INT_LIMIT <= value <= _INT_LIMIT:
            raise rfc8785.IntegerDomainError(value)
        return str(int(value)).encode("ascii")
    return rfc8785.dumps(value)  # type: ignore[arg-type]  # floats; anything else is refused there


def _string(value: str) -> bytes:
    try:
        return str(encode_basestring(value)).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate is not Unicode text: JCS (§3.2.2.2) requires well-formed strings.
        raise rfc8785.CanonicalizationError("string is not valid Unicode (lone surrogate)") from None
