"""FEP-8b32 object integrity proofs, made with the W3C Data Integrity cryptosuite eddsa-jcs-2022.

FEP-8b32: https://w3id.org/fep/8b32 · cryptosuite: https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
· proof checks: https://www.w3.org/TR/vc-data-integrity/#verify-proof. Key lookup is injected.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.keys import KeyFormatError, PublicKey, load_private_key
from fediverse_hit.protocol.multibase import MultibaseError, decode_base58btc, encode_base58btc
from fediverse_hit.protocol.vocab import DATA_INTEGRITY_V1 as DATA_INTEGRITY_CONTEXT

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"  # FEP-8b32: proofPurpose MUST be assertionMethod
DEFAULT_CLOCK_SKEW = timedelta(hours=1)  # the same window DESIGN.md §5 allows HTTP signature dates
MAX_PROOFS = 8  # each proof re-hashes the whole document; bound the work a hostile sender can cause

JsonObject = dict[str, Any]
Canonicalizer = Callable[[Any], bytes]
"""RFC 8785 serialization; may raise rfc8785.CanonicalizationError (see protocol/canonical_json.py)."""
KeyResolver = Callable[[str], PublicKey | None]
"""Maps a proof's `verificationMethod` to its public key; returns None or raises LookupError or
ValueError when it cannot. Other exceptions (e.g. a network failure) propagate unchanged."""

# Data Integrity §2.1: `created`/`expires` are XML Schema `dateTimeStamp`s. A value without a time
# zone offset MAY be accepted and read as UTC, so the offset is optional here.
_DATE_TIME_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


class ProofError(ValueError):
    """A proof that cannot be made or does not verify; `reason` says why in one line.

    For a document holding a list of proofs, `index` is the position of the one that failed and
    the reason starts with `proof[<index>]: `.
    """

    def __init__(self, reason: str, index: int | None = None) -> None:
        self.index = index
        self.reason = reason if index is None else f"proof[{index}]: {reason}"
        super().__init__(self.reason)


@dataclass(frozen=True)
class VerifiedProof:
    """A proof whose signature verified, and the document it covers (without its `proof`).

    `document` is a new top-level dict but shares nested values with the input: copy before
    changing anything inside it.
    """

    verification_method: str
    proof_purpose: str
    created: datetime | None
    proof: JsonObject
    document: JsonObject
    index: int | None = None


def remove_proof(document: Mapping[str, Any]) -> JsonObject:
    """A new dict: `document` without its `proof` (Data Integrity's "unsecured document")."""
    return {key: value for key, value in document.items() if key != "proof"}


def with_proof_context(document: Mapping[str, Any]) -> JsonObject:
    """A new dict: `document` with the data-integrity/v1 context appended when its @context
    lacks it, so JSON-LD readers see `proof` (Data Integrity §2.1.1 "Context Injection": a
    signer SHOULD add it). Without it AS2's `"@vocab": "_:"` turns `proof` into a blank node."""
    context = document.get("@context")
    contexts = list(context) if isinstance(context, list) else ([context] if context is not None else [])
    if DATA_INTEGRITY_CONTEXT in contexts:
        return dict(document)
    return {**document, "@context": [*contexts, DATA_INTEGRITY_CONTEXT]}


def create_proof(
    document: Mapping[str, Any],
    private_key: ed25519.Ed25519PrivateKey | str,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = ASSERTION_METHOD,
) -> JsonObject:
    """A new dict: `document` plus a `proof` (DataIntegrityProof, eddsa-jcs-2022) signed with
    `private_key` (an Ed25519 key or its PKCS#8 PEM). `created` defaults to now, to the second."""
    if "proof" in document:
        # A second proof would be a proof set or chain, whose JCS hashing is not settled upstream
        # (https://github.com/w3c/vc-data-integrity/issues/231); FEP-8b32 says SHOULD NOT anyway.
        raise ProofError("document already carries a proof")
    if "signature" in document:
        # FEP-8b32 "Backward compatibility": the proof goes on before any Linked Data signature,
        # and verifiers strip `signature` first, so signing over one could never verify.
        raise ProofError("document carries a Linked Data signature; add the proof before it")
    key = _load_signing_key(private_key)
    created = created or datetime.now(UTC)
    config = build_proof_config(document, verification_method, created, proof_purpose)
    proof_bytes = key.sign(hash_proof_data(document, config))
    return {**document, "proof": {**config, "proofValue": encode_base58btc(proof_bytes)}}


def build_proof_config(
    document: Mapping[str, Any],
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> JsonObject:
    """The options of a new proof (all but `proofValue`): what the signature covers besides the
    document."""
    if not isinstance(verification_method, str) or not verification_method:
        raise ProofError("verificationMethod must be a non-empty string")
    if created.tzinfo is None:
        raise ProofError("created must be a timezone-aware datetime")
    config: JsonObject = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if "@context" in document:
        # vc-di-eddsa §3.3.1 step 2: the proof repeats the document's @context, so the signature
        # binds the vocabulary the document was written in. Copied so the two never alias.
        config["@context"] = copy.deepcopy(document["@context"])
    return config


def hash_proof_data(
    unsecured_document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    canonicalize: Canonicalizer = rfc8785.dumps,
) -> bytes:
    """The 64 bytes eddsa-jcs-2022 signs: SHA-256(JCS(proof config)) then SHA-256(JCS(document)).

    vc-di-eddsa §3.3.4 "Hashing": the proof configuration hash comes first.
    """
    config_hash = hashlib.sha256(_canonicalize(proof_config, "proof options", canonicalize)).digest()
    document_hash = hashlib.sha256(_canonicalize(unsecured_document, "document", canonicalize)).digest()
    return config_hash + document_hash


@dataclass(frozen=True)
class VerificationPolicy:
    """What a verifier accepts besides a valid signature.

    `now` (None: the current time) plus `max_clock_skew` bounds how far in the future `created`
    may lie; `expires`, if present, must be after `now`. vc-di-eddsa §3.3.2 lets a document carry
    @context entries appended after the proof's; they are unsigned, so we refuse them unless
    `allow_appended_contexts`.
    """

    expected_purpose: str = ASSERTION_METHOD
    now: datetime | None = None
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW
    allow_appended_contexts: bool = False


DEFAULT_POLICY = VerificationPolicy()


def verify_proof(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    policy: VerificationPolicy = DEFAULT_POLICY,
    canonicalize: Canonicalizer = rfc8785.dumps,
) -> VerifiedProof:
    """Verify the document's one proof (FEP-8b32: objects SHOULD NOT carry more than one).

    Raises `ProofError` with the reason. A list of several proofs is refused here: use
    `verify_proofs` for a proof set. `canonicalize` lets a caller that hashes the same document
    again (a chain verifier) share one memoizing serializer.
    """
    proofs = document.get("proof")
    if isinstance(proofs, list) and len(proofs) > 1:
        raise ProofError(f"document carries {len(proofs)} proofs; verify them with verify_proofs")
    (verified,) = verify_proofs(document, resolve_key, policy, canonicalize)
    return verified


def verify_proofs(
    document: Mapping[str, Any],
    resolve_key: KeyResolver,
    policy: VerificationPolicy = DEFAULT_POLICY,
    canonicalize: Canonicalizer = rfc8785.dumps,
) -> tuple[VerifiedProof, ...]:
    """Verify every proof of `document` (one object, or a list: a proof set); all must hold.

    Raises `ProofError` with the reason; for a list, its `index` says which proof failed.
    Checking that the key belongs to the object's author is the caller's job (FEP-8b32 "Proof
    verification"): compare `VerifiedProof.verification_method` with the author's keys.
    """
    proofs = document.get("proof")
    if proofs is None:
        raise ProofError("document has no proof")
    unsecured = remove_proof(document)
    # FEP-8b32 "Backward compatibility": a Linked Data signature MUST be removed before verifying.
    unsecured.pop("signature", None)
    now = policy.now or datetime.now(UTC)
    if isinstance(proofs, Mapping):
        return (_verify_one(unsecured, proofs, resolve_key, policy, now, canonicalize),)
    if not isinstance(proofs, list) or not proofs:
        raise ProofError("proof must be an object or a non-empty list of objects")
    if len(proofs) > MAX_PROOFS:
        raise ProofError(f"document carries {len(proofs)} proofs; at most {MAX_PROOFS} are checked")
    results = []
    for index, proof in enumerate(proofs):
        try:
            results.append(_verify_one(unsecured, proof, resolve_key, policy, now, canonicalize, index))
        except ProofError as exc:
            raise ProofError(exc.reason, index) from None
    return tuple(results)


def _verify_one(
    unsecured: JsonObject,
    proof: object,
    resolve_key: KeyResolver,
    policy: VerificationPolicy,
    now: datetime,
    canonicalize: Canonicalizer,
    index: int | None = None,
) -> VerifiedProof:
    """vc-di-eddsa §3.3.2 "Verify Proof", with the Data Integrity §4.4 checks before it.

    Every check that needs no key runs first, so a malformed proof never triggers a key lookup.
    """
    if not isinstance(proof, Mapping):
        raise ProofError("proof must be a JSON object")
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    _check_suite(options)
    method = options.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise ProofError("proof has no verificationMethod")
    purpose = options.get("proofPurpose")
    if purpose != policy.expected_purpose:
        raise ProofError(f"proofPurpose is {_show(purpose)}, expected {policy.expected_purpose!r}")
    if "previousProof" in options:
        raise ProofError("proof chains (previousProof) are not supported")
    created = _check_times(options, now, policy.max_clock_skew)
    proof_bytes = _decode_proof_value(proof.get("proofValue"))
    signed_document = _restore_signed_context(unsecured, options, policy.allow_appended_contexts)
    public_key = _resolve_key(resolve_key, method)
    if not any(
        _signature_holds(public_key, proof_bytes, signed_document, config, canonicalize)
        for config in _signed_configs(options, signed_document)
    ):
        reason = "signature does not match (document or proof altered, or wrong key)"
        raise ProofError(reason)
    proof_copy = copy.deepcopy(dict(proof))
    return VerifiedProof(method, purpose, created, proof_copy, signed_document, index)


def _signed_configs(options: Mapping[str, Any], document: JsonObject) -> list[Mapping[str, Any]]:
    """The proof configurations the signer may have hashed. vc-di-eddsa §3.3.5 copies the
    document's @context into the configuration, so a proof sent without @context was signed over
    that (Fedify verifies so, packages/fedify/src/sig/proof.ts); some signers hash it as sent."""
    if "@context" in options or "@context" not in document:
        return [options]
    return [{**options, "@context": document["@context"]}, options]


def _signature_holds(
    key: ed25519.Ed25519PublicKey,
    signature: bytes,
    document: JsonObject,
    config: Mapping[str, Any],
    canonicalize: Canonicalizer,
) -> bool:
    try:
        key.verify(signature, hash_proof_data(document, config, canonicalize))
    except InvalidSignature:
        return False
    return True


def _check_suite(options: Mapping[str, Any]) -> None:
    """vc-di-eddsa §3.3.5: type DataIntegrityProof and cryptosuite eddsa-jcs-2022, nothing else."""
    if options.get("type") != PROOF_TYPE:
        raise ProofError(f"proof type is {_show(options.get('type'))}, expected {PROOF_TYPE!r}")
    if options.get("cryptosuite") != CRYPTOSUITE:
        # Early FEP-8b32 drafts used the name "jcs-eddsa-2022"; those proofs fail here on purpose.
        suite = _show(options.get("cryptosuite"))
        raise ProofError(f"cryptosuite is {suite}, expected {CRYPTOSUITE!r}")


def _check_times(
    options: Mapping[str, Any], now: datetime, max_clock_skew: timedelta
) -> datetime | None:
    """`created` (optional) must parse and not lie in the future; `expires` must not be past."""
    created = _parse_date_time(options["created"], "created") if "created" in options else None
    if created is not None and created > now + max_clock_skew:
        raise ProofError(f"proof created {options['created']} is in the future")
    if "expires" in options:
        expires = _parse_date_time(options["expires"], "expires")
        if created is not None and expires < created:
            raise ProofError("proof expires before it was created")
        if expires <= now:
            raise ProofError(f"proof expired at {options['expires']}")
    return created


def _parse_date_time(value: object, name: str) -> datetime:
    if not isinstance(value, str) or not _DATE_TIME_STAMP.fullmatch(value):
        raise ProofError(f"{name} is not an XML Schema dateTimeStamp: {_show(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProofError(f"{name} is not a valid date and time: {_show(value)}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _decode_proof_value(value: object) -> bytes:
    if value is None:
        raise ProofError("proof has no proofValue")
    if not isinstance(value, str):
        raise ProofError("proofValue must be a string")
    try:
        proof_bytes = decode_base58btc(value)
    except MultibaseError as exc:
        raise ProofError(f"proofValue: {exc}") from None
    if len(proof_bytes) != 64:
        raise ProofError(f"proofValue holds {len(proof_bytes)} bytes, an Ed25519 signature is 64")
    return proof_bytes


def _restore_signed_context(
    unsecured: JsonObject, options: Mapping[str, Any], allow_appended: bool
) -> JsonObject:
    """vc-di-eddsa §3.3.2 step 4: the proof's @context must lead the document's, and the
    document is then verified under the proof's @context. A proof without @context (signers that
    skip §3.3.1 step 2, which the spec tolerates) is verified over the document as it is."""
    if "@context" not in options:
        return unsecured
    if "@context" not in unsecured:
        raise ProofError("proof has an @context but the document has none")
    proof_context = _as_list(options["@context"])
    document_context = _as_list(unsecured["@context"])
    leading = document_context[: len(proof_context)]
    if document_context != proof_context and not (allow_appended and leading == proof_context):
        raise ProofError("proof @context does not match the document's @context")
    return {**unsecured, "@context": options["@context"]}


def _as_list(context: object) -> list[object]:
    return context if isinstance(context, list) else [context]


def _resolve_key(resolve_key: KeyResolver, method: str) -> ed25519.Ed25519PublicKey:
    try:
        key = resolve_key(method)
    except (LookupError, ValueError) as exc:
        raise ProofError(f"verification method {_show(method)} not resolved: {exc}") from exc
    if key is None:
        raise ProofError(f"verification method {_show(method)} not resolved")
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ProofError(f"verification method {_show(method)} is not an Ed25519 key")
    return key


def _load_signing_key(private_key: ed25519.Ed25519PrivateKey | str) -> ed25519.Ed25519PrivateKey:
    try:
        key = load_private_key(private_key) if isinstance(private_key, str) else private_key
    except KeyFormatError as exc:
        raise ProofError(str(exc)) from exc
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ProofError("eddsa-jcs-2022 proofs need an Ed25519 private key")
    return key


def _canonicalize(value: Mapping[str, Any], what: str, canonicalize: Canonicalizer) -> bytes:
    """RFC 8785 JCS bytes (UTF-8), as vc-di-eddsa §3.3.3/§3.3.5 require."""
    try:
        return canonicalize(value if isinstance(value, dict) else dict(value))
    except rfc8785.CanonicalizationError as exc:
        raise ProofError(f"{what} cannot be canonicalized (RFC 8785): {exc}") from None


def _show(value: object, limit: int = 60) -> str:
    """A short repr of untrusted input for a reason string that may be shown to the sender."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
