"""HTTP signatures as the fediverse uses them: the entry points.

Outbound: draft-cavage rsa-sha256 signing, as a plain function and as an `httpx.Auth`
(https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12, in the shape Mastodon
sends). Inbound: verification of either draft-cavage (`cavage_signatures`) or RFC 9421
(`http_message_signatures`), with the key lookup injected.
"""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable, Generator
from datetime import datetime

import httpx

from fediverse_hit.protocol.cavage_signatures import (
    build_signing_string,
    parse_signature_params,
    signature_credentials,
    verify_cavage_signature,
)
from fediverse_hit.protocol.digests import digest_header
from fediverse_hit.protocol.http_message_signatures import (
    message_signature_key_ids,
    verify_message_signature,
)
from fediverse_hit.protocol.keys import PrivateKey, PublicKey, load_private_key
from fediverse_hit.protocol.signature_primitives import (
    DEFAULT_POLICY,
    ED25519,
    BadSignature,
    HeaderInput,
    SignatureError,
    VerifiedSignature,
    VerifyPolicy,
    algorithm_for_key,
    authority_of,
    collect_fields,
    http_date,
    sign_bytes,
)

__all__ = [
    "BadSignature",
    "HttpSignatureAuth",
    "KeyLookup",
    "SignatureError",
    "VerifiedSignature",
    "VerifyPolicy",
    "sign_request_headers",
    "signature_key_ids",
    "verify_request",
    "verify_request_signature",
]

KeyLookup = Callable[[str], PublicKey | Awaitable[PublicKey | None] | None]
"""Injected key lookup: keyId -> public key, or None when there is no such key; sync or async."""

_BODILESS_METHODS = frozenset({"GET", "HEAD"})


def sign_request_headers(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    key_id: str,
    private_key: PrivateKey | str,
    now: datetime | None = None,
) -> dict[str, str]:
    """Sign a request the way Mastodon expects; return the headers to add (a fresh `Date`,
    `Digest` when there is a body, `Host` if absent, and `Signature`).

    Covers `(request-target) host date`, plus `digest` and `content-type` (when present) for
    requests with a body. RSA keys sign as rsa-sha256; Ed25519 keys as hs2019.
    """
    key = load_private_key(private_key) if isinstance(private_key, str) else private_key
    fields = collect_fields(headers)
    added = {"Date": http_date(now)}
    if "host" not in fields:
        added["Host"] = authority_of(url)
    covered = ["(request-target)", "host", "date"]
    if body or method.upper() not in _BODILESS_METHODS:
        added["Digest"] = digest_header(body)
        covered += ["digest", "content-type"] if "content-type" in fields else ["digest"]
    merged = fields | {name.lower(): value for name, value in added.items()}
    signing_string = build_signing_string(method, url, merged, covered, {})
    signature = sign_bytes(algorithm_for_key(key), key, signing_string.encode("ascii"))
    algorithm = "hs2019" if algorithm_for_key(key) == ED25519 else "rsa-sha256"
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="{algorithm}",headers="{" ".join(covered)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return added


class HttpSignatureAuth(httpx.Auth):
    """httpx authentication that signs every request (and every retry) with draft-cavage."""

    requires_request_body = True

    def __init__(self, key_id: str, private_key: PrivateKey | str) -> None:
        self.key_id = key_id
        self.private_key = (
            load_private_key(private_key) if isinstance(private_key, str) else private_key
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add Date, Digest and Signature to the outgoing request."""
        request.headers.update(
            sign_request_headers(
                request.method,
                str(request.url),
                request.headers,
                request.content,
                key_id=self.key_id,
                private_key=self.private_key,
            )
        )
        yield request


def signature_key_ids(headers: HeaderInput) -> list[str]:
    """The key ids a request's signatures name (RFC 9421 first, as verification prefers it)."""
    fields = collect_fields(headers)
    if "signature-input" in fields:
        return message_signature_key_ids(fields)
    if "signature" not in fields and "authorization" not in fields:
        return []
    key_id = parse_signature_params(signature_credentials(fields)).get("keyId")
    return [key_id] if key_id else []


def verify_request_signature(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    resolve_key: Callable[[str], PublicKey | None],
    *,
    now: datetime | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
) -> VerifiedSignature:
    """Verify whichever scheme the request uses: RFC 9421 when `Signature-Input` is present,
    draft-cavage otherwise. Raises SignatureError (BadSignature for a failed crypto check)."""
    fields = collect_fields(headers)
    verify = verify_message_signature if "signature-input" in fields else verify_cavage_signature
    return verify(method, url, fields, body, resolve_key, now=now, policy=policy)


async def verify_request(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    lookup_key: KeyLookup,
    *,
    now: datetime | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
) -> VerifiedSignature:
    """`verify_request_signature` with the keys resolved first through an async or sync lookup."""
    fields = collect_fields(headers)
    keys: dict[str, PublicKey | None] = {}
    for key_id in signature_key_ids(fields):
        if key_id not in keys:
            found = lookup_key(key_id)
            keys[key_id] = await found if inspect.isawaitable(found) else found
    return verify_request_signature(method, url, fields, body, keys.get, now=now, policy=policy)
