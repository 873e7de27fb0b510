"""draft-cavage HTTP signatures: parameter parsing, the signing string, and verification.

Spec: https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12 ; the fediverse
profile (rsa-sha256 and hs2019, which headers must be covered) follows Mastodon's
`app/lib/signed_request.rb`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from fediverse_hit.protocol.digests import DigestError, check_digest_header
from fediverse_hit.protocol.keys import PublicKey
from fediverse_hit.protocol.signature_primitives import (
    DEFAULT_POLICY,
    ED25519,
    RSA_PSS_SHA512,
    RSA_V1_5_SHA256,
    BadSignature,
    HeaderInput,
    SignatureError,
    VerifiedSignature,
    VerifyPolicy,
    algorithm_for_key,
    check_created,
    check_date_header,
    check_expires,
    check_key_fits,
    collect_fields,
    utc_now,
    verify_bytes,
)

CAVAGE_ALGORITHMS = ("rsa-sha256", "hs2019")
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^",\s]*))\s*(?:,|$)')
_TIMESTAMP = re.compile(r"\d+(\.\d+)?")


def parse_signature_params(value: str) -> dict[str, str]:
    """The parameters of a `Signature` header (or `Authorization: Signature` credentials).

    Duplicated parameters make the signature unusable (draft-cavage-12 §2.2).
    """
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            raise SignatureError(f"malformed Signature header near {value[position:][:20]!r}")
        name, quoted, bare = match.groups()
        if name in params:
            raise SignatureError(f"Signature parameter {name} appears twice")
        params[name] = quoted if quoted is not None else bare
        position = match.end()
    return params


def build_signing_string(
    method: str, url: str, fields: dict[str, str], covered: list[str], params: dict[str, str]
) -> str:
    """The draft-cavage-12 §2.3 signing string over `fields` (as from `collect_fields`)."""
    lines: list[str] = []
    for name in covered:
        if name == "(request-target)":
            value = f"{method.lower()} {_request_target(url)}"
        elif name in ("(created)", "(expires)"):
            value = _pseudo_header_value(name, params)
        elif name in fields:
            value = fields[name]
        else:
            raise SignatureError(f"covered header {name!r} is missing from the request")
        if "\n" in value or "\r" in value:
            raise SignatureError(f"covered header {name!r} contains a line break")
        lines.append(f"{name}: {value}")
    signing_string = "\n".join(lines)
    if not signing_string.isascii():
        raise SignatureError("signing string contains non-ASCII characters")
    return signing_string


def verify_cavage_signature(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    resolve_key: Callable[[str], PublicKey | None],
    *,
    now: datetime | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
) -> VerifiedSignature:
    """Verify a draft-cavage `Signature` (or `Authorization: Signature`) header or raise
    SignatureError with the reason. `url` is the target as received; headers are used as received.
    """
    fields = collect_fields(headers)
    params = parse_signature_params(signature_credentials(fields))
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise SignatureError(f"Signature header has no {required} parameter")
    algorithm = params.get("algorithm")
    if algorithm is not None and algorithm not in CAVAGE_ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {algorithm!r}")
    covered = _covered_headers(params, algorithm)
    _check_times(params, fields, covered, now or utc_now(), policy)
    if policy.enforce_coverage:
        _check_coverage(covered, body)
    if "digest" in covered and "digest" in fields:
        try:
            check_digest_header(fields["digest"], body)
        except DigestError as exc:
            raise SignatureError(str(exc)) from exc
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except binascii.Error as exc:
        raise SignatureError("signature parameter is not base64") from exc
    signing_strings = _signing_strings(method, url, fields, covered, params)
    key_id = params["keyId"]
    key = resolve_key(key_id)
    if key is None:
        raise SignatureError(f"no public key found for keyId {key_id!r}")
    for primitive in _primitives(algorithm, key):
        for signing_string in signing_strings:
            if verify_bytes(primitive, key, signing_string.encode("ascii"), signature):
                return VerifiedSignature(key_id, "draft-cavage", primitive, tuple(covered))
    raise BadSignature(f"signature does not verify with the key of {key_id!r}")


def signature_credentials(fields: dict[str, str]) -> str:
    """The draft-cavage parameters from `Signature`, else from `Authorization: Signature …`."""
    if "signature" in fields:
        return fields["signature"]
    scheme, _, credentials = fields.get("authorization", "").partition(" ")
    if scheme.lower() == "signature" and credentials:
        return credentials
    raise SignatureError("missing Signature header")


def _signing_strings(
    method: str, url: str, fields: dict[str, str], covered: list[str], params: dict[str, str]
) -> list[str]:
    strings = [build_signing_string(method, url, fields, covered, params)]
    if "(request-target)" in covered and urlsplit(url).query:
        # Mastodon long signed (request-target) without the query string and still accepts
        # such signatures (app/lib/signed_request.rb, include_query_string: false).
        bare_url = urlsplit(url)._replace(query="").geturl()
        strings.append(build_signing_string(method, bare_url, fields, covered, params))
    return strings


def _covered_headers(params: dict[str, str], algorithm: str | None) -> list[str]:
    if "headers" not in params:
        # draft-cavage-12 §2.1.6 defaults to (created); its Appendix C.1 and Mastodon keep the
        # older default, date, for rsa-sha256.
        return ["date"] if algorithm == "rsa-sha256" else ["(created)"]
    covered = params["headers"].lower().split()
    if not covered:
        raise SignatureError("Signature headers parameter is empty")
    return covered


def _check_times(
    params: dict[str, str],
    fields: dict[str, str],
    covered: list[str],
    now: datetime,
    policy: VerifyPolicy,
) -> None:
    for name in ("created", "expires"):
        if name in params and not _TIMESTAMP.fullmatch(params[name]):
            raise SignatureError(f"Signature {name} parameter is not a Unix timestamp")
    if "created" in params:
        check_created(int(float(params["created"])), now, policy.max_skew)
    if "expires" in params:
        check_expires(float(params["expires"]), now)
    if "date" in covered and "date" in fields:
        check_date_header(fields["date"], now, policy.max_skew)


def _check_coverage(covered: list[str], body: bytes) -> None:
    if "date" not in covered and "(created)" not in covered:
        raise SignatureError("signature covers neither date nor (created)")
    # On every request, GETs included, so a signature cannot be replayed to another resource.
    # Mastodon asks every request for it (or digest), so peers that reach Mastodon send it.
    if "(request-target)" not in covered:
        raise SignatureError("signature does not cover (request-target)")
    if body and "digest" not in covered:
        raise SignatureError("signature does not cover digest although the request has a body")


def _pseudo_header_value(name: str, params: dict[str, str]) -> str:
    algorithm = params.get("algorithm", "")
    if algorithm.startswith(("rsa", "hmac", "ecdsa")):
        # draft-cavage-12 §2.3: these pseudo-headers MUST be an error with such algorithms.
        raise SignatureError(f"{name} cannot be covered with algorithm {algorithm}")
    param = name.strip("()")
    if param not in params:
        raise SignatureError(f"{name} is covered but the {param} parameter is missing")
    return params[param]


def _primitives(algorithm: str | None, key: PublicKey) -> list[str]:
    if algorithm_for_key(key) == ED25519:
        if algorithm == "rsa-sha256":
            raise SignatureError("algorithm rsa-sha256 does not match the signer's Ed25519 key")
        return [ED25519]
    check_key_fits(RSA_V1_5_SHA256, key)
    if algorithm == "rsa-sha256":
        return [RSA_V1_5_SHA256]
    # hs2019 leaves the algorithm to the key: fediverse servers sign PKCS#1 v1.5 SHA-256 with
    # RSA keys, while draft-cavage-12's registry recommends RSASSA-PSS with SHA-512.
    return [RSA_V1_5_SHA256, RSA_PSS_SHA512]


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
