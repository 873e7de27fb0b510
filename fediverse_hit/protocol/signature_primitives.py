"""What draft-cavage and RFC 9421 HTTP signatures share: result and error types, the verifier's
policy, received-header collection, freshness checks, and the per-algorithm sign/verify primitives.

Algorithm names are those of the RFC 9421 §6.2 registry
(https://www.rfc-editor.org/rfc/rfc9421#name-initial-contents).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from fediverse_hit.protocol.keys import PrivateKey, PublicKey

HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers as received: a mapping (Starlette/httpx headers, dict) or (name, value) pairs."""

Scheme = Literal["draft-cavage", "rfc9421"]

RSA_V1_5_SHA256 = "rsa-v1_5-sha256"
RSA_PSS_SHA512 = "rsa-pss-sha512"
ED25519 = "ed25519"
ALGORITHMS = (RSA_V1_5_SHA256, RSA_PSS_SHA512, ED25519)

# The draft-cavage Appendix C test key is 1024-bit; nothing smaller is accepted.
MIN_RSA_BITS = 1024

_OBS_FOLD = re.compile(r"\r?\n[ \t]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SignatureError(ValueError):
    """The request's signature cannot be accepted; the message says exactly why."""


class BadSignature(SignatureError):
    """Everything checked out except the cryptographic check itself.

    This is the one failure where refetching the signer's key (it may have rotated) and
    verifying again can help.
    """


@dataclass(frozen=True)
class VerifiedSignature:
    """A signature that verified, and what it covered."""

    key_id: str
    scheme: Scheme
    algorithm: str  # an RFC 9421 registry name: the primitive that actually verified
    covered_components: tuple[str, ...]
    label: str | None = None  # RFC 9421 signature label; None for draft-cavage


@dataclass(frozen=True)
class VerifyPolicy:
    """What the verifier demands beyond a valid signature."""

    max_skew: timedelta = timedelta(hours=1)
    # False only for the specifications' own examples, which cover less than we require.
    enforce_coverage: bool = True


DEFAULT_POLICY = VerifyPolicy()


def collect_fields(headers: HeaderInput) -> dict[str, str]:
    """Lower-cased field names to values; repeated fields joined with ", " (RFC 9110 §5.2).

    Each value is trimmed and obsolete line folding becomes one space, as both
    draft-cavage §2.3 and RFC 9421 §2.1 require.
    """
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name.lower(), []).append(_OBS_FOLD.sub(" ", value).strip())
    return {name: ", ".join(values) for name, values in fields.items()}


def authority_of(url: str) -> str:
    """The URL's authority normalized per RFC 9110 §4.2.3: lower-case host, default port omitted."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = parts.port
    default = _DEFAULT_PORTS.get(parts.scheme.lower())
    return host if port is None or port == default else f"{host}:{port}"


def http_date(moment: datetime | None = None) -> str:
    """An IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`."""
    return format_datetime((moment or utc_now()).astimezone(UTC), usegmt=True)


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def check_date_header(value: str, now: datetime, max_skew: timedelta) -> None:
    """Reject a `Date` header that cannot be read or lies outside now ± max_skew."""
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"unreadable Date header {value!r}") from exc
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if abs(now - sent) > max_skew:
        raise SignatureError(f"Date header {value!r} is outside the allowed window of ±{max_skew}")


def check_created(created: int, now: datetime, max_skew: timedelta) -> None:
    """Reject a signature `created` timestamp outside now ± max_skew."""
    moment = datetime.fromtimestamp(created, UTC)
    if abs(now - moment) > max_skew:
        when = moment.isoformat()
        raise SignatureError(
            f"signature created at {when} is outside the allowed window of ±{max_skew}"
        )


def check_expires(expires: float, now: datetime) -> None:
    """Reject a signature whose `expires` timestamp is in the past."""
    if now.timestamp() > expires:
        moment = datetime.fromtimestamp(expires, UTC)
        raise SignatureError(f"signature expired at {moment.isoformat()}")


def algorithm_for_key(key: PublicKey | PrivateKey) -> str:
    """The default algorithm for a key type: rsa-v1_5-sha256 for RSA, ed25519 for Ed25519."""
    is_ed25519 = isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey))
    return ED25519 if is_ed25519 else RSA_V1_5_SHA256


def check_key_fits(algorithm: str, key: PublicKey | PrivateKey) -> None:
    """Reject an algorithm that is unsupported or does not fit the key's type and size."""
    if algorithm not in ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {algorithm!r}")
    if (algorithm == ED25519) != (algorithm_for_key(key) == ED25519):
        kind = "Ed25519" if algorithm_for_key(key) == ED25519 else "RSA"
        raise SignatureError(f"algorithm {algorithm} does not match the signer's {kind} key")
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)) and key.key_size < MIN_RSA_BITS:
        raise SignatureError(f"RSA key of {key.key_size} bits is too small")


def sign_bytes(algorithm: str, key: PrivateKey, message: bytes) -> bytes:
    """HTTP_SIGN of RFC 9421 §3.3 for one of ALGORITHMS."""
    check_key_fits(algorithm, key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    if algorithm == RSA_PSS_SHA512:
        return key.sign(message, _PSS_SHA512, hashes.SHA512())
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def verify_bytes(algorithm: str, key: PublicKey, message: bytes, signature: bytes) -> bool:
    """HTTP_VERIFY of RFC 9421 §3.3: True when `signature` is valid for `message`."""
    check_key_fits(algorithm, key)
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        elif algorithm == RSA_PSS_SHA512:
            key.verify(signature, message, _PSS_SHA512, hashes.SHA512())
        else:
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


# RFC 9421 §3.3.1: MGF1 with SHA-512 and a 64-byte salt.
_PSS_SHA512 = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
