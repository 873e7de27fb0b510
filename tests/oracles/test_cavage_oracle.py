"""draft-cavage HTTP signatures (what Mastodon and most of the fediverse send) against
implementations nobody here wrote, in both directions.

Oracles:
- `httpsig` (PyPI, https://github.com/ahknight/httpsig), pinned in pyproject's `test` extra:
  rsa-sha256 signer and verifier, and its signing-string builder `generate_message`;
- Fedify (`@fedify/fedify` on npm, https://fedify.dev; `signRequest` / `verifyRequest`), run by
  tests/oracles/node/fedify_oracle.mjs.
hs2019 has no independent signer here: GoToSocial sends RSA-SHA256 signatures labelled hs2019
(go-fed/httpsig), which the httpsig-signed case below reproduces; for our own Ed25519 hs2019
signatures, httpsig builds the signing string and `cryptography` checks the Ed25519 signature.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from httpsig import HeaderSigner, HeaderVerifier
from httpsig.utils import generate_message

from fediverse_hit.protocol.http_signatures import sign_request_headers, verify_request_signature
from fediverse_hit.protocol.http_message_signatures import sign_message
from fediverse_hit.protocol.keys import KeyPairPem, PublicKey, load_public_key_pem
from fediverse_hit.protocol.signature_primitives import BadSignature, SignatureError, http_date
from tests.oracles.conftest import FedifyOracle, body_b64

INBOX = "https://hit.example/users/alice/inbox"
PATH = urlsplit(INBOX).path
KEY_ID = "https://peer.example/users/bob#main-key"
BODY = b'{"type":"Like","actor":"https://peer.example/users/bob","object":"https://hit.example/c/1"}'
MASTODON_HEADERS = ["(request-target)", "host", "date", "digest", "content-type"]


def _digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def _key_of(pair: KeyPairPem) -> Callable[[str], PublicKey | None]:
    return lambda key_id: load_public_key_pem(pair.public_pem) if key_id == KEY_ID else None


def _httpsig_signed(pair: KeyPairPem, body: bytes = BODY) -> dict[str, str]:
    headers = {"Host": "hit.example", "Date": http_date(), "Digest": _digest(body),
               "Content-Type": "application/activity+json"}
    signer = HeaderSigner(KEY_ID, pair.private_pem, algorithm="rsa-sha256", headers=MASTODON_HEADERS,
                          sign_header="signature")
    signed = signer.sign(headers, method="POST", path=PATH)
    return {"Signature" if name.lower() == "signature" else name: value for name, value in signed.items()}


def _ours(pair: KeyPairPem, body: bytes = BODY, url: str = INBOX) -> dict[str, str]:
    headers = {"Content-Type": "application/activity+json"}
    return headers | sign_request_headers("POST", url, headers, body, key_id=KEY_ID, private_key=pair.private_pem)


def _key_documents(pair: KeyPairPem) -> dict[str, Any]:
    """What Fedify fetches for KEY_ID: a security/v1 CryptographicKey with the PEM."""
    key = {"@context": "https://w3id.org/security/v1", "id": KEY_ID, "type": "CryptographicKey",
           "owner": "https://peer.example/users/bob", "publicKeyPem": pair.public_pem}
    return {KEY_ID: key}


# httpsig → us


def test_we_verify_httpsig_rsa_sha256(rsa_pair: KeyPairPem) -> None:
    headers = _httpsig_signed(rsa_pair)
    verified = verify_request_signature("POST", INBOX, headers, BODY, _key_of(rsa_pair))
    assert (verified.scheme, verified.key_id, verified.algorithm) == ("draft-cavage", KEY_ID, "rsa-v1_5-sha256")
    assert list(verified.covered_components) == MASTODON_HEADERS


def test_we_verify_an_rsa_signature_labelled_hs2019(rsa_pair: KeyPairPem) -> None:
    # GoToSocial's shape: algorithm="hs2019", an RSASSA-PKCS1-v1_5 SHA-256 signature.
    headers = _httpsig_signed(rsa_pair)
    headers["Signature"] = headers["Signature"].replace('algorithm="rsa-sha256"', 'algorithm="hs2019"')
    verified = verify_request_signature("POST", INBOX, headers, BODY, _key_of(rsa_pair))
    assert verified.algorithm == "rsa-v1_5-sha256"


def test_we_refuse_httpsig_signature_with_a_swapped_body(rsa_pair: KeyPairPem) -> None:
    # Hostile: the body is replaced and its Digest recomputed; the signature covers the old Digest.
    headers = _httpsig_signed(rsa_pair)
    forged = BODY.replace(b"Like", b"Flag")
    headers["Digest"] = _digest(forged)
    with pytest.raises(BadSignature):
        verify_request_signature("POST", INBOX, headers, forged, _key_of(rsa_pair))


def test_we_refuse_httpsig_signature_replayed_to_another_inbox(rsa_pair: KeyPairPem) -> None:
    # Hostile: the same signed request delivered to another path.
    headers = _httpsig_signed(rsa_pair)
    with pytest.raises(BadSignature):
        verify_request_signature("POST", INBOX.replace("alice", "carol"), headers, BODY, _key_of(rsa_pair))


# us → httpsig


def test_httpsig_verifies_our_rsa_sha256(rsa_pair: KeyPairPem) -> None:
    headers = _ours(rsa_pair)
    assert 'algorithm="rsa-sha256"' in headers["Signature"]
    verifier = HeaderVerifier(headers, rsa_pair.public_pem, required_headers=MASTODON_HEADERS,
                              method="POST", path=PATH, sign_header="signature")
    assert verifier.verify()
    assert headers["Digest"] == _digest(BODY)


def test_httpsig_refuses_our_signature_for_another_path(rsa_pair: KeyPairPem) -> None:
    headers = _ours(rsa_pair)
    verifier = HeaderVerifier(headers, rsa_pair.public_pem, method="POST", path="/users/carol/inbox",
                              sign_header="signature")
    assert not verifier.verify()


def test_our_ed25519_hs2019_signature_checks_out_independently(ed25519_pair: KeyPairPem) -> None:
    headers = _ours(ed25519_pair)
    params = dict(part.split("=", 1) for part in headers["Signature"].split(","))
    assert params["algorithm"] == '"hs2019"'
    covered = params["headers"].strip('"').split()
    message: bytes = generate_message(covered, headers, method="POST", path=PATH)
    public_key = load_public_key_pem(ed25519_pair.public_pem)
    assert isinstance(public_key, ed25519.Ed25519PublicKey)
    public_key.verify(base64.b64decode(params["signature"].strip('"')), message)
    assert covered == MASTODON_HEADERS


# Fedify → us, us → Fedify


def _fedify_signed(fedify: FedifyOracle, pair: KeyPairPem, spec: str) -> dict[str, str]:
    answer = fedify("sign-request", method="POST", url=INBOX, body=body_b64(BODY), keyId=KEY_ID,
                    headers={"Content-Type": "application/activity+json"}, privateKeyPem=pair.private_pem, spec=spec)
    return dict(answer["headers"])


def test_we_verify_fedifys_draft_cavage_signature(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    headers = _fedify_signed(fedify, rsa_pair, "draft-cavage")
    verified = verify_request_signature("POST", INBOX, headers, BODY, _key_of(rsa_pair))
    assert (verified.scheme, verified.algorithm) == ("draft-cavage", "rsa-v1_5-sha256")
    assert set(verified.covered_components) == {"(request-target)", "content-type", "date", "digest", "host"}


def test_we_verify_fedifys_rfc9421_signature(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    headers = _fedify_signed(fedify, rsa_pair, "rfc9421")
    verified = verify_request_signature("POST", INBOX, headers, BODY, _key_of(rsa_pair))
    assert (verified.scheme, verified.algorithm) == ("rfc9421", "rsa-v1_5-sha256")
    assert {"@method", "@target-uri", "content-digest"} <= set(verified.covered_components)


def test_we_refuse_fedifys_signature_with_a_swapped_body(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    # Hostile: Fedify signed BODY; a different body arrives under the same headers.
    headers = _fedify_signed(fedify, rsa_pair, "draft-cavage")
    with pytest.raises(SignatureError, match="Digest"):
        verify_request_signature("POST", INBOX, headers, BODY + b" ", _key_of(rsa_pair))


def _fedify_verifies(fedify: FedifyOracle, pair: KeyPairPem, headers: dict[str, str], url: str = INBOX) -> bool:
    answer = fedify("verify-request", method="POST", url=url, headers=headers, body=body_b64(BODY),
                    documents=_key_documents(pair))
    return bool(answer["verified"])


def test_fedify_verifies_our_draft_cavage_signature(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    assert _fedify_verifies(fedify, rsa_pair, _ours(rsa_pair))


def test_fedify_verifies_our_rfc9421_signature(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    headers = {"Content-Type": "application/activity+json", "Date": http_date()}
    headers |= sign_message("POST", INBOX, headers, BODY, key_id=KEY_ID, private_key=rsa_pair.private_pem)
    assert _fedify_verifies(fedify, rsa_pair, headers)


def test_fedify_refuses_our_signature_replayed_to_another_inbox(fedify: FedifyOracle, rsa_pair: KeyPairPem) -> None:
    assert not _fedify_verifies(fedify, rsa_pair, _ours(rsa_pair), url=INBOX.replace("alice", "carol"))
