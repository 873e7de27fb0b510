"""draft-cavage verification: each refusal with its exact reason, and the lenient paths that must
keep working. Signing strings here are written out by hand (draft-cavage-12 §2.3), so the
verifier is not checked against itself. The reasons are what a sending server is told."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest

from fediverse_hit.protocol.cavage_signatures import build_signing_string, parse_signature_params
from fediverse_hit.protocol.http_signatures import verify_request_signature
from fediverse_hit.protocol.keys import PrivateKey, generate_ed25519_key, generate_rsa_key, load_private_key
from fediverse_hit.protocol.signature_primitives import (
    RSA_PSS_SHA512,
    RSA_V1_5_SHA256,
    BadSignature,
    SignatureError,
    VerifyPolicy,
    http_date,
    sign_bytes,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://hit.example/users/alice/inbox"
KEY_ID = "https://peer.example/users/bob#main-key"
LAX = VerifyPolicy(enforce_coverage=False)
RSA = load_private_key(generate_rsa_key().private_pem)
ED = load_private_key(generate_ed25519_key().private_pem)


def _signed(lines: list[str], params: str, key: PrivateKey = RSA, primitive: str = RSA_V1_5_SHA256) -> str:
    signature = base64.b64encode(sign_bytes(primitive, key, "\n".join(lines).encode())).decode()
    return f'keyId="{KEY_ID}",{params},signature="{signature}"'


def _verify(headers: dict[str, str], url: str = URL, body: bytes = b"", policy: VerifyPolicy = LAX) -> str:
    """The scheme name on success; raises SignatureError otherwise."""
    public = RSA.public_key()
    verified = verify_request_signature("GET", url, headers, body, lambda key_id: public if key_id == KEY_ID else None,
                                        now=NOW, policy=policy)
    return verified.algorithm


def _verify_with(key: PrivateKey, headers: dict[str, str], url: str = URL) -> str:
    public = key.public_key()
    verified = verify_request_signature("GET", url, headers, b"", lambda _: public, now=NOW, policy=LAX)
    return verified.algorithm


def _refusal(headers: dict[str, str], url: str = URL, body: bytes = b"", policy: VerifyPolicy = LAX) -> str:
    with pytest.raises(SignatureError) as caught:
        _verify(headers, url, body, policy)
    return str(caught.value)


DATE = http_date(NOW)
DATE_SIGNED = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], 'algorithm="rsa-sha256",headers="date"')}


def test_a_valid_date_only_signature_verifies_under_the_lax_policy() -> None:
    assert _verify(DATE_SIGNED) == RSA_V1_5_SHA256


def test_malformed_parameters_are_refused_naming_where() -> None:
    # Hostile: a parameter list that is not name="value" pairs, with a long tail.
    with pytest.raises(SignatureError) as caught:
        parse_signature_params('keyId="k",!!!garbage-that-goes-on-and-on')
    assert str(caught.value) == "malformed Signature header near '!!!garbage-that-goes'"


def test_a_missing_key_id_is_refused() -> None:
    headers = {"Date": DATE, "Signature": 'algorithm="rsa-sha256",headers="date",signature="AAAA"'}
    assert _refusal(headers) == "Signature header has no keyId parameter"


def test_a_signature_that_is_not_strict_base64_is_refused() -> None:
    # Hostile: characters outside the base64 alphabet, which a lenient decoder would skip.
    headers = {"Date": DATE, "Signature": f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="date",signature="AAAA!"'}
    assert _refusal(headers) == "signature parameter is not base64"


def test_an_authorization_header_of_another_scheme_is_no_signature() -> None:
    # Hostile: `Authorization: Bearer …` must not be read as signature parameters.
    assert _refusal({"Date": DATE, "Authorization": 'Bearer keyId="x"'}) == "missing Signature header"


def test_an_empty_headers_parameter_is_refused() -> None:
    headers = {"Date": DATE, "Signature": _signed([], 'algorithm="rsa-sha256",headers=""')}
    assert _refusal(headers) == "Signature headers parameter is empty"


@pytest.mark.parametrize("value", ["a\rb", "a\nb"])
def test_a_covered_header_with_a_line_break_is_refused(value: str) -> None:
    # Hostile: a bare CR or LF inside a covered value could forge extra signing-string lines.
    headers = {"Date": DATE, "X-Evil": value,
               "Signature": _signed([f"date: {DATE}"], 'algorithm="rsa-sha256",headers="date x-evil"')}
    assert _refusal(headers) == "covered header 'x-evil' contains a line break"


def test_a_covered_header_with_non_ascii_text_is_refused() -> None:
    headers = {"Date": DATE, "X-Name": "café",
               "Signature": _signed([f"date: {DATE}"], 'algorithm="rsa-sha256",headers="date x-name"')}
    assert _refusal(headers) == "signing string contains non-ASCII characters"


@pytest.mark.parametrize("name", ["created", "expires"])
def test_a_timestamp_parameter_that_is_not_a_number_is_refused(name: str) -> None:
    headers = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], f'algorithm="hs2019",headers="date",{name}="soon"')}
    assert _refusal(headers) == f"Signature {name} parameter is not a Unix timestamp"


def test_a_stale_created_parameter_is_refused_even_when_date_is_fresh() -> None:
    created = int((NOW - timedelta(hours=2)).timestamp())
    headers = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], f'algorithm="hs2019",headers="date",created={created}')}
    assert _refusal(headers).startswith("signature created at 2026-03-01T10:00:00+00:00 is outside")


def test_a_stale_date_that_the_signature_does_not_cover_is_not_judged() -> None:
    # Only covered headers are trusted, and only they are checked: (created) is what counts here.
    created = int(NOW.timestamp())
    stale = http_date(NOW - timedelta(days=3))
    headers = {"Date": stale, "Signature": _signed([f"(created): {created}"], f'algorithm="hs2019",headers="(created)",created={created}')}
    assert _verify(headers) == RSA_V1_5_SHA256


def test_hs2019_without_a_headers_parameter_covers_created() -> None:
    # draft-cavage-12 §2.1.6: the default is (created), except Mastodon's rsa-sha256 (date).
    created = int(NOW.timestamp())
    headers = {"Signature": _signed([f"(created): {created}"], f'algorithm="hs2019",created={created}')}
    assert _verify(headers) == RSA_V1_5_SHA256


def test_hs2019_may_cover_created_and_expires() -> None:
    created, expires = int(NOW.timestamp()), int(NOW.timestamp()) + 300
    lines = [f"(created): {created}", f"(expires): {expires}"]
    headers = {"Signature": _signed(lines, f'algorithm="hs2019",headers="(created) (expires)",created={created},expires={expires}')}
    assert _verify(headers) == RSA_V1_5_SHA256


def test_created_covered_without_its_parameter_is_refused() -> None:
    headers = {"Signature": _signed(["(created): 1"], 'algorithm="hs2019",headers="(created)"')}
    assert _refusal(headers) == "(created) is covered but the created parameter is missing"


@pytest.mark.parametrize("algorithm", ["rsa-sha256", "hmac-sha256", "ecdsa-sha256"])
def test_created_is_an_error_with_algorithms_that_name_their_hash(algorithm: str) -> None:
    # draft-cavage-12 §2.3: (created) with rsa, hmac or ecdsa algorithms MUST produce an error.
    with pytest.raises(SignatureError, match=re.escape("(created)")):
        build_signing_string("GET", URL, {}, ["(created)"], {"algorithm": algorithm, "created": "1"})


def test_hs2019_with_an_rsa_key_accepts_rsa_pss() -> None:
    # draft-cavage-12's registry recommends RSASSA-PSS for hs2019.
    headers = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], 'algorithm="hs2019",headers="date"', primitive=RSA_PSS_SHA512)}
    assert _verify(headers) == RSA_PSS_SHA512


def test_rsa_sha256_does_not_accept_an_rsa_pss_signature() -> None:
    # Hostile: the algorithm parameter names PKCS#1 v1.5; a PSS signature must not pass for it.
    headers = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], 'algorithm="rsa-sha256",headers="date"', primitive=RSA_PSS_SHA512)}
    with pytest.raises(BadSignature):
        _verify(headers)


def test_rsa_sha256_with_an_ed25519_key_is_refused() -> None:
    headers = {"Date": DATE, "Signature": _signed([f"date: {DATE}"], 'algorithm="rsa-sha256",headers="date"', key=ED, primitive="ed25519")}
    with pytest.raises(SignatureError) as caught:
        _verify_with(ED, headers)
    assert str(caught.value) == "algorithm rsa-sha256 does not match the signer's Ed25519 key"


def test_the_request_target_of_a_bare_host_is_slash() -> None:
    assert build_signing_string("GET", "https://hit.example", {}, ["(request-target)"], {}) == "(request-target): get /"


def test_the_request_target_has_no_question_mark_without_a_query() -> None:
    assert build_signing_string("POST", URL, {}, ["(request-target)"], {}) == "(request-target): post /users/alice/inbox"


def test_a_query_less_signature_with_created_still_verifies_for_a_url_with_a_query() -> None:
    # Mastodon's legacy signer left the query out of (request-target); (created) is covered too.
    created = int(NOW.timestamp())
    lines = ["(request-target): get /users/alice/outbox", f"(created): {created}"]
    headers = {"Signature": _signed(lines, f'algorithm="hs2019",headers="(request-target) (created)",created={created}')}
    assert _verify(headers, url="https://hit.example/users/alice/outbox?page=2") == RSA_V1_5_SHA256


@pytest.mark.parametrize(("covered", "reason"), [
    ("digest", "signature covers neither date nor (created)"),
    ("date", "signature does not cover (request-target)"),
    ("(request-target) date", "signature does not cover digest although the request has a body"),
])
def test_the_strict_policy_names_what_is_not_covered(covered: str, reason: str) -> None:
    fields = {"date": DATE, "digest": "SHA-256=AAAA", "(request-target)": "get /users/alice/inbox"}
    lines = [f"{name}: {fields[name]}" for name in covered.split()]
    headers = {"Date": DATE, "Digest": "SHA-256=AAAA",
               "Signature": _signed(lines, f'algorithm="rsa-sha256",headers="{covered}"')}
    assert _refusal(headers, body=b"{}", policy=VerifyPolicy()) == reason
