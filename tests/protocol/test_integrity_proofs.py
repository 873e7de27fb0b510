"""FEP-8b32 integrity proofs (eddsa-jcs-2022): published vectors, tampering, and a round trip.

Vectors come from W3C vc-di-eddsa and the FEP-8b32 feature file; see the README.md beside each
fixture directory for the exact source.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ed25519

from fediverse_hit.protocol.integrity_proofs import (
    KeyResolver,
    ProofError,
    VerificationPolicy,
    build_proof_config,
    create_proof,
    hash_proof_data,
    remove_proof,
    verify_proof,
    verify_proofs,
)
from fediverse_hit.protocol.keys import (
    PublicKey,
    generate_ed25519_key,
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
    multibase_to_public_key,
    public_key_to_multibase,
)
from fediverse_hit.protocol.multibase import MultibaseError, decode_base58btc, encode_base58btc

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VC_DI_EDDSA = FIXTURES / "vc-di-eddsa"
JCS_VECTORS = VC_DI_EDDSA / "eddsa-jcs-2022"
ED25519_PRIVATE_MULTICODEC = b"\x80\x26"  # varint of 0x1300, ed25519-priv


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def private_key_from_multibase(value: str) -> ed25519.Ed25519PrivateKey:
    """A Multikey secret key: multicodec ed25519-priv followed by the 32-byte seed."""
    data = decode_base58btc(value)
    assert data.startswith(ED25519_PRIVATE_MULTICODEC)
    return ed25519.Ed25519PrivateKey.from_private_bytes(data[len(ED25519_PRIVATE_MULTICODEC) :])


def resolver_for(keys: Mapping[str, PublicKey]) -> KeyResolver:
    return keys.get


# --- W3C vc-di-eddsa "Representation: eddsa-jcs-2022" ------------------------------------------

KEY_PAIR = read_json(VC_DI_EDDSA / "keyPair.json")
VECTOR_KEY = private_key_from_multibase(KEY_PAIR["privateKeyMultibase"])
VECTOR_PUBLIC_KEY = multibase_to_public_key(KEY_PAIR["publicKeyMultibase"])
VECTOR_CONFIG = read_json(JCS_VECTORS / "proofConfigJCS.json")
VECTOR_METHOD = VECTOR_CONFIG["verificationMethod"]
VECTOR_CREATED = datetime.fromisoformat(VECTOR_CONFIG["created"])
UNSIGNED = read_json(VC_DI_EDDSA / "unsigned.json")
SIGNED = read_json(JCS_VECTORS / "signedJCS.json")


def test_vector_private_key_matches_its_public_key() -> None:
    assert public_key_to_multibase(VECTOR_KEY.public_key()) == KEY_PAIR["publicKeyMultibase"]


def test_vector_canonical_document_is_jcs_of_document_without_proof() -> None:
    canonical = rfc8785.dumps(remove_proof(SIGNED))
    assert canonical == read_text(JCS_VECTORS / "canonDocJCS.txt").encode("utf-8")
    assert canonical == rfc8785.dumps(UNSIGNED)


def test_vector_proof_config_copies_document_context() -> None:
    config = build_proof_config(UNSIGNED, VECTOR_METHOD, VECTOR_CREATED)
    assert config == VECTOR_CONFIG
    assert rfc8785.dumps(config) == read_text(JCS_VECTORS / "proofCanonJCS.txt").encode("utf-8")


def test_vector_hash_data_is_proof_hash_then_document_hash() -> None:
    hash_data = hash_proof_data(UNSIGNED, VECTOR_CONFIG)
    assert hash_data.hex() == read_text(JCS_VECTORS / "combinedHashJCS.txt")
    assert hash_data[:32].hex() == read_text(JCS_VECTORS / "proofHashJCS.txt")
    assert hash_data[32:].hex() == read_text(JCS_VECTORS / "docHashJCS.txt")


def test_vector_create_proof_reproduces_signed_credential() -> None:
    signed = create_proof(UNSIGNED, VECTOR_KEY, VECTOR_METHOD, created=VECTOR_CREATED)
    assert signed == SIGNED
    proof_value = signed["proof"]["proofValue"]
    assert proof_value == read_text(JCS_VECTORS / "sigBTC58JCS.txt")
    assert decode_base58btc(proof_value).hex() == read_text(JCS_VECTORS / "sigHexJCS.txt")


def test_vector_signed_credential_verifies() -> None:
    verified = verify_proof(SIGNED, resolver_for({VECTOR_METHOD: VECTOR_PUBLIC_KEY}))
    assert verified.verification_method == VECTOR_METHOD
    assert verified.proof_purpose == "assertionMethod"
    assert verified.created == datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
    assert verified.document == UNSIGNED


def test_base58btc_encodes_vector_signature() -> None:
    signature = bytes.fromhex(read_text(JCS_VECTORS / "sigHexJCS.txt"))
    assert encode_base58btc(signature) == read_text(JCS_VECTORS / "sigBTC58JCS.txt")


@pytest.mark.parametrize("value", ["u3q2-7w", "z0OIl", "zé", ""])
def test_base58btc_refuses_other_bases_and_bad_characters(value: str) -> None:
    with pytest.raises(MultibaseError):
        decode_base58btc(value)


# --- FEP-8b32 fep-8b32.feature -----------------------------------------------------------------

FEATURE = (FIXTURES / "fep-8b32" / "fep-8b32.feature").read_text(encoding="utf-8")
FEP_UNSIGNED, FEP_SIGNED, FEP_SIGNED_AGAIN, FEP_ACTOR = (
    json.loads(block) for block in re.findall(r'"""\n(.*?)\n\s*"""', FEATURE, re.DOTALL)
)


def feature_value(phrase: str) -> str:
    match = re.search(phrase + r' "([^"]+)"', FEATURE)
    assert match is not None, phrase
    return match.group(1)


FEP_KEY = private_key_from_multibase(feature_value("Ed25519 secret key"))
FEP_CREATED = datetime.fromisoformat(feature_value("current time"))
FEP_METHOD = feature_value("Signing the document for key")
FEP_RESOLVER = resolver_for(
    {
        method["id"]: multibase_to_public_key(method["publicKeyMultibase"])
        for method in FEP_ACTOR["assertionMethod"]
    }
)


def test_fep_8b32_signing_scenario_reproduces_signed_activity() -> None:
    assert create_proof(FEP_UNSIGNED, FEP_KEY, FEP_METHOD, created=FEP_CREATED) == FEP_SIGNED


def test_fep_8b32_verifying_scenario_accepts_signed_activity() -> None:
    assert FEP_SIGNED_AGAIN == FEP_SIGNED
    verified = verify_proof(FEP_SIGNED_AGAIN, FEP_RESOLVER)
    assert verified.verification_method == "https://server.example/users/alice#ed25519-key"
    assert verified.document == FEP_UNSIGNED


# --- tampering and refusals --------------------------------------------------------------------


def with_proof_field(document: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    return {**document, "proof": {**document["proof"], name: value}}


def reason_of(
    document: dict[str, Any], resolve_key: KeyResolver = FEP_RESOLVER, **policy: Any
) -> str:
    with pytest.raises(ProofError) as caught:
        verify_proofs(document, resolve_key, VerificationPolicy(**policy))
    return caught.value.reason


def test_changed_nested_field_fails() -> None:
    tampered = copy.deepcopy(FEP_SIGNED)
    tampered["object"]["content"] = "Goodbye world"
    assert "signature does not match" in reason_of(tampered)


def test_changed_proof_value_fails() -> None:
    signature = bytearray(decode_base58btc(FEP_SIGNED["proof"]["proofValue"]))
    signature[10] ^= 0x01
    tampered = with_proof_field(FEP_SIGNED, "proofValue", encode_base58btc(bytes(signature)))
    assert "signature does not match" in reason_of(tampered)


def test_changed_created_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "created", "2023-02-24T23:36:39Z")
    assert "signature does not match" in reason_of(tampered)


def test_wrong_key_fails() -> None:
    other_key = ed25519.Ed25519PrivateKey.generate().public_key()
    reason = reason_of(FEP_SIGNED, resolver_for({FEP_METHOD: other_key}))
    assert "signature does not match" in reason


def test_unknown_verification_method_fails_naming_it() -> None:
    reason = reason_of(FEP_SIGNED, resolver_for({}))
    assert "not resolved" in reason and FEP_METHOD in reason


def test_resolver_error_is_reported_as_reason() -> None:
    def refuse(method: str) -> PublicKey | None:
        raise LookupError("key is not in the actor's assertionMethod")

    assert "not in the actor's assertionMethod" in reason_of(FEP_SIGNED, refuse)


def test_rsa_key_for_eddsa_proof_fails() -> None:
    rsa_key = load_public_key_pem(generate_rsa_key().public_pem)
    assert "not an Ed25519 key" in reason_of(FEP_SIGNED, resolver_for({FEP_METHOD: rsa_key}))


def test_missing_proof_fails() -> None:
    assert reason_of(FEP_UNSIGNED) == "document has no proof"


def test_legacy_cryptosuite_name_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "cryptosuite", "jcs-eddsa-2022")
    assert "cryptosuite" in reason_of(tampered)


def test_other_proof_purpose_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "proofPurpose", "authentication")
    assert "proofPurpose" in reason_of(tampered)


def test_short_proof_value_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "proofValue", encode_base58btc(bytes(63)))
    assert "63 bytes" in reason_of(tampered)


def test_malformed_created_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "created", "24 Feb 2023")
    assert "dateTimeStamp" in reason_of(tampered)


def test_created_in_the_future_fails() -> None:
    an_hour_and_a_half_before = FEP_CREATED - timedelta(minutes=90)
    assert "in the future" in reason_of(FEP_SIGNED, now=an_hour_and_a_half_before)


def test_created_within_clock_skew_verifies() -> None:
    half_an_hour_before = FEP_CREATED - timedelta(minutes=30)
    verify_proof(FEP_SIGNED, FEP_RESOLVER, VerificationPolicy(now=half_an_hour_before))


def test_expired_proof_fails() -> None:
    tampered = with_proof_field(FEP_SIGNED, "expires", "2024-01-01T00:00:00Z")
    assert "expired" in reason_of(tampered)


def test_proof_chain_is_refused() -> None:
    tampered = with_proof_field(FEP_SIGNED, "previousProof", "urn:uuid:1")
    assert "previousProof" in reason_of(tampered)


EXTRA_CONTEXT = {"fhit": "https://x.example/ns#"}


def test_appended_document_context_fails_by_default() -> None:
    extended = {**FEP_SIGNED, "@context": [*FEP_SIGNED["@context"], EXTRA_CONTEXT]}
    assert "@context" in reason_of(extended)


def test_appended_document_context_verifies_when_allowed() -> None:
    extended = {**FEP_SIGNED, "@context": [*FEP_SIGNED["@context"], EXTRA_CONTEXT]}
    policy = VerificationPolicy(allow_appended_contexts=True)
    verified = verify_proof(extended, FEP_RESOLVER, policy)
    assert verified.document["@context"] == FEP_SIGNED["@context"]


def test_proof_context_without_document_context_fails() -> None:
    without_context = {key: value for key, value in FEP_SIGNED.items() if key != "@context"}
    assert "document has none" in reason_of(without_context)


def test_proof_without_context_verifies_over_the_document_as_is() -> None:
    # vc-di-eddsa §3.3.1 notes some signers skip copying @context into the proof.
    config = build_proof_config(FEP_UNSIGNED, FEP_METHOD, FEP_CREATED)
    del config["@context"]
    signature = FEP_KEY.sign(hash_proof_data(FEP_UNSIGNED, config))
    signed = {**FEP_UNSIGNED, "proof": {**config, "proofValue": encode_base58btc(signature)}}
    assert verify_proof(signed, FEP_RESOLVER).document == FEP_UNSIGNED


def test_linked_data_signature_is_removed_before_verifying() -> None:
    ld_signature = {"type": "RsaSignature2017", "signatureValue": "x"}
    with_ld_signature = {**FEP_SIGNED, "signature": ld_signature}
    verify_proof(with_ld_signature, FEP_RESOLVER)


def test_create_refuses_a_document_that_already_has_a_proof() -> None:
    with pytest.raises(ProofError, match="already carries a proof"):
        create_proof(FEP_SIGNED, FEP_KEY, FEP_METHOD)


# --- proof sets --------------------------------------------------------------------------------

SECOND_METHOD = "https://other.example/users/bob#ed25519-key"
SECOND_KEY = ed25519.Ed25519PrivateKey.generate()
BOTH_KEYS = {
    FEP_METHOD: FEP_KEY.public_key(),
    SECOND_METHOD: SECOND_KEY.public_key(),
}


def proof_set(document: dict[str, Any]) -> dict[str, Any]:
    first = create_proof(document, FEP_KEY, FEP_METHOD)["proof"]
    second = create_proof(document, SECOND_KEY, SECOND_METHOD)["proof"]
    return {**document, "proof": [first, second]}


def test_proof_set_verifies_every_proof() -> None:
    verified = verify_proofs(proof_set(FEP_UNSIGNED), resolver_for(BOTH_KEYS))
    assert [proof.verification_method for proof in verified] == [FEP_METHOD, SECOND_METHOD]
    assert [proof.index for proof in verified] == [0, 1]


def test_proof_set_failure_names_the_failing_proof() -> None:
    signed = proof_set(FEP_UNSIGNED)
    signed["proof"][1] = {**signed["proof"][1], "created": "2020-01-01T00:00:00Z"}
    with pytest.raises(ProofError) as caught:
        verify_proofs(signed, resolver_for(BOTH_KEYS))
    assert caught.value.index == 1
    assert caught.value.reason.startswith("proof[1]: signature does not match")


def test_verify_proof_refuses_several_proofs() -> None:
    with pytest.raises(ProofError, match="2 proofs"):
        verify_proof(proof_set(FEP_UNSIGNED), resolver_for(BOTH_KEYS))


# --- round trip with a fresh key ---------------------------------------------------------------

NOTE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/data-integrity/v2",
        {"fhit": "https://hit.example/ns#", "sources": {"@id": "fhit:sources", "@type": "@id"}},
    ],
    "id": "https://hit.example/contributions/42",
    "type": "Note",
    "attributedTo": "https://hit.example/users/zoë",
    "content": '<p><strong>Ünïcödé — 夜の歌 🎶</strong></p><p>naïve café, "quoted" \\ slash</p>',
    "contentMap": {"fr": "<p>chanson de nuit</p>", "ja": "<p>夜の歌</p>"},
    "published": "2025-11-26T02:22:00Z",
    "tag": [{"type": "Hashtag", "name": "#música", "href": "https://hit.example/tags/música"}],
    "attachment": [
        {
            "type": "Document",
            "mediaType": "audio/ogg",
            "url": "https://hit.example/media/1.ogg",
            "duration": "PT3M2S",
            "icon": {"type": "Image", "url": "https://hit.example/media/cover.png", "name": "封面"},
        }
    ],
    "fhit:sources": [{"type": "fhit:Source", "object": "https://a.example/1", "fhit:weight": 6000}],
    "fhit:upstreamShare": 5000,
    "sensitive": False,
    "inReplyTo": None,
}


def test_round_trip_with_fresh_key_on_note_with_nested_non_ascii_content() -> None:
    pair = generate_ed25519_key()
    method = "https://hit.example/users/zoë#ed25519-key"
    original = copy.deepcopy(NOTE)
    signed = create_proof(NOTE, pair.private_pem, method)
    assert original == NOTE  # the input was not touched
    assert signed["proof"]["@context"] == NOTE["@context"]
    assert signed["proof"]["proofValue"].startswith("z")
    multikey = public_key_to_multibase(load_public_key_pem(pair.public_pem))  # as published
    public_key = multibase_to_public_key(multikey)
    wire = json.loads(json.dumps(signed, ensure_ascii=False))  # as a peer would receive it
    verified = verify_proof(wire, resolver_for({method: public_key}))
    assert verified.document == NOTE
    assert verified.created is not None
    assert abs(verified.created - datetime.now(UTC)) < timedelta(minutes=1)


def test_round_trip_tampered_nested_value_fails() -> None:
    key = load_private_key(generate_ed25519_key().private_pem)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    signed = create_proof(NOTE, key, "https://hit.example/users/zoë#ed25519-key")
    tampered = copy.deepcopy(signed)
    tampered["fhit:sources"][0]["fhit:weight"] = 9000
    resolver = resolver_for({"https://hit.example/users/zoë#ed25519-key": key.public_key()})
    verify_proof(signed, resolver)
    assert "signature does not match" in reason_of(tampered, resolver)


def test_verify_does_not_touch_the_input() -> None:
    signed = copy.deepcopy(FEP_SIGNED)
    verified = verify_proof(signed, FEP_RESOLVER)
    verified.document["extra"] = 1
    verified.proof["extra"] = 1
    assert signed == FEP_SIGNED


def test_remove_proof_returns_a_new_dict_without_proof() -> None:
    stripped = remove_proof(FEP_SIGNED)
    assert "proof" not in stripped and "proof" in FEP_SIGNED
    assert stripped == FEP_UNSIGNED
