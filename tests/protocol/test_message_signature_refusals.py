"""RFC 9421 verification and the signing entry points: each refusal with its exact reason (what a
sending server is told), several signatures at once, and keys given as PEM text."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fediverse_hit.protocol.digests import digest_header
from fediverse_hit.protocol.http_message_signatures import sign_message, verify_message_signature
from fediverse_hit.protocol.http_signatures import (
    HttpSignatureAuth,
    sign_request_headers,
    signature_key_ids,
    verify_request,
    verify_request_signature,
)
from fediverse_hit.protocol.keys import generate_ed25519_key, generate_rsa_key, load_private_key
from fediverse_hit.protocol.signature_primitives import (
    BadSignature,
    SignatureError,
    VerifyPolicy,
    http_date,
    sign_bytes,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CREATED = int(NOW.timestamp())
URL = "https://hit.example/users/alice/inbox"
KEY_ID = "https://peer.example/users/bob#main-key"
PAIR = generate_ed25519_key()
KEY = load_private_key(PAIR.private_pem)
PUBLIC = KEY.public_key()
LAX = VerifyPolicy(enforce_coverage=False)


def _resolve(key_id: str) -> object:
    return PUBLIC if key_id == KEY_ID else None


def _signed(components: tuple[str, ...], body: bytes = b"", label: str = "sig1", **extra: object) -> dict[str, str]:
    headers = {"Date": http_date(NOW)}
    return headers | sign_message("POST", URL, headers, body, key_id=KEY_ID, private_key=KEY, components=components,
                                  created=CREATED, label=label, **extra)  # type: ignore[arg-type]


def _reason(headers: dict[str, str], body: bytes = b"", policy: VerifyPolicy = VerifyPolicy(),
            error: type[SignatureError] = SignatureError) -> str:
    with pytest.raises(error) as caught:
        verify_message_signature("POST", URL, headers, body, _resolve, now=NOW, policy=policy)  # type: ignore[arg-type]
    return str(caught.value)


@pytest.mark.parametrize(("components", "body", "reason"), [
    (("@target-uri",), b"", "signature does not cover @method"),
    (("@method", "@authority"), b"", "signature covers none of @target-uri, @request-target, @path"),
    (("@method", "@path"), b"{}", "signature does not cover content-digest although the request has a body"),
])
def test_the_strict_policy_names_what_is_not_covered(components: tuple[str, ...], body: bytes, reason: str) -> None:
    assert _reason(_signed(components, body), body) == reason


def test_a_signature_with_neither_created_nor_date_is_refused() -> None:
    headers = {"Date": http_date(NOW)} | sign_message(
        "POST", URL, {}, b"", key_id=KEY_ID, private_key=KEY, components=("@method", "@path"), created=CREATED)
    headers["Signature-Input"] = headers["Signature-Input"].replace(f";created={CREATED}", "")
    assert _reason(headers) == "signature has no created parameter and does not cover date"


def test_covering_date_without_created_is_enough_for_freshness() -> None:
    headers = _signed(("@method", "@path", "date"))
    headers["Signature-Input"] = headers["Signature-Input"].replace(f";created={CREATED}", "")
    assert _reason(headers, error=BadSignature).startswith("signature 'sig1' does not verify")  # coverage passed


@pytest.mark.parametrize("name", ["created", "expires"])
def test_a_timestamp_parameter_that_is_not_an_integer_is_refused(name: str) -> None:
    # Hostile: a string where RFC 9421 §2.3 demands an Integer.
    headers = _signed(("@method", "@path"), expires=CREATED + 60)
    headers["Signature-Input"] = headers["Signature-Input"].replace(f"{name}=", f'{name}="soon";was=')
    assert _reason(headers, policy=LAX) == f"signature parameter {name} is not an integer"


def test_a_covered_stale_date_is_refused_even_with_a_fresh_created() -> None:
    headers = _signed(("@method", "@path", "date")) | {"Date": http_date(NOW - timedelta(hours=3))}
    assert "is outside the allowed window" in _reason(headers)


def test_a_stale_date_that_is_not_covered_is_not_judged() -> None:
    headers = _signed(("@method", "@path")) | {"Date": http_date(NOW - timedelta(days=3))}
    verified = verify_message_signature("POST", URL, headers, b"", _resolve, now=NOW)  # type: ignore[arg-type]
    assert verified.key_id == KEY_ID


def test_an_unknown_label_is_refused() -> None:
    headers = _signed(("@method", "@path"))
    with pytest.raises(SignatureError) as caught:
        verify_message_signature("POST", URL, headers, b"", _resolve, label="other", now=NOW)  # type: ignore[arg-type]
    assert str(caught.value) == "Signature-Input has no inner list labelled 'other'"


def test_a_signature_without_keyid_is_refused() -> None:
    headers = _signed(("@method", "@path"))
    headers["Signature-Input"] = headers["Signature-Input"].replace(f';keyid="{KEY_ID}"', "")
    assert _reason(headers) == "signature 'sig1' has no keyid parameter"


def _two_signatures(second_valid: bool) -> dict[str, str]:
    first = _signed(("@method", "@path"), label="sig1")
    second = _signed(("@method", "@target-uri"), label="sig2")
    if not second_valid:
        second["Signature"] = first["Signature"].replace("sig1=", "sig2=")
    first["Signature"] = first["Signature"][:-6] + "AAAAA:" if not second_valid else first["Signature"]
    return {"Date": first["Date"], "Signature-Input": f'{first["Signature-Input"]}, {second["Signature-Input"]}',
            "Signature": f'{first["Signature"]}, {second["Signature"]}'}


def test_with_two_failing_signatures_every_reason_is_given() -> None:
    reason = _reason(_two_signatures(second_valid=False), error=BadSignature)
    assert reason == (f"no signature verified: sig1: signature 'sig1' does not verify with the key of {KEY_ID!r}; "
                      f"sig2: signature 'sig2' does not verify with the key of {KEY_ID!r}")


def test_with_one_structural_failure_among_two_the_error_is_not_a_bad_signature() -> None:
    # BadSignature invites a key refetch; a malformed signature must not trigger one.
    headers = _two_signatures(second_valid=False)
    headers["Signature-Input"] = headers["Signature-Input"].replace(f';keyid="{KEY_ID}"', "", 1)
    with pytest.raises(SignatureError) as caught:
        verify_message_signature("POST", URL, headers, b"", _resolve, now=NOW)  # type: ignore[arg-type]
    assert type(caught.value) is SignatureError
    assert str(caught.value).startswith("no signature verified: sig1: signature 'sig1' has no keyid parameter; sig2:")


def test_a_chosen_label_is_the_only_one_checked() -> None:
    # Hostile: the caller asked for sig2; a valid sig1 must not stand in for it.
    headers = _two_signatures(second_valid=True)
    headers["Signature"] = headers["Signature"].split(", ")[0] + ", sig2=:AAAA:"
    with pytest.raises(SignatureError):
        verify_message_signature("POST", URL, headers, b"", _resolve, label="sig2", now=NOW)  # type: ignore[arg-type]


def test_sign_message_takes_a_pem_and_stamps_the_current_time() -> None:
    before = int(datetime.now(UTC).timestamp())
    headers = sign_message("GET", URL, {}, b"", key_id=KEY_ID, private_key=PAIR.private_pem)
    created = int(headers["Signature-Input"].split("created=")[1].split(";")[0])
    assert before <= created <= before + 5
    verify_message_signature("GET", URL, headers, b"", _resolve)  # type: ignore[arg-type]


def test_sign_request_headers_takes_a_pem_and_names_each_header_it_adds() -> None:
    added = sign_request_headers("POST", URL, {}, b"", key_id=KEY_ID, private_key=PAIR.private_pem, now=NOW)
    assert sorted(added) == ["Date", "Digest", "Host", "Signature"]
    assert added["Digest"] == digest_header(b"")  # a POST has a Digest even with an empty body
    verify_request_signature("POST", URL, added, b"", _resolve, now=NOW)  # type: ignore[arg-type]


def test_httpx_auth_takes_a_pem() -> None:
    request = httpx.Request("GET", URL)
    signed = next(HttpSignatureAuth(KEY_ID, PAIR.private_pem).auth_flow(request))
    verify_request_signature("GET", URL, signed.headers.multi_items(), b"", _resolve)  # type: ignore[arg-type]


def test_key_ids_are_read_from_an_authorization_header() -> None:
    assert signature_key_ids({"Authorization": f'Signature keyId="{KEY_ID}",signature="AA=="'}) == [KEY_ID]


def test_a_signature_without_key_id_names_no_key() -> None:
    assert signature_key_ids({"Signature": 'signature="AA=="'}) == []


@pytest.mark.anyio
async def test_verify_request_applies_the_policy_it_is_given() -> None:
    # A date-only draft-cavage signature passes only the lax policy (the specs' own examples).
    headers = {"Date": http_date(NOW)}
    key = load_private_key(generate_rsa_key().private_pem)
    signature = base64.b64encode(sign_bytes("rsa-v1_5-sha256", key, f"date: {headers['Date']}".encode())).decode()
    headers["Signature"] = f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="date",signature="{signature}"'
    verified = await verify_request("GET", URL, headers, b"", lambda _: key.public_key(), now=NOW, policy=LAX)
    assert verified.covered_components == ("date",)
