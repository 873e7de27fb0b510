"""RFC 9421 component values and refusals, the shared time and key checks, and key decoding:
exact values and exact reasons (what a sending server is told)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from fediverse_hit.protocol.cavage_signatures import verify_cavage_signature
from fediverse_hit.protocol.http_message_signatures import verify_message_signature
from fediverse_hit.protocol.integrity_proofs import build_proof_config
from fediverse_hit.protocol.keys import (
    KeyFormatError,
    _der_length,
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
    multibase_to_public_key,
)
from fediverse_hit.protocol.message_signature_base import build_signature_base
from fediverse_hit.protocol.signature_primitives import (
    SignatureError,
    VerifyPolicy,
    authority_of,
    check_created,
    check_date_header,
    check_expires,
    check_key_fits,
    http_date,
    utc_now,
)

URL = "https://hit.example/users/alice/inbox?page=2&q=a%20b&blank="
SKEW = timedelta(hours=1)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# A 512-bit RSA public key: far below the 1024-bit floor (cryptography will not generate one).
SMALL_RSA = rsa.RSAPublicNumbers(65537, (1 << 511) + 0x1235).public_key()


def _base(component: str, url: str = URL, headers: dict[str, str] | None = None) -> str:
    base = build_signature_base("GET", url, headers or {}, f'({component});keyid="k"')
    return base.splitlines()[0]


def _refusal(component: str, url: str = URL, headers: dict[str, str] | None = None) -> str:
    with pytest.raises(SignatureError) as caught:
        build_signature_base("GET", url, headers or {}, f'({component});keyid="k"')
    return str(caught.value)


@pytest.mark.parametrize(("component", "url", "line"), [
    ('"@scheme"', URL, '"@scheme": https'),
    ('"@request-target"', URL, '"@request-target": /users/alice/inbox?page=2&q=a%20b&blank='),
    ('"@request-target"', "https://hit.example/inbox", '"@request-target": /inbox'),
    ('"@request-target"', "https://hit.example", '"@request-target": /'),
    ('"@path"', "https://hit.example", '"@path": /'),
    ('"@query-param";name="blank"', URL, '"@query-param";name="blank": '),
    ('"@query-param";name="q"', URL, '"@query-param";name="q": a%20b'),
])
def test_derived_component_values(component: str, url: str, line: str) -> None:
    assert _base(component, url) == line


@pytest.mark.parametrize(("component", "headers", "reason"), [
    ("1", None, "covered component 1 is not a string"),
    ('"@method" "@method"', None, 'component "@method" is covered twice'),
    ('"x-evil"', {"X-Evil": "a\rb"}, 'component "x-evil" contains a line break'),
    ('"x-evil"', {"X-Evil": "a\nb"}, 'component "x-evil" contains a line break'),
    ('"x-name"', {"X-Name": "café"}, "signature base contains non-ASCII characters"),
    ('"@method";key="a"', None, "unsupported parameter 'key' on component '@method'"),
    ('"@status"', None, "unsupported derived component '@status'"),
    ('"x-dict";key="b"', {"X-Dict": "a=1"}, "covered member 'b' is missing from header 'x-dict'"),
    ('"@query-param"', None, "@query-param needs a string name parameter"),
    ('"@query-param";name="c"', None, "query parameter 'c' is missing from the request"),
])
def test_signature_base_refusals(component: str, headers: dict[str, str] | None, reason: str) -> None:
    assert _refusal(component, headers=headers) == reason


def test_a_repeated_query_parameter_is_refused() -> None:
    # Hostile: which of two values was signed is ambiguous (RFC 9421 §2.2.8).
    assert _refusal('"@query-param";name="a"', url="https://hit.example/?a=1&a=2") == \
        "query parameter 'a' is repeated in the request"


def test_a_query_that_is_not_utf8_is_refused() -> None:
    assert _refusal('"@query-param";name="a"', url="https://hit.example/?a=%FF") == "query string is not UTF-8"


def test_signature_parameters_must_be_one_inner_list() -> None:
    with pytest.raises(SignatureError) as caught:
        build_signature_base("GET", URL, {}, '("@method") trailing')
    assert str(caught.value) == "signature parameters are not a structured inner list"


@pytest.mark.parametrize(("url", "authority"), [
    ("https://Hit.Example:443/x", "hit.example"),
    ("http://hit.example:8080/x", "hit.example:8080"),
    ("https://[::1]:8443/x", "[::1]:8443"),
    ("/relative", ""),
])
def test_authority_is_normalized(url: str, authority: str) -> None:
    assert authority_of(url) == authority


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    """The process's local time zone set to UTC+9, to catch local-time slips."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        yield
    time.tzset()


