"""FEP-8b32 object integrity proofs (eddsa-jcs-2022) against Fedify, in both directions.

Oracle: Fedify (`@fedify/fedify` on npm, https://fedify.dev), whose `signObject` / `verifyObject`
(packages/fedify/src/sig/proof.ts) FEP-8b32 names as an implementation; run by
tests/oracles/node/fedify_oracle.mjs. Fedify's `verifyObject` also checks that the key's
controller is the object's actor or author, as FEP-8b32 asks of a verifier.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from fediverse_hit.protocol.addressing import addressing_for
from fediverse_hit.protocol.content_activities import build_create, build_like
from fediverse_hit.protocol.integrity_proofs import ProofError, create_proof, verify_proof, with_proof_context
from fediverse_hit.protocol.keys import KeyPairPem, load_public_key_pem, public_key_to_multibase
from fediverse_hit.protocol.notes import NoteFields, build_note
from tests.oracles.conftest import FedifyOracle

ALICE = "https://hit.example/users/alice"
KEY_ID = f"{ALICE}#ed25519-key"
NOTE_ID = "https://hit.example/contributions/7"
CREATED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _note(visibility: str = "public") -> dict[str, Any]:
    to, cc = addressing_for(visibility, f"{ALICE}/followers", [])
    return build_note(NoteFields(
        id=NOTE_ID, url=NOTE_ID, attributed_to=ALICE, kind="text", title="Dusk",
        body_html="<p>From the pier, «façade» ☃</p>", summary=None, sensitive=False, language="en",
        license=None, published=CREATED, updated=None, to=to, cc=cc, in_reply_to=None, context=None,
        replies=f"{NOTE_ID}/replies", likes=f"{NOTE_ID}/likes", shares=f"{NOTE_ID}/shares",
        attachments=[], tags=[],
    ))


def _sign_as_we_send(document: dict[str, Any], pair: KeyPairPem) -> dict[str, Any]:
    # federation/contribution_documents.sign_document: context injection, then the proof.
    return create_proof(with_proof_context(document), pair.private_pem, KEY_ID, CREATED)


def _documents(pair: KeyPairPem) -> dict[str, Any]:
    """What Fedify fetches for the verificationMethod: Alice's Multikey (FEP-521a)."""
    multikey = {"@context": "https://w3id.org/security/multikey/v1", "id": KEY_ID, "type": "Multikey",
                "controller": ALICE,
                "publicKeyMultibase": public_key_to_multibase(load_public_key_pem(pair.public_pem))}
    return {KEY_ID: multikey}


def _fedify_verifies(fedify: FedifyOracle, document: dict[str, Any], pair: KeyPairPem) -> bool:
    return bool(fedify("verify-object", document=document, documents=_documents(pair))["verified"])


def _fedify_signed(fedify: FedifyOracle, document: dict[str, Any], pair: KeyPairPem) -> dict[str, Any]:
    answer = fedify("sign-object", document=document, privateKeyPem=pair.private_pem, keyId=KEY_ID,
                    created="2026-11-26T12:00:00Z", documents=_documents(pair))
    signed: dict[str, Any] = answer["document"]
    return signed


def _our_key(pair: KeyPairPem) -> Any:
    return lambda method: load_public_key_pem(pair.public_pem) if method == KEY_ID else None


LIKE = build_like("https://hit.example/activities/l1", ALICE, "https://peer.example/notes/1")


@pytest.mark.parametrize("kind", ["Note", "Like", "Create"])
def test_fedify_verifies_what_we_sign(fedify: FedifyOracle, ed25519_pair: KeyPairPem, kind: str) -> None:
    note = _sign_as_we_send(_note(), ed25519_pair)
    document = {"Note": _note(), "Like": LIKE, "Create": build_create(f"{NOTE_ID}/activity", note)}[kind]
    assert _fedify_verifies(fedify, _sign_as_we_send(document, ed25519_pair), ed25519_pair)


def test_fedify_refuses_our_proof_once_the_content_changes(fedify: FedifyOracle, ed25519_pair: KeyPairPem) -> None:
    # Hostile: a relay edits a signed Note's content and keeps the proof.
    signed = _sign_as_we_send(_note(), ed25519_pair)
    signed["content"] = signed["content"].replace("pier", "pyre")
    assert not _fedify_verifies(fedify, signed, ed25519_pair)


def test_fedify_refuses_our_proof_under_another_author(fedify: FedifyOracle, ed25519_pair: KeyPairPem) -> None:
    # Hostile: Alice's valid proof on a Note that claims Mallory wrote it.
    note = {**_note(), "attributedTo": "https://hit.example/users/mallory"}
    assert not _fedify_verifies(fedify, _sign_as_we_send(note, ed25519_pair), ed25519_pair)


# Fedify rewrites the public audience to its full IRI before it signs and sends (its
# normalizeOutgoingActivityJsonLd), which `toJsonLd` alone does not do; so the Note Fedify signs
# here is addressed to followers, whose JSON is the same either way.
@pytest.mark.parametrize("kind", ["Note", "Like"])
def test_we_verify_what_fedify_signs(fedify: FedifyOracle, ed25519_pair: KeyPairPem, kind: str) -> None:
    signed = _fedify_signed(fedify, {"Note": _note("followers"), "Like": LIKE}[kind], ed25519_pair)
    verified = verify_proof(signed, _our_key(ed25519_pair))
    assert verified.verification_method == KEY_ID
    assert verified.created == CREATED
    assert verified.document["id"] == signed["id"]


def test_we_verify_fedifys_proof_sent_without_its_context(fedify: FedifyOracle, ed25519_pair: KeyPairPem) -> None:
    # vc-di-eddsa §3.3.2 and §3.3.5 (proof configuration takes the document's @context): a proof
    # may travel without @context, and Fedify's verifier accepts it so; ours must too.
    signed = _fedify_signed(fedify, LIKE, ed25519_pair)
    del signed["proof"]["@context"]
    assert _fedify_verifies(fedify, signed, ed25519_pair)
    assert verify_proof(signed, _our_key(ed25519_pair)).verification_method == KEY_ID


def test_we_refuse_fedifys_proof_once_the_object_changes(fedify: FedifyOracle, ed25519_pair: KeyPairPem) -> None:
    # Hostile: the Like's object swapped for another post after signing.
    signed = copy.deepcopy(_fedify_signed(fedify, LIKE, ed25519_pair))
    signed["object"] = "https://peer.example/notes/2"
    with pytest.raises(ProofError, match="signature does not match"):
        verify_proof(signed, _our_key(ed25519_pair))
