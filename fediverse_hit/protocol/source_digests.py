"""`digestMultibase` of a source: the hash a remix pins so its signature covers the exact source.

digest = multibase base58btc (`z…`) of the multihash sha2-256 (0x12, length 0x20) of SHA-256 over
the RFC 8785 (JCS) form of the whole object, its `proof` included (DESIGN §7). Multihash:
https://github.com/multiformats/multihash; multibase: https://www.w3.org/TR/cid-1.0/#multibase-0.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

import rfc8785

from fediverse_hit.protocol.multibase import MultibaseError, decode_base58btc, encode_base58btc

SHA2_256_MULTIHASH = b"\x12\x20"  # multicodec sha2-256 (0x12), then the digest length 32 (0x20)


class SourceDigestError(ValueError):
    """An object that cannot be hashed, or a `digestMultibase` that is not a sha2-256 multihash."""


def compute_digest_multibase(
    document: Mapping[str, Any], canonicalize: Callable[[Any], bytes] = rfc8785.dumps
) -> str:
    """The `digestMultibase` of `document` exactly as given (proof and all)."""
    try:
        canonical = canonicalize(document if isinstance(document, dict) else dict(document))
    except rfc8785.CanonicalizationError as exc:
        raise SourceDigestError(f"object cannot be canonicalized (RFC 8785): {exc}") from None
    return encode_base58btc(SHA2_256_MULTIHASH + hashlib.sha256(canonical).digest())


def check_digest_multibase(value: object) -> str:
    """`value` if it is a base58btc sha2-256 multihash; SourceDigestError saying why otherwise.

    Only sha2-256 is accepted: one algorithm means one digest per object, so a pinned digest can be
    matched against a version by equality alone.
    """
    if not isinstance(value, str):
        raise SourceDigestError("digestMultibase must be a string")
    if len(value) > 64:  # 34 bytes in base58 take at most 47 characters; bound the decoding work
        raise SourceDigestError("digestMultibase is too long for a sha2-256 multihash")
    try:
        data = decode_base58btc(value)
    except MultibaseError as exc:
        raise SourceDigestError(f"digestMultibase: {exc}") from None
    if len(data) != 34 or not data.startswith(SHA2_256_MULTIHASH):
        raise SourceDigestError("digestMultibase is not a sha2-256 multihash (0x12 0x20 + 32 bytes)")
    return value


def digest_matches(
    document: Mapping[str, Any], digest: str, canonicalize: Callable[[Any], bytes] = rfc8785.dumps
) -> bool:
    """Whether `document` hashes to `digest` (constant-time comparison of the strings)."""
    return hmac.compare_digest(compute_digest_multibase(document, canonicalize), digest)