def test_times_are_utc_whatever_the_local_zone(far_from_utc: None) -> None:
    assert http_date(NOW) == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert utc_now().tzinfo is UTC
    with pytest.raises(SignatureError) as caught:
        check_expires(NOW.timestamp(), NOW + timedelta(seconds=1))
    assert str(caught.value) == "signature expired at 2026-03-01T12:00:00+00:00"


def test_proof_times_are_written_in_utc_whatever_the_local_zone(far_from_utc: None) -> None:
    created = datetime(2026, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert build_proof_config({}, "https://hit.example/k", created)["created"] == "2026-03-01T12:00:00Z"


def test_a_signature_input_that_is_no_dictionary_is_refused() -> None:
    headers = {"Signature-Input": "sig1=((((", "Signature": "sig1=:AA==:"}
    with pytest.raises(SignatureError) as caught:
        verify_message_signature("GET", URL, headers, b"", lambda _: None)
    assert str(caught.value) == "Signature-Input header is not a structured-field dictionary"


def test_the_time_checks_accept_their_exact_edges() -> None:
    check_date_header(http_date(NOW - SKEW), NOW, SKEW)
    check_created(int((NOW + SKEW).timestamp()), NOW, SKEW)
    check_expires(NOW.timestamp(), NOW)


def test_a_date_without_a_zone_is_read_as_utc() -> None:
    check_date_header("Sun, 01 Mar 2026 12:00:00 -0000", NOW, SKEW)


def test_time_check_reasons() -> None:
    with pytest.raises(SignatureError) as caught:
        check_date_header("yesterday", NOW, SKEW)
    assert str(caught.value) == "unreadable Date header 'yesterday'"
    with pytest.raises(SignatureError) as caught:
        check_created(int((NOW - 2 * SKEW).timestamp()), NOW, SKEW)
    assert str(caught.value) == "signature created at 2026-03-01T10:00:00+00:00 is outside the allowed window of ±1:00:00"


def test_key_fit_reasons() -> None:
    rsa_key = load_private_key(generate_rsa_key().private_pem).public_key()
    with pytest.raises(SignatureError, match="^unsupported signature algorithm 'hmac-sha256'$"):
        check_key_fits("hmac-sha256", rsa_key)
    with pytest.raises(SignatureError, match="^algorithm ed25519 does not match the signer's RSA key$"):
        check_key_fits("ed25519", rsa_key)
    with pytest.raises(SignatureError, match="^RSA key of 512 bits is too small$"):
        check_key_fits("rsa-v1_5-sha256", SMALL_RSA)


def test_a_signature_from_a_too_small_rsa_key_is_refused_before_any_crypto() -> None:
    # Hostile: a key small enough to factor; hs2019 leaves the algorithm to the key.
    headers = {"Date": http_date(NOW), "Signature": 'keyId="k",algorithm="hs2019",headers="date",signature="AAAA"'}
    with pytest.raises(SignatureError, match="^RSA key of 512 bits is too small$"):
        verify_cavage_signature("GET", URL, headers, b"", lambda _: SMALL_RSA, now=NOW,
                                policy=VerifyPolicy(enforce_coverage=False))


def test_generated_rsa_keys_have_2048_bits() -> None:
    assert load_private_key(generate_rsa_key().private_pem).key_size == 2048


def _ec_pems() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def test_key_loading_reasons() -> None:
    private, public = _ec_pems()
    with pytest.raises(KeyFormatError, match="^only RSA and Ed25519 private keys are supported$"):
        load_private_key(private)
    with pytest.raises(KeyFormatError, match="^only RSA and Ed25519 public keys are supported$"):
        load_public_key_pem(public)
    with pytest.raises(KeyFormatError, match="^unreadable private key: "):
        load_private_key("junk")
    with pytest.raises(KeyFormatError, match="^unreadable public key: "):
        load_public_key_pem("junk")


@pytest.mark.parametrize(("value", "reason"), [
    ("u7QEB", "publicKeyMultibase must be base58btc (prefix 'z')"),
    ("z0OIl", "publicKeyMultibase is not valid base58"),
    ("z9yvPGStqs6", "Ed25519 public key must be 32 bytes"),
    ("z4QPStq", "RSA multikey holds no valid PKCS#1 key"),
    ("z2222", "unsupported multicodec in publicKeyMultibase"),
])
def test_multikey_reasons(value: str, reason: str) -> None:
    with pytest.raises(KeyFormatError) as caught:
        multibase_to_public_key(value)
    assert str(caught.value) == reason


@pytest.mark.parametrize(("length", "encoded"), [(127, b"\x7f"), (128, b"\x81\x80"), (255, b"\x81\xff"),
                                                 (256, b"\x82\x01\x00")])
def test_der_lengths(length: int, encoded: bytes) -> None:
    assert _der_length(length) == encoded
