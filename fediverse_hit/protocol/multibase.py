"""Multibase base58btc encoding (`z…`), the form of `proofValue` and other binary values in proofs.

Multibase: https://www.w3.org/TR/cid-1.0/#multibase-0 (header `z` = base58btc, Bitcoin alphabet).
"""

from __future__ import annotations

import base58

BASE58BTC_PREFIX = "z"


class MultibaseError(ValueError):
    """A value that is not a well-formed base58btc multibase string."""


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc of `data`: `z` followed by the Bitcoin-alphabet base58 text."""
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Bytes of a base58btc multibase string; raises `MultibaseError` saying what is wrong."""
    if not isinstance(value, str):
        raise MultibaseError(f"multibase value must be a string, not {type(value).__name__}")
    if not value.startswith(BASE58BTC_PREFIX):
        # Other multibase headers exist (e.g. `u` base64url), but the specs we implement only
        # produce base58btc, so anything else is refused rather than guessed at.
        raise MultibaseError("multibase value must be base58btc (header 'z')")
    try:
        # The base58 package rejects characters outside the alphabet with ValueError; non-ASCII
        # text fails while being encoded to ASCII (UnicodeEncodeError is a ValueError too).
        return base58.b58decode(value[len(BASE58BTC_PREFIX) :])
    except ValueError as exc:
        raise MultibaseError("multibase value is not valid base58") from exc
