"""FEP-8b32 proofs: each refusal with its exact reason (what the sender of a bad object is told),
the boundaries of the time and proof-count checks, and copies that callers may change freely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from fediverse_hit.protocol.integrity_proofs import (
    MAX_PROOFS,
    ProofError,
    VerificationPolicy,
    build_proof_config,
    create_proof,
    hash_proof_data,
    verify_proof,
    verify_proofs,
    with_proof_context,
)
from fediverse_hit.protocol.keys import generate_ed25519_key, generate_rsa_key, load_private_key
from fediverse_hit.protocol.multibase import encode_base58btc

AS = "https://www.w3.org/ns/activitystreams"
METHOD = "https://hit.example/users/alice#ed25519-key"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AT_NOW = VerificationPolicy(now=NOW)
PAIR = generate_ed25519_key()
KEY = load_private_key(PAIR.private_pem)
PUBLIC = KEY.public_key()
NOTE = {"@context": [AS, {"fhit": "https://fediverse-hit.org/ns#"}], "id": "https://hit.example/c/1", "type": "Note",
        "content": "dusk"}


def _resolve(method: str) -> Any:
    return PUBLIC if method == METHOD else None


def _with_options(options: dict[str, Any], document: dict[str, Any] = NOTE) -> dict[str, Any]:
    """`document` signed over exactly these proof options (written by hand, whatever they hold)."""
    signature = KEY.sign(hash_proof_data(document, options))  # type: ignore[union-attr]
    return {**document, "proof": {**options, "proofValue": encode_base58btc(signature)}}


def _options(**changes: Any) -> dict[str, Any]:
    options = build_proof_config(NOTE, METHOD, NOW - timedelta(minutes=5))
    options.update(changes)
    return {key: value for key, value in options.items() if value is not None}


def _reason(document: dict[str, Any], policy: VerificationPolicy = AT_NOW) -> str:
    with pytest.raises(ProofError) as caught:
        verify_proofs(document, _resolve, policy)
    return caught.value.reason


def test_signing_a_document_that_has_a_proof_is_refused() -> None:
    with pytest.raises(ProofError, match="^document already carries a proof$"):
        create_proof({**NOTE, "proof": {}}, KEY, METHOD)  # type: ignore[arg-type]


def test_signing_over_a_linked_data_signature_is_refused() -> None:
    with pytest.raises(ProofError, match="^document carries a Linked Data signature; add the proof before it$"):
        create_proof({**NOTE, "signature": {}}, KEY, METHOD)  # type: ignore[arg-type]


def test_the_proof_purpose_asked_for_is_the_one_signed() -> None:
    signed = create_proof(NOTE, KEY, METHOD, NOW, proof_purpose="authentication")  # type: ignore[arg-type]
    assert signed["proof"]["proofPurpose"] == "authentication"
    assert verify_proof(signed, _resolve, VerificationPolicy(expected_purpose="authentication", now=NOW))


@pytest.mark.parametrize(("method", "created", "reason"), [
    ("", NOW, "verificationMethod must be a non-empty string"),
    (METHOD, datetime(2026, 3, 1), "created must be a timezone-aware datetime"),
])
def test_proof_options_need_a_method_and_an_aware_time(method: str, created: datetime, reason: str) -> None:
    with pytest.raises(ProofError) as caught:
        build_proof_config(NOTE, method, created)
    assert caught.value.reason == reason


def test_proof_options_copy_the_context_deeply() -> None:
    config = build_proof_config(NOTE, METHOD, NOW)
    config["@context"][1]["fhit"] = "https://evil.example/ns#"
    assert NOTE["@context"][1] == {"fhit": "https://fediverse-hit.org/ns#"}  # type: ignore[index]


@pytest.mark.parametrize(("document", "what"), [
    ({**NOTE, "big": 2**60}, "document"),
    ({**NOTE, "@context": [AS, {"big": 2**60}]}, "proof options"),
])
def test_json_that_jcs_cannot_canonicalize_is_named(document: dict[str, Any], what: str) -> None:
    # Hostile: an integer beyond I-JSON's range, which RFC 8785 cannot serialize.
    with pytest.raises(ProofError) as caught:
        create_proof(document, KEY, METHOD, NOW)  # type: ignore[arg-type]
    assert caught.value.reason.startswith(f"{what} cannot be canonicalized (RFC 8785): ")


def test_a_list_of_one_proof_verifies_as_one_proof() -> None:
    signed = create_proof(NOTE, KEY, METHOD, NOW)  # type: ignore[arg-type]
    assert verify_proof({**signed, "proof": [signed["proof"]]}, _resolve, AT_NOW).verification_method == METHOD


@pytest.mark.parametrize("proof", [[], "z3abc"])
def test_a_proof_that_is_neither_object_nor_list_is_refused(proof: object) -> None:
    assert _reason({**NOTE, "proof": proof}) == "proof must be an object or a non-empty list of objects"


def test_at_most_eight_proofs_are_checked_and_eight_are_fine() -> None:
    proofs = [create_proof(NOTE, KEY, METHOD, NOW - timedelta(minutes=n))["proof"] for n in range(MAX_PROOFS + 1)]  # type: ignore[arg-type]
    assert len(verify_proofs({**NOTE, "proof": proofs[:MAX_PROOFS]}, _resolve, AT_NOW)) == MAX_PROOFS
    assert _reason({**NOTE, "proof": proofs}) == f"document carries {MAX_PROOFS + 1} proofs; at most {MAX_PROOFS} are checked"


@pytest.mark.parametrize(("options", "reason"), [
    (_options(type="Ed25519Signature2020"), "proof type is 'Ed25519Signature2020', expected 'DataIntegrityProof'"),
    (_options(cryptosuite="jcs-eddsa-2022"), "cryptosuite is 'jcs-eddsa-2022', expected 'eddsa-jcs-2022'"),
    (_options(verificationMethod=""), "proof has no verificationMethod"),
    (_options(proofPurpose="authentication"), "proofPurpose is 'authentication', expected 'assertionMethod'"),
    (_options(previousProof="urn:uuid:1"), "proof chains (previousProof) are not supported"),
    (_options(created="yesterday"), "created is not an XML Schema dateTimeStamp: 'yesterday'"),
    (_options(expires="soon"), "expires is not an XML Schema dateTimeStamp: 'soon'"),
    (_options(created="2026-13-45T00:00:00Z"), "created is not a valid date and time: '2026-13-45T00:00:00Z'"),
    (_options(expires="2026-03-01T11:00:00Z"), "proof expires before it was created"),
    (_options(created="2026-03-01T11:00:00Z", expires="2026-03-01T12:00:00Z"), "proof expired at 2026-03-01T12:00:00Z"),
])
def test_bad_proof_options_are_refused_with_their_reason(options: dict[str, Any], reason: str) -> None:
    assert _reason(_with_options(options)) == reason


def test_a_proof_in_a_list_that_is_no_object_is_named_by_position() -> None:
    assert _reason({**NOTE, "proof": ["z3abc"]}) == "proof[0]: proof must be a JSON object"


@pytest.mark.parametrize(("value", "reason"), [
    (None, "proof has no proofValue"),
    (42, "proofValue must be a string"),
])
def test_a_missing_or_mistyped_proof_value_is_refused(value: object, reason: str) -> None:
    proof = {**_options(), "proofValue": value} if value is not None else _options()
    assert _reason({**NOTE, "proof": proof}) == reason


def test_a_proof_value_that_is_not_multibase_is_refused() -> None:
    assert _reason({**NOTE, "proof": {**_options(), "proofValue": "m123"}}).startswith("proofValue: ")


def test_created_at_the_edge_of_the_allowed_skew_is_accepted() -> None:
    edge = (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert verify_proofs(_with_options(_options(created=edge)), _resolve, AT_NOW)


def test_expires_equal_to_created_is_accepted_while_in_the_future() -> None:
    later = (NOW + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert verify_proofs(_with_options(_options(created=later, expires=later)), _resolve, AT_NOW)


def test_a_proof_without_created_verifies_and_says_so() -> None:
    (verified,) = verify_proofs(_with_options(_options(created=None)), _resolve, AT_NOW)
    assert verified.created is None


@pytest.mark.parametrize(("created", "expected"), [
    ("2026-03-01T11:00:00", datetime(2026, 3, 1, 11, 0, tzinfo=UTC)),  # no offset: read as UTC
    ("2026-03-01T13:00:00+02:00", datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=2)))),
])
def test_created_keeps_its_offset_or_is_read_as_utc(created: str, expected: datetime) -> None:
    (verified,) = verify_proofs(_with_options(_options(created=created)), _resolve, AT_NOW)
    assert verified.created == expected and verified.created.utcoffset() == expected.utcoffset()


def test_a_proof_context_list_matches_a_document_context_string() -> None:
    options = _options(**{"@context": [AS]})
    signed = _with_options(options, {**NOTE, "@context": [AS]})
    assert verify_proofs({**signed, "@context": AS}, _resolve, AT_NOW)


def test_a_proof_sent_without_context_was_signed_over_the_documents() -> None:
    # vc-di-eddsa §3.3.5: the proof configuration takes the document's @context; Fedify signs so
    # and may send the proof without it (tests/oracles/test_proof_oracle.py).
    options = _options(**{"@context": None})
    signature = KEY.sign(hash_proof_data(NOTE, {**options, "@context": NOTE["@context"]}))  # type: ignore[union-attr]
    signed = {**NOTE, "proof": {**options, "proofValue": encode_base58btc(signature)}}
    assert verify_proofs(signed, _resolve, AT_NOW)[0].verification_method == METHOD


def test_context_mismatches_are_refused_with_their_reason() -> None:
    signed = _with_options(_options())
    assert _reason({**signed, "@context": [AS]}) == "proof @context does not match the document's @context"
    without = {key: value for key, value in signed.items() if key != "@context"}
    assert _reason(without) == "proof has an @context but the document has none"


def test_key_lookup_failures_name_the_method() -> None:
    signed = _with_options(_options())

    def gone(method: str) -> Any:
        raise LookupError("gone")

    with pytest.raises(ProofError) as caught:
        verify_proofs(signed, gone, AT_NOW)
    assert caught.value.reason == f"verification method {METHOD!r} not resolved: gone"
    rsa = load_private_key(generate_rsa_key().private_pem).public_key()
    with pytest.raises(ProofError) as caught:
        verify_proofs(signed, lambda _: rsa, AT_NOW)
    assert caught.value.reason == f"verification method {METHOD!r} is not an Ed25519 key"


def test_signing_keys_must_be_readable_ed25519_keys() -> None:
    with pytest.raises(ProofError, match="^unreadable private key: "):
        create_proof(NOTE, "not a key", METHOD)
    with pytest.raises(ProofError, match="^eddsa-jcs-2022 proofs need an Ed25519 private key$"):
        create_proof(NOTE, generate_rsa_key().private_pem, METHOD)


@pytest.mark.parametrize(("length", "shown"), [(58, None), (59, "…")])
def test_long_untrusted_values_are_cut_to_sixty_characters(length: int, shown: str | None) -> None:
    # Hostile: a huge proofPurpose must not be echoed whole into the reason.
    purpose = "p" * length  # its repr is two characters longer
    reason = _reason(_with_options(_options(proofPurpose=purpose)))
    quoted = repr(purpose) if shown is None else repr(purpose)[:59] + "…"
    assert reason == f"proofPurpose is {quoted}, expected 'assertionMethod'"


def test_the_verified_proof_is_a_deep_copy() -> None:
    signed = create_proof(NOTE, KEY, METHOD, NOW)  # type: ignore[arg-type]
    verified = verify_proof(signed, _resolve, AT_NOW)
    verified.proof["@context"][1]["fhit"] = "https://evil.example/ns#"
    assert signed["proof"]["@context"][1] == {"fhit": "https://fediverse-hit.org/ns#"}


DI = "https://w3id.org/security/data-integrity/v1"


@pytest.mark.parametrize(("context", "expected"), [
    (AS, [AS, DI]),
    ([AS, {"x": "y"}], [AS, {"x": "y"}, DI]),
    ([AS, DI], [AS, DI]),
    (None, [DI]),
])
def test_the_data_integrity_context_is_appended_once(context: object, expected: list[object]) -> None:
    document = {"id": "https://hit.example/a/1", "type": "Like"} | ({"@context": context} if context else {})
    injected = with_proof_context(document)
    assert injected["@context"] == expected
    assert injected["id"] == document["id"]
    assert document.get("@context") == context  # the input is left alone
