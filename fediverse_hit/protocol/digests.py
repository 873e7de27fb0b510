"""Body digests for signed HTTP requests: the legacy `Digest` header and RFC 9530 `Content-Digest`.

`Digest` (RFC 3230 §4.3.2, algorithm names from RFC 5843) is what draft-cavage signers cover;
`Content-Digest` (https://www.rfc-editor.org/rfc/rfc9530) is what RFC 9421 signers cover.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from http_sfv.dictionary import Dictionary
from http_sfv.item import Item

# Only collision-resistant hashes; RFC 9530 §5 marks md5, sha, unixsum and the like insecure.
_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class DigestError(ValueError):
    """A digest header that is malformed, offers no supported algorithm or does not fit the body."""


def digest_header(body: bytes) -> str:
    """The `Digest` header value for `body`: `SHA-256=<base64>`, the form Mastodon checks."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def content_digest_header(body: bytes, algorithm: str = "sha-256") -> str:
    """The RFC 9530 `Content-Digest` value for `body`, e.g. `sha-256=:<base64>:`."""
    if algorithm not in _HASHES:
        raise ValueError(f"unsupported content digest algorithm {algorithm!r}")
    digest = _HASHES[algorithm](body).digest()
    return f"{algorithm}=:{base64.b64encode(digest).decode('ascii')}:"


def check_digest_header(value: str, body: bytes) -> None:
    """Check a `Digest` header against `body`; raise DigestError saying what is wrong.

    The header is a comma-separated list of `algorithm=base64`; algorithm names are
    case-insensitive (RFC 3230 §4.1.1). Every supported algorithm offered must match, and at
    least one must be offered.
    """
    offered: dict[str, bytes] = {}
    for part in value.split(","):
        name, sep, encoded = part.strip().partition("=")
        if not sep:
            raise DigestError(f"malformed Digest header {value!r}")
        if name.lower() in _HASHES:
            try:
                offered[name.lower()] = base64.b64decode(encoded.strip(), validate=True)
            except binascii.Error as exc:
                raise DigestError(f"Digest {name} value is not base64") from exc
    _compare(offered, body, "Digest")


def check_content_digest(value: str, body: bytes) -> None:
    """Check an RFC 9530 `Content-Digest` header (a structured Dictionary) against `body`."""
    field = Dictionary()
    try:
        field.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DigestError("Content-Digest is not a structured-field dictionary") from exc
    offered: dict[str, bytes] = {}
    for name in _HASHES:
        member = field.get(name)
        if member is None:
            continue
        if not isinstance(member, Item) or not isinstance(member.value, bytes):
            raise DigestError(f"Content-Digest {name} value is not a byte sequence")
        offered[name] = member.value
    _compare(offered, body, "Content-Digest")


def _compare(offered: dict[str, bytes], body: bytes, header: str) -> None:
    if not offered:
        raise DigestError(f"{header} offers no supported algorithm (sha-256 or sha-512)")
    for name, expected in offered.items():
        if not hmac.compare_digest(_HASHES[name](body).digest(), expected):
            raise DigestError(f"{header} {name} does not match the request body")
