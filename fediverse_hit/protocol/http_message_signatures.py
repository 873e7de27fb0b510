"""RFC 9421 HTTP Message Signatures over requests: signer and verifier.

Spec: https://www.rfc-editor.org/rfc/rfc9421 (signing §3.1, verifying §3.2, fields §4.1-4.2);
the signature base is built in `message_signature_base`. Body integrity comes from a covered
RFC 9530 `Content-Digest`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import datetime

from http_sfv.dictionary import Dictionary
from http_sfv.item import InnerList, Item, Parameters

from fediverse_hit.protocol.digests import DigestError, check_content_digest, content_digest_header
from fediverse_hit.protocol.keys import PrivateKey, PublicKey, load_private_key
from fediverse_hit.protocol.message_signature_base import (
    SignatureContext,
    parse_dictionary,
    signature_base,
)
from fediverse_hit.protocol.signature_primitives import (
    ALGORITHMS,
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
    sign_bytes,
    utc_now,
    verify_bytes,
)

# Any one of these binds the signature to the resource it was sent to.
TARGET_COMPONENTS = ("@target-uri", "@request-target", "@path")


def sign_message(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    *,
    key_id: str,
    private_key: PrivateKey | str,
    components: Sequence[str] | None = None,
    label: str = "sig1",
    created: int | None = None,
    expires: int | None = None,
    algorithm: str | None = None,
    include_alg: bool = True,
) -> dict[str, str]:
    """Sign a request per RFC 9421; return the headers to add (never mutates `headers`).

    Default coverage is `@method` and `@target-uri` (what Mastodon requires), plus
    `content-digest` when there is a body; a `Content-Digest` header is added if missing.
    Parameters are serialized in the order created, keyid, alg, expires.
    """
    key = load_private_key(private_key) if isinstance(private_key, str) else private_key
    fields = collect_fields(headers)
    added: dict[str, str] = {}
    if body and "content-digest" not in fields:
        added["Content-Digest"] = fields["content-digest"] = content_digest_header(body)
    if components is None:
        components = ("@method", "@target-uri") + (("content-digest",) if body else ())
    chosen = algorithm or algorithm_for_key(key)
    covered = InnerList([Item(name) for name in components])
    covered.params["created"] = int(utc_now().timestamp()) if created is None else created
    covered.params["keyid"] = key_id
    if include_alg:
        covered.params["alg"] = chosen
    if expires is not None:
        covered.params["expires"] = expires
    base = signature_base(SignatureContext(method, url, fields), covered)
    signature = sign_bytes(chosen, key, base.encode("ascii"))
    added["Signature-Input"] = f"{label}={covered}"
    added["Signature"] = f"{label}=:{base64.b64encode(signature).decode('ascii')}:"
    return added


def message_signature_key_ids(headers: HeaderInput) -> list[str]:
    """The `keyid` of every signature in Signature-Input, in order (for resolving keys first)."""
    fields = collect_fields(headers)
    if "signature-input" not in fields:
        return []
    inputs = parse_dictionary(fields, "signature-input")
    key_ids = [getattr(member, "params", {}).get("keyid") for member in inputs.values()]
    return [key_id for key_id in key_ids if isinstance(key_id, str)]


def verify_message_signature(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    resolve_key: Callable[[str], PublicKey | None],
    *,
    label: str | None = None,
    now: datetime | None = None,
    policy: VerifyPolicy = DEFAULT_POLICY,
) -> VerifiedSignature:
    """Verify an RFC 9421 request signature or raise SignatureError with the reason.

    `url` is the target URI as received (scheme, the Host header's authority, the undecoded
    path and query): `@authority`, `@path` and the like are read from it, never rebuilt from
    configuration. With several signatures and no `label`, the first that verifies wins.
    """
    request = SignatureContext(method, url, collect_fields(headers))
    inputs = parse_dictionary(request.fields, "signature-input")
    signatures = parse_dictionary(request.fields, "signature")
    labels = [label] if label is not None else list(inputs)
    moment = now or utc_now()
    failures: list[SignatureError] = []
    for each in labels:
        try:
            return _verify_one(request, body, each, inputs, signatures, resolve_key, moment, policy)
        except SignatureError as exc:
            failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    error = BadSignature if all(isinstance(f, BadSignature) for f in failures) else SignatureError
    raise error(
        "no signature verified: "
        + "; ".join(f"{n}: {f}" for n, f in zip(labels, failures, strict=True))
    )


def _verify_one(
    request: SignatureContext,
    body: bytes,
    label: str,
    inputs: Dictionary,
    signatures: Dictionary,
    resolve_key: Callable[[str], PublicKey | None],
    now: datetime,
    policy: VerifyPolicy,
) -> VerifiedSignature:
    covered, signature = inputs.get(label), signatures.get(label)
    if not isinstance(covered, InnerList):
        raise SignatureError(f"Signature-Input has no inner list labelled {label!r}")
    if not isinstance(signature, Item) or not isinstance(signature.value, bytes):
        raise SignatureError(f"Signature has no byte sequence labelled {label!r}")
    key_id = covered.params.get("keyid")
    if not isinstance(key_id, str):
        raise SignatureError(f"signature {label!r} has no keyid parameter")
    names = [item.value for item in covered]
    _check_times(covered.params, now, policy)
    if policy.enforce_coverage:
        _check_coverage(names, covered.params, body)
    if "date" in names and "date" in request.fields:
        check_date_header(request.fields["date"], now, policy.max_skew)
    if "content-digest" in names and "content-digest" in request.fields:
        try:
            check_content_digest(request.fields["content-digest"], body)
        except DigestError as exc:
            raise SignatureError(str(exc)) from exc
    base = signature_base(request, covered).encode("ascii")
    key = resolve_key(key_id)
    if key is None:
        raise SignatureError(f"no public key found for keyid {key_id!r}")
    for algorithm in _algorithms(covered.params.get("alg"), key):
        if verify_bytes(algorithm, key, base, signature.value):
            components = tuple(f"{item.value}{item.params}" for item in covered)
            return VerifiedSignature(key_id, "rfc9421", algorithm, components, label)
    raise BadSignature(f"signature {label!r} does not verify with the key of {key_id!r}")


def _check_times(params: Parameters, now: datetime, policy: VerifyPolicy) -> None:
    for name in ("created", "expires"):
        value = params.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise SignatureError(f"signature parameter {name} is not an integer")
    if params.get("created") is not None:
        check_created(params["created"], now, policy.max_skew)
    if params.get("expires") is not None:
        check_expires(params["expires"], now)


def _check_coverage(names: list[str], params: Parameters, body: bytes) -> None:
    if "created" not in params and "date" not in names:
        raise SignatureError("signature has no created parameter and does not cover date")
    if "@method" not in names:
        raise SignatureError("signature does not cover @method")
    if not any(name in names for name in TARGET_COMPONENTS):
        raise SignatureError("signature covers none of " + ", ".join(TARGET_COMPONENTS))
    if body and "content-digest" not in names:
        raise SignatureError(
            "signature does not cover content-digest although the request has a body"
        )


def _algorithms(alg: object, key: PublicKey) -> list[str]:
    if alg is not None:
        if not isinstance(alg, str) or alg not in ALGORITHMS:
            raise SignatureError(f"unsupported signature algorithm {alg!r}")
        check_key_fits(alg, key)
        return [alg]
    if algorithm_for_key(key) == ED25519:
        return [ED25519]
    # An RSA key does not say which RSA algorithm it is for: fediverse signers use PKCS#1 v1.5,
    # while RFC 9421's own examples (B.2.1-B.2.3) use PSS without an alg parameter.
    check_key_fits(RSA_V1_5_SHA256, key)
    return [RSA_V1_5_SHA256, RSA_PSS_SHA512]
