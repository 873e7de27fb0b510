"""RFC 9421 HTTP Message Signatures against an implementation nobody here wrote.

Oracle: `http-message-signatures` by Andrey Kislyuk (PyPI, https://github.com/pyauth/http-message-signatures),
pinned in pyproject's `test` extra. It signs, we verify; we sign, it verifies — for
rsa-v1_5-sha256, rsa-pss-sha512 and ed25519, over the components our peers cover: @method,
@target-uri, @authority, @path, content-digest and date (Mastodon covers @method and
@target-uri; Fedify @method, @target-uri, @authority, host, date and content-digest).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)

from fediverse_hit.protocol.http_message_signatures import sign_message, verify_message_signature
from fediverse_hit.protocol.http_signatures import verify_request_signature
from fediverse_hit.protocol.keys import KeyPairPem, PublicKey, load_private_key, load_public_key_pem
from fediverse_hit.protocol.signature_primitives import BadSignature, SignatureError, http_date

INBOX = "https://hit.example/users/alice/inbox"
KEY_ID = "https://peer.example/users/bob#main-key"
BODY = b'{"type":"Follow","actor":"https://peer.example/users/bob","object":"https://hit.example/users/alice"}'
PEER_COMPONENTS = ("@method", "@target-uri", "@authority", "@path", "content-digest", "date")

ALGORITHMS = {
    "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
    "ed25519": algorithms.ED25519,
}


@pytest.fixture(params=sorted(ALGORITHMS))
def algorithm(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def pair(algorithm: str, rsa_pair: KeyPairPem, ed25519_pair: KeyPairPem) -> KeyPairPem:
    return ed25519_pair if algorithm == "ed25519" else rsa_pair


def _resolver(pair: KeyPairPem) -> MappingKeyResolver:
    return MappingKeyResolver(
        public_keys={KEY_ID: load_public_key_pem(pair.public_pem)},
        private_keys={KEY_ID: load_private_key(pair.private_pem)},
    )


def _request(body: bytes = BODY) -> httpx.Request:
    headers = {"Content-Type": "application/activity+json", "Date": http_date()}
    return httpx.Request("POST", INBOX, content=body, headers=headers)


def _sign_with_oracle(pair: KeyPairPem, algorithm: str, components: tuple[str, ...]) -> httpx.Request:
    request = _request()
    signer = HTTPMessageSigner(signature_algorithm=ALGORITHMS[algorithm], key_resolver=_resolver(pair))
    signer.sign(request, key_id=KEY_ID, label="sig1", covered_component_ids=components, body=BODY)
    return request


def _key_of(pair: KeyPairPem) -> Callable[[str], PublicKey | None]:
    return lambda key_id: load_public_key_pem(pair.public_pem) if key_id == KEY_ID else None


def test_we_verify_what_the_oracle_signs(pair: KeyPairPem, algorithm: str) -> None:
    request = _sign_with_oracle(pair, algorithm, PEER_COMPONENTS)
    verified = verify_request_signature(
        request.method, str(request.url), request.headers.multi_items(), request.content, _key_of(pair)
    )
    assert (verified.scheme, verified.key_id, verified.algorithm) == ("rfc9421", KEY_ID, algorithm)
    assert verified.covered_components == PEER_COMPONENTS


def test_we_verify_the_oracles_signature_without_an_alg_parameter(pair: KeyPairPem, algorithm: str) -> None:
    # RFC 9421 §3.3.7: `alg` is optional; the verifier then derives the algorithm from the key.
    request = _request()
    signer = HTTPMessageSigner(signature_algorithm=ALGORITHMS[algorithm], key_resolver=_resolver(pair))
    signer.sign(request, key_id=KEY_ID, covered_component_ids=PEER_COMPONENTS, body=BODY, include_alg=False)
    verified = verify_message_signature(
        request.method, str(request.url), request.headers.multi_items(), request.content, _key_of(pair)
    )
    assert verified.algorithm == algorithm


def test_the_oracle_verifies_what_we_sign(pair: KeyPairPem, algorithm: str) -> None:
    headers = {"Content-Type": "application/activity+json", "Date": http_date()}
    added = sign_message(
        "POST", INBOX, headers, BODY, key_id=KEY_ID, private_key=pair.private_pem,
        components=PEER_COMPONENTS, algorithm=algorithm,
    )
    request = httpx.Request("POST", INBOX, content=BODY, headers={**headers, **added})
    verifier = HTTPMessageVerifier(signature_algorithm=ALGORITHMS[algorithm], key_resolver=_resolver(pair))
    (result,) = verifier.verify(request, body=BODY, require_components=PEER_COMPONENTS)
    assert result.parameters["keyid"] == KEY_ID
    assert result.parameters["alg"] == algorithm


def test_the_oracle_verifies_our_default_coverage(rsa_pair: KeyPairPem) -> None:
    # What we send by default (Mastodon's requirement): @method, @target-uri, content-digest.
    added = sign_message("POST", INBOX, {}, BODY, key_id=KEY_ID, private_key=rsa_pair.private_pem)
    request = httpx.Request("POST", INBOX, content=BODY, headers=added)
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_resolver(rsa_pair))
    (result,) = verifier.verify(request, body=BODY)
    assert list(result.covered_components) == ['"@method"', '"@target-uri"', '"content-digest"', '"@signature-params"']


def test_the_oracle_refuses_our_signature_once_the_body_changes(rsa_pair: KeyPairPem) -> None:
    # Hostile: a relay swaps the body but keeps our signature and Content-Digest.
    added = sign_message("POST", INBOX, {}, BODY, key_id=KEY_ID, private_key=rsa_pair.private_pem)
    forged = BODY.replace(b"Follow", b"Block!")
    request = httpx.Request("POST", INBOX, content=forged, headers=added)
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_resolver(rsa_pair))
    with pytest.raises(InvalidSignature):
        verifier.verify(request, body=forged)


def test_we_refuse_the_oracles_signature_sent_to_another_path(ed25519_pair: KeyPairPem) -> None:
    # Hostile: a signed delivery to Alice's inbox replayed to Carol's.
    request = _sign_with_oracle(ed25519_pair, "ed25519", PEER_COMPONENTS)
    with pytest.raises(BadSignature):
        verify_request_signature(
            "POST", INBOX.replace("alice", "carol"), request.headers.multi_items(), request.content,
            _key_of(ed25519_pair),
        )


def test_we_refuse_the_oracles_signature_under_another_key(rsa_pair: KeyPairPem, ed25519_pair: KeyPairPem) -> None:
    # Hostile: the keyId names a key the signer does not hold.
    request = _sign_with_oracle(rsa_pair, "rsa-v1_5-sha256", PEER_COMPONENTS)
    other = load_public_key_pem(ed25519_pair.public_pem)
    with pytest.raises(SignatureError):
        verify_request_signature("POST", INBOX, request.headers.multi_items(), request.content, lambda _: other)
