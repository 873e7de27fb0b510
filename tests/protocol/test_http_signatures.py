"""HTTP signatures: known answers from RFC 9421 and draft-cavage-12, round trips, and tampering.

Vectors live in tests/fixtures/rfc9421 and tests/fixtures/draft-cavage-12 (each with a README
naming the section it comes from).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from http_sfv.dictionary import Dictionary

from fediverse_hit.protocol.cavage_signatures import (
    build_signing_string,
    parse_signature_params,
    verify_cavage_signature,
)
from fediverse_hit.protocol.digests import (
    DigestError,
    check_content_digest,
    check_digest_header,
    content_digest_header,
    digest_header,
)
from fediverse_hit.protocol.http_message_signatures import sign_message, verify_message_signature
from fediverse_hit.protocol.http_signatures import (
    HttpSignatureAuth,
    sign_request_headers,
    signature_key_ids,
    verify_request,
    verify_request_signature,
)
from fediverse_hit.protocol.keys import (
    PrivateKey,
    PublicKey,
    generate_ed25519_key,
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
)
from fediverse_hit.protocol.message_signature_base import build_signature_base
from fediverse_hit.protocol.signature_primitives import (
    BadSignature,
    SignatureError,
    VerifiedSignature,
    VerifyPolicy,
    collect_fields,
    sign_bytes,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RFC9421 = FIXTURES / "rfc9421"
CAVAGE = FIXTURES / "draft-cavage-12"
STRICT = VerifyPolicy()
LAX = VerifyPolicy(enforce_coverage=False)
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
INBOX = "https://remote.example/users/bob/inbox"
ACTIVITY = b'{"type":"Follow","actor":"https://hit.example/users/alice"}'
ALICE_KEY_ID = "https://hit.example/users/alice#main-key"
BOB_KEY_ID = "https://hit.example/users/bob#main-key"


@dataclass(frozen=True)
class Message:
    """A request as it arrived: method, target URI, header lines in order, body."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes

    def with_header(self, name: str, value: str) -> Message:
        kept = [(n, v) for n, v in self.headers if n.lower() != name.lower()]
        return replace(self, headers=[*kept, (name, value)])

    def header(self, name: str) -> str:
        return collect_fields(self.headers)[name.lower()]


def read_message(path: Path) -> Message:
    head, _, body = path.read_text().partition("\n\n")
    request_line, *lines = head.splitlines()
    method, target, _ = request_line.split(" ")
    headers = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    host = collect_fields(headers)["host"]
    return Message(method, f"https://{host}{target}", headers, body.strip("\n").encode())


def read_keys(path: Path) -> tuple[PublicKey, PrivateKey]:
    public_pem, private_pem = re.findall(
        r"-----BEGIN .+?-----END [A-Z ]+-----", path.read_text(), re.S
    )
    return load_public_key_pem(public_pem), load_private_key(private_pem)


def at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def signature_input_member(message: Message, label: str) -> str:
    inputs = Dictionary()
    inputs.parse(message.header("Signature-Input").encode())
    return str(inputs[label])


RFC_KEYS: dict[str, PublicKey] = {
    "test-key-rsa": read_keys(RFC9421 / "test-key-rsa.pem")[0],
    "test-key-rsa-pss": read_keys(RFC9421 / "test-key-rsa-pss.pem")[0],
    "test-key-ed25519": read_keys(RFC9421 / "test-key-ed25519.pem")[0],
}
CAVAGE_KEY = read_keys(CAVAGE / "test-key.pem")[0]
CAVAGE_CASES = json.loads((CAVAGE / "appendix-c.json").read_text())
CAVAGE_NOW = datetime(2014, 1, 5, 21, 31, 40, tzinfo=UTC)


@pytest.fixture(scope="module")
def alice_rsa() -> PrivateKey:
    return load_private_key(generate_rsa_key().private_pem)


@pytest.fixture(scope="module")
def bob_rsa() -> PrivateKey:
    return load_private_key(generate_rsa_key().private_pem)


@pytest.fixture(scope="module")
def alice_ed25519() -> PrivateKey:
    return load_private_key(generate_ed25519_key().private_pem)


@pytest.fixture(scope="module")
def known_keys(alice_rsa: PrivateKey, bob_rsa: PrivateKey) -> dict[str, PublicKey]:
    return {ALICE_KEY_ID: alice_rsa.public_key(), BOB_KEY_ID: bob_rsa.public_key()}


@pytest.fixture
def mastodon_post(alice_rsa: PrivateKey) -> Message:
    """A Follow delivered to an inbox, signed by us the way Mastodon signs deliveries."""
    headers = [("Host", "remote.example"), ("Content-Type", "application/activity+json")]
    added = sign_request_headers(
        "POST", INBOX, headers, ACTIVITY, key_id=ALICE_KEY_ID, private_key=alice_rsa, now=NOW
    )
    return Message("POST", INBOX, headers + list(added.items()), ACTIVITY)


@pytest.fixture
def rfc9421_post(alice_ed25519: PrivateKey) -> Message:
    """The same delivery signed with RFC 9421 and Ed25519."""
    headers = [("Host", "remote.example"), ("Content-Type", "application/activity+json")]
    added = sign_message(
        "POST",
        INBOX,
        headers,
        ACTIVITY,
        key_id=ALICE_KEY_ID,
        private_key=alice_ed25519,
        created=int(NOW.timestamp()),
    )
    return Message("POST", INBOX, headers + list(added.items()), ACTIVITY)


def verify(
    message: Message,
    keys: dict[str, PublicKey],
    now: datetime = NOW,
    policy: VerifyPolicy = STRICT,
) -> VerifiedSignature:
    return verify_request_signature(
        message.method, message.url, message.headers, message.body, keys.get, now=now, policy=policy
    )


# --- body digests -------------------------------------------------------------------------


def test_digest_header_matches_the_draft_cavage_example_request() -> None:
    request = read_message(CAVAGE / "request.http")
    assert digest_header(request.body) == request.header("Digest")


def test_content_digest_of_rfc9421_test_request_verifies() -> None:
    request = read_message(RFC9421 / "sig-b26.http")
    check_content_digest(request.header("Content-Digest"), request.body)


def test_content_digest_round_trips_with_sha512() -> None:
    check_content_digest(content_digest_header(ACTIVITY, "sha-512"), ACTIVITY)


def test_content_digest_of_another_body_is_rejected() -> None:
    with pytest.raises(DigestError, match="sha-512 does not match the request body"):
        check_content_digest(read_message(RFC9421 / "sig-b26.http").header("Content-Digest"), b"{}")


def test_digest_with_only_unsupported_algorithms_is_rejected() -> None:
    with pytest.raises(DigestError, match="no supported algorithm"):
        check_digest_header("MD5=Sd/dVLAcvNLSq16eXua5uQ==", b"hello")


# --- RFC 9421 known answers ---------------------------------------------------------------

RFC_BASES = [
    ("sig-b21.http", "sig-b21", "sig-b21.base"),
    ("sig-b22.http", "sig-b22", "sig-b22.base"),
    ("sig-b23.http", "sig-b23", "sig-b23.base"),
    ("sig-b26.http", "sig-b26", "sig-b26.base"),
    ("section-3.2-sig1.http", "sig1", "section-3.2-sig1.base"),
    ("section-4.3-proxy.http", "proxy_sig", "section-4.3-proxy_sig.base"),
    ("b4-transform.http", "transform", "b4-transform.base"),
]


@pytest.mark.parametrize(("message_file", "label", "base_file"), RFC_BASES)
def test_rfc9421_signature_base_matches_the_rfc_byte_for_byte(
    message_file: str, label: str, base_file: str
) -> None:
    message = read_message(RFC9421 / message_file)
    params = signature_input_member(message, label)
    base = build_signature_base(message.method, message.url, message.headers, params)
    assert base == (RFC9421 / base_file).read_text().removesuffix("\n")


RFC_SIGNATURES = [
    ("sig-b21.http", "sig-b21", 1618884473, LAX, "rsa-pss-sha512"),
    ("sig-b22.http", "sig-b22", 1618884473, LAX, "rsa-pss-sha512"),
    ("sig-b23.http", "sig-b23", 1618884473, STRICT, "rsa-pss-sha512"),
    ("sig-b26.http", "sig-b26", 1618884473, LAX, "ed25519"),
    ("section-3.2-sig1.http", "sig1", 1618884473, STRICT, "rsa-pss-sha512"),
    ("section-4.3-proxy.http", "proxy_sig", 1618884500, STRICT, "rsa-v1_5-sha256"),
    ("b4-transform.http", "transform", 1618884473, STRICT, "ed25519"),
]


@pytest.mark.parametrize(("message_file", "label", "now", "policy", "algorithm"), RFC_SIGNATURES)
def test_rfc9421_published_signatures_verify(
    message_file: str, label: str, now: int, policy: VerifyPolicy, algorithm: str
) -> None:
    message = read_message(RFC9421 / message_file)
    result = verify_message_signature(
        message.method,
        message.url,
        message.headers,
        message.body,
        RFC_KEYS.get,
        label=label,
        now=at(now),
        policy=policy,
    )
    assert (result.label, result.algorithm, result.scheme) == (label, algorithm, "rfc9421")


def test_rfc9421_b26_ed25519_signature_is_reproduced_exactly() -> None:
    message = read_message(RFC9421 / "sig-b26.http")
    unsigned = [(n, v) for n, v in message.headers if not n.lower().startswith("signature")]
    added = sign_message(
        message.method,
        message.url,
        unsigned,
        message.body,
        key_id="test-key-ed25519",
        private_key=read_keys(RFC9421 / "test-key-ed25519.pem")[1],
        label="sig-b26",
        components=["date", "@method", "@path", "@authority", "content-type", "content-length"],
        created=1618884473,
        include_alg=False,
    )
    assert added["Signature-Input"] == message.header("Signature-Input")
    assert added["Signature"] == message.header("Signature")


def test_rfc9421_rsa_v1_5_proxy_signature_is_reproduced_exactly() -> None:
    message = read_message(RFC9421 / "section-4.3-proxy.http")
    unsigned = [(n, v) for n, v in message.headers if not n.lower().startswith("signature")]
    components = ["@method", "@authority", "@path", "content-digest", "content-type"]
    added = sign_message(
        message.method,
        message.url,
        unsigned,
        message.body,
        key_id="test-key-rsa",
        private_key=read_keys(RFC9421 / "test-key-rsa.pem")[1],
        label="proxy_sig",
        components=[*components, "content-length", "forwarded"],
        created=1618884480,
        expires=1618884540,
        algorithm="rsa-v1_5-sha256",
    )
    published = Dictionary()
    published.parse(message.header("Signature").encode())
    assert added["Signature"] == f"proxy_sig={published['proxy_sig']}"


def test_rfc9421_first_verifiable_of_several_signatures_is_used() -> None:
    # sig1 is ecdsa-p256 with a key we do not hold; proxy_sig (rsa-v1_5-sha256) verifies.
    message = read_message(RFC9421 / "section-4.3-proxy.http")
    result = verify(message, RFC_KEYS, now=at(1618884500))
    assert result.label == "proxy_sig"
    assert result.key_id == "test-key-rsa"


@pytest.mark.parametrize(
    "message_file",
    [
        "b4-transform-query-added.http",
        "b4-transform-accept-collapsed.http",
        "b4-transform-fields-reordered.http",
    ],
)
def test_rfc9421_b4_allowed_transformations_keep_the_signature_valid(message_file: str) -> None:
    message = read_message(RFC9421 / message_file)
    assert verify(message, RFC_KEYS, now=at(1618884473)).algorithm == "ed25519"


@pytest.mark.parametrize(
    "message_file",
    ["b4-transform-method-and-host-changed.http", "b4-transform-accept-values-swapped.http"],
)
def test_rfc9421_b4_meaningful_transformations_break_the_signature(message_file: str) -> None:
    message = read_message(RFC9421 / message_file)
    with pytest.raises(BadSignature, match="does not verify"):
        verify(message, RFC_KEYS, now=at(1618884473))


def test_rfc9421_minimal_b21_signature_is_refused_by_our_coverage_policy() -> None:
    message = read_message(RFC9421 / "sig-b21.http")
    with pytest.raises(SignatureError, match="does not cover @method"):
        verify(message, RFC_KEYS, now=at(1618884473))


def test_rfc9421_b26_is_refused_without_content_digest_over_a_body() -> None:
    message = read_message(RFC9421 / "sig-b26.http")
    with pytest.raises(SignatureError, match="does not cover content-digest"):
        verify(message, RFC_KEYS, now=at(1618884473))


def test_rfc9421_query_parameters_are_reencoded_as_section_2_2_8_shows() -> None:
    url = (
        "https://www.example.com/parameters?var=this%20is%20a%20big%0Amultiline%20value"
        "&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something"
    )
    names = ["var", "bar", "fa%C3%A7ade%22%3A%20"]
    params = "(" + " ".join(f'"@query-param";name="{name}"' for name in names) + ")"
    lines = build_signature_base("GET", url, {"Host": "www.example.com"}, params).splitlines()
    assert lines[:3] == [
        '"@query-param";name="var": this%20is%20a%20big%0Amultiline%20value',
        '"@query-param";name="bar": with%20plus%20whitespace',
        '"@query-param";name="fa%C3%A7ade%22%3A%20": something',
    ]


def test_rfc9421_dictionary_members_are_reserialized_as_section_2_1_2_shows() -> None:
    headers = {"Example-Dict": " a=1, b=2;x=1;y=2, c=(a   b    c), d"}
    params = "(" + " ".join(f'"example-dict";key="{key}"' for key in "adbc") + ")"
    lines = build_signature_base("GET", "https://example.com/", headers, params).splitlines()
    assert lines[:4] == [
        '"example-dict";key="a": 1',
        '"example-dict";key="d": ?1',
        '"example-dict";key="b": 2;x=1;y=2',
        '"example-dict";key="c": (a b c)',
    ]


def test_rfc9421_component_parameters_we_do_not_understand_are_errors() -> None:
    with pytest.raises(SignatureError, match="unsupported parameter 'sf'"):
        build_signature_base("GET", "https://example.com/", {"Accept": "*/*"}, '("accept";sf)')


# --- draft-cavage known answers ------------------------------------------------------------


def cavage_request(case: dict[str, str]) -> Message:
    return read_message(CAVAGE / "request.http").with_header(case["header"], case["value"])


@pytest.mark.parametrize("name", sorted(CAVAGE_CASES["cases"]))
def test_cavage_signing_string_matches_appendix_c(name: str) -> None:
    case = CAVAGE_CASES["cases"][name]
    request = cavage_request(case)
    params = parse_signature_params(case["value"].removeprefix("Signature "))
    covered = params.get("headers", "date").split()
    signing_string = build_signing_string(
        request.method, request.url, collect_fields(request.headers), covered, params
    )
    assert signing_string == case["signing_string"]


@pytest.mark.parametrize("name", sorted(CAVAGE_CASES["cases"]))
def test_cavage_appendix_c_signatures_verify_with_the_1024_bit_test_key(name: str) -> None:
    request = cavage_request(CAVAGE_CASES["cases"][name])
    result = verify(request, {"Test": CAVAGE_KEY}, now=CAVAGE_NOW, policy=LAX)
    assert (result.key_id, result.scheme, result.algorithm) == (
        "Test",
        "draft-cavage",
        "rsa-v1_5-sha256",
    )


def test_cavage_c3_as_printed_in_draft_12_is_rejected_for_created_with_rsa_sha256() -> None:
    request = cavage_request(CAVAGE_CASES["c3_as_printed_in_draft_12"])
    wide = VerifyPolicy(max_skew=timedelta(days=200), enforce_coverage=False)
    with pytest.raises(
        SignatureError, match=r"\(created\) cannot be covered with algorithm rsa-sha256"
    ):
        verify(request, {"Test": CAVAGE_KEY}, now=at(1402170697), policy=wide)


def test_cavage_c2_is_refused_by_our_policy_as_it_leaves_the_body_unsigned() -> None:
    request = cavage_request(CAVAGE_CASES["cases"]["C.2 basic (Authorization)"])
    with pytest.raises(
        SignatureError, match="does not cover digest although the request has a body"
    ):
        verify(request, {"Test": CAVAGE_KEY}, now=CAVAGE_NOW)


def test_cavage_c1_default_is_refused_by_our_policy_without_request_target() -> None:
    request = cavage_request(CAVAGE_CASES["cases"]["C.1 default (Signature)"])
    with pytest.raises(SignatureError, match=r"does not cover \(request-target\)"):
        verify(request, {"Test": CAVAGE_KEY}, now=CAVAGE_NOW)


# --- our signer, Mastodon's shape ------------------------------------------------------------


def test_mastodon_shaped_post_signed_by_us_verifies(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    params = parse_signature_params(mastodon_post.header("Signature"))
    assert params["headers"] == "(request-target) host date digest content-type"
    assert params["algorithm"] == "rsa-sha256"
    assert mastodon_post.header("Digest") == digest_header(ACTIVITY)
    assert mastodon_post.header("Date") == "Sat, 01 Mar 2025 12:00:00 GMT"
    result = verify(mastodon_post, known_keys)
    assert result.covered_components == (
        "(request-target)",
        "host",
        "date",
        "digest",
        "content-type",
    )
    assert (result.key_id, result.algorithm) == (ALICE_KEY_ID, "rsa-v1_5-sha256")


def test_signed_get_covers_request_target_host_and_date_without_digest(
    alice_rsa: PrivateKey, known_keys: dict[str, PublicKey]
) -> None:
    url = "https://remote.example/users/bob?page=1"
    added = sign_request_headers(
        "GET", url, {}, b"", key_id=ALICE_KEY_ID, private_key=alice_rsa, now=NOW
    )
    assert "Digest" not in added and added["Host"] == "remote.example"
    assert parse_signature_params(added["Signature"])["headers"] == "(request-target) host date"
    assert verify(Message("GET", url, list(added.items()), b""), known_keys).key_id == ALICE_KEY_ID


def test_httpx_auth_signs_each_request_with_a_fresh_date(
    alice_rsa: PrivateKey, known_keys: dict[str, PublicKey]
) -> None:
    seen: list[VerifiedSignature] = []

    def inbox(request: httpx.Request) -> httpx.Response:
        sent = parsedate_to_datetime(request.headers["date"])
        received = Message(request.method, str(request.url), request.headers.multi_items(), b"")
        seen.append(verify(replace(received, body=request.content), known_keys, now=sent))
        assert abs(datetime.now(UTC) - sent) < timedelta(seconds=5)
        return httpx.Response(202)

    auth = HttpSignatureAuth(ALICE_KEY_ID, alice_rsa)
    with httpx.Client(auth=auth, transport=httpx.MockTransport(inbox)) as client:
        for _ in range(2):
            response = client.post(
                INBOX, content=ACTIVITY, headers={"Content-Type": "application/activity+json"}
            )
            assert response.status_code == 202
    assert [s.covered_components[-1] for s in seen] == ["content-type", "content-type"]


def test_hs2019_with_an_ed25519_key_verifies_as_ed25519(alice_ed25519: PrivateKey) -> None:
    headers = {"Host": "remote.example"}
    added = sign_request_headers(
        "POST", INBOX, headers, ACTIVITY, key_id=ALICE_KEY_ID, private_key=alice_ed25519, now=NOW
    )
    assert parse_signature_params(added["Signature"])["algorithm"] == "hs2019"
    message = Message("POST", INBOX, list(headers.items()) + list(added.items()), ACTIVITY)
    assert verify(message, {ALICE_KEY_ID: alice_ed25519.public_key()}).algorithm == "ed25519"


def test_hs2019_with_an_rsa_key_verifies_as_pkcs1_v1_5(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    relabelled = mastodon_post.header("Signature").replace(
        'algorithm="rsa-sha256"', 'algorithm="hs2019"'
    )
    result = verify(mastodon_post.with_header("Signature", relabelled), known_keys)
    assert result.algorithm == "rsa-v1_5-sha256"


def test_created_pseudo_header_stands_in_for_date_with_hs2019(alice_ed25519: PrivateKey) -> None:
    created = str(int(NOW.timestamp()))
    covered = ["(request-target)", "(created)", "host", "digest"]
    fields = {"host": "remote.example", "digest": digest_header(ACTIVITY)}
    signing_string = build_signing_string("POST", INBOX, fields, covered, {"created": created})
    signature = base64.b64encode(
        sign_bytes("ed25519", alice_ed25519, signing_string.encode())
    ).decode()
    value = (
        f'keyId="{ALICE_KEY_ID}",algorithm="hs2019",created={created},'
        f'headers="{" ".join(covered)}",signature="{signature}"'
    )
    message = Message("POST", INBOX, [*fields.items(), ("Signature", value)], ACTIVITY)
    keys = {ALICE_KEY_ID: alice_ed25519.public_key()}
    assert verify(message, keys).covered_components == tuple(covered)
    later = message.with_header(
        "Signature", value.replace(f"created={created}", f"created={int(created) + 1}")
    )
    with pytest.raises(BadSignature):
        verify(later, keys)


def test_request_target_without_the_query_string_still_verifies(
    alice_rsa: PrivateKey, known_keys: dict[str, PublicKey]
) -> None:
    # Older Mastodon signs (request-target) without the query string (app/lib/signed_request.rb).
    url = "https://remote.example/users/bob/outbox"
    added = sign_request_headers(
        "GET", url, {}, b"", key_id=ALICE_KEY_ID, private_key=alice_rsa, now=NOW
    )
    assert verify(Message("GET", url + "?page=true", list(added.items()), b""), known_keys)


def test_rfc9421_ed25519_round_trip(rfc9421_post: Message, alice_ed25519: PrivateKey) -> None:
    result = verify(rfc9421_post, {ALICE_KEY_ID: alice_ed25519.public_key()})
    assert result.covered_components == ("@method", "@target-uri", "content-digest")
    assert (result.scheme, result.algorithm, result.label) == ("rfc9421", "ed25519", "sig1")


@pytest.mark.parametrize("algorithm", ["rsa-v1_5-sha256", "rsa-pss-sha512"])
def test_rfc9421_rsa_round_trip(
    algorithm: str, alice_rsa: PrivateKey, known_keys: dict[str, PublicKey]
) -> None:
    added = sign_message(
        "POST",
        INBOX,
        {},
        ACTIVITY,
        key_id=ALICE_KEY_ID,
        private_key=alice_rsa,
        algorithm=algorithm,
        created=int(NOW.timestamp()),
    )
    assert (
        verify(Message("POST", INBOX, list(added.items()), ACTIVITY), known_keys).algorithm
        == algorithm
    )


def test_key_ids_are_read_from_either_scheme(mastodon_post: Message, rfc9421_post: Message) -> None:
    assert signature_key_ids(mastodon_post.headers) == [ALICE_KEY_ID]
    assert signature_key_ids(rfc9421_post.headers) == [ALICE_KEY_ID]
    assert signature_key_ids({}) == []


def test_async_and_sync_key_lookups_are_both_accepted(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    async def fetch_key(key_id: str) -> PublicKey | None:
        return known_keys.get(key_id)

    for lookup in (fetch_key, known_keys.get):
        result = asyncio.run(
            verify_request(
                mastodon_post.method,
                mastodon_post.url,
                mastodon_post.headers,
                mastodon_post.body,
                lookup,
                now=NOW,
            )
        )
        assert result.key_id == ALICE_KEY_ID


# --- tampering ---------------------------------------------------------------------------

Tamper = Callable[[Message], Message]


def swap_signature_bytes(value: str) -> str:
    head, _, signature = value.rpartition('signature="')
    raw = bytearray(base64.b64decode(signature.rstrip('"')))
    raw[0] ^= 1
    return f'{head}signature="{base64.b64encode(bytes(raw)).decode()}"'


CAVAGE_TAMPERING: dict[str, tuple[Tamper, type[SignatureError], str]] = {
    "method": (lambda m: replace(m, method="PUT"), BadSignature, "does not verify"),
    "path": (lambda m: replace(m, url=m.url + "2"), BadSignature, "does not verify"),
    "host": (
        lambda m: m.with_header("Host", "remote.example:8443"),
        BadSignature,
        "does not verify",
    ),
    "date": (
        lambda m: m.with_header("Date", "Sat, 01 Mar 2025 12:00:01 GMT"),
        BadSignature,
        "does not verify",
    ),
    "body": (
        lambda m: replace(m, body=m.body + b" "),
        SignatureError,
        "Digest sha-256 does not match the request body",
    ),
    "body and digest": (
        lambda m: replace(m, body=b"{}").with_header("Digest", digest_header(b"{}")),
        BadSignature,
        "does not verify",
    ),
    "content-type": (
        lambda m: m.with_header("Content-Type", "text/plain"),
        BadSignature,
        "does not verify",
    ),
    "signature bytes": (
        lambda m: m.with_header("Signature", swap_signature_bytes(m.header("Signature"))),
        BadSignature,
        "does not verify",
    ),
    "keyId unknown": (
        lambda m: m.with_header(
            "Signature", m.header("Signature").replace(ALICE_KEY_ID, ALICE_KEY_ID + "2")
        ),
        SignatureError,
        "no public key found for keyId",
    ),
    "keyId of another actor": (
        lambda m: m.with_header(
            "Signature", m.header("Signature").replace(ALICE_KEY_ID, BOB_KEY_ID)
        ),
        BadSignature,
        f"key of '{BOB_KEY_ID}'",
    ),
    "digest dropped": (
        lambda m: Message(m.method, m.url, [(n, v) for n, v in m.headers if n != "Digest"], m.body),
        SignatureError,
        "covered header 'digest' is missing",
    ),
}


@pytest.mark.parametrize("change", sorted(CAVAGE_TAMPERING))
def test_cavage_tampering_fails_with_a_specific_reason(
    change: str, mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    tamper, error, reason = CAVAGE_TAMPERING[change]
    with pytest.raises(error, match=re.escape(reason)):
        verify(tamper(mastodon_post), known_keys)


def swap_rfc9421_signature_bytes(value: str) -> str:
    label, _, encoded = value.partition("=")
    raw = bytearray(base64.b64decode(encoded.strip(":")))
    raw[0] ^= 1
    return f"{label}=:{base64.b64encode(bytes(raw)).decode()}:"


RFC9421_TAMPERING: dict[str, tuple[Tamper, type[SignatureError], str]] = {
    "method": (lambda m: replace(m, method="PUT"), BadSignature, "does not verify"),
    "path": (lambda m: replace(m, url=m.url + "2"), BadSignature, "does not verify"),
    "authority": (
        lambda m: replace(m, url=m.url.replace("remote.example", "remote.example:8443")),
        BadSignature,
        "does not verify",
    ),
    "body": (
        lambda m: replace(m, body=m.body + b" "),
        SignatureError,
        "Content-Digest sha-256 does not match the request body",
    ),
    "body and content-digest": (
        lambda m: replace(m, body=b"{}").with_header(
            "Content-Digest", content_digest_header(b"{}")
        ),
        BadSignature,
        "does not verify",
    ),
    "signature bytes": (
        lambda m: m.with_header("Signature", swap_rfc9421_signature_bytes(m.header("Signature"))),
        BadSignature,
        "does not verify",
    ),
    "keyid unknown": (
        lambda m: m.with_header(
            "Signature-Input", m.header("Signature-Input").replace(ALICE_KEY_ID, ALICE_KEY_ID + "2")
        ),
        SignatureError,
        "no public key found for keyid",
    ),
    "created": (
        lambda m: m.with_header(
            "Signature-Input",
            re.sub(
                r"created=(\d+)", lambda c: f"created={int(c[1]) + 1}", m.header("Signature-Input")
            ),
        ),
        BadSignature,
        "does not verify",
    ),
    "alg": (
        lambda m: m.with_header(
            "Signature-Input",
            m.header("Signature-Input").replace('alg="ed25519"', 'alg="rsa-v1_5-sha256"'),
        ),
        SignatureError,
        "does not match the signer's Ed25519 key",
    ),
    "label": (
        lambda m: m.with_header("Signature", m.header("Signature").replace("sig1=", "sig2=")),
        SignatureError,
        "Signature has no byte sequence labelled 'sig1'",
    ),
    "content-digest dropped": (
        lambda m: Message(
            m.method, m.url, [(n, v) for n, v in m.headers if n != "Content-Digest"], m.body
        ),
        SignatureError,
        "covered header 'content-digest' is missing",
    ),
}


@pytest.mark.parametrize("change", sorted(RFC9421_TAMPERING))
def test_rfc9421_tampering_fails_with_a_specific_reason(
    change: str, rfc9421_post: Message, alice_ed25519: PrivateKey
) -> None:
    tamper, error, reason = RFC9421_TAMPERING[change]
    with pytest.raises(error, match=re.escape(reason)):
        verify(tamper(rfc9421_post), {ALICE_KEY_ID: alice_ed25519.public_key()})


# --- time window, algorithms, missing pieces ------------------------------------------------


def test_cavage_date_two_hours_old_is_rejected(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    with pytest.raises(SignatureError, match=r"Date header .* is outside the allowed window"):
        verify(mastodon_post, known_keys, now=NOW + timedelta(hours=2))


def test_cavage_date_fifty_minutes_off_either_way_is_accepted(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    for skew in (timedelta(minutes=50), timedelta(minutes=-50)):
        assert verify(mastodon_post, known_keys, now=NOW + skew).key_id == ALICE_KEY_ID


def test_the_window_is_configurable(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    wide = VerifyPolicy(max_skew=timedelta(hours=3))
    assert verify(mastodon_post, known_keys, now=NOW + timedelta(hours=2), policy=wide)


def test_rfc9421_created_two_hours_old_is_rejected_and_fifty_minutes_accepted(
    rfc9421_post: Message, alice_ed25519: PrivateKey
) -> None:
    keys = {ALICE_KEY_ID: alice_ed25519.public_key()}
    assert verify(rfc9421_post, keys, now=NOW + timedelta(minutes=50))
    with pytest.raises(
        SignatureError, match=r"signature created at .* is outside the allowed window"
    ):
        verify(rfc9421_post, keys, now=NOW + timedelta(hours=2))


def test_rfc9421_expired_signature_is_rejected(alice_ed25519: PrivateKey) -> None:
    created = int(NOW.timestamp())
    added = sign_message(
        "GET",
        INBOX,
        {},
        b"",
        key_id=ALICE_KEY_ID,
        private_key=alice_ed25519,
        created=created,
        expires=created + 60,
    )
    message = Message("GET", INBOX, list(added.items()), b"")
    with pytest.raises(SignatureError, match="signature expired at 2025-03-01T12:01:00"):
        verify(message, {ALICE_KEY_ID: alice_ed25519.public_key()}, now=NOW + timedelta(minutes=2))


def test_cavage_expires_in_the_past_is_rejected(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    value = mastodon_post.header("Signature") + f",expires={int(NOW.timestamp()) - 1}"
    with pytest.raises(SignatureError, match="signature expired"):
        verify(mastodon_post.with_header("Signature", value), known_keys)


def test_cavage_unsupported_algorithm_is_rejected(
    mastodon_post: Message, known_keys: dict[str, PublicKey]
) -> None:
    value = mastodon_post.header("Signature").replace(
        'algorithm="rsa-sha256"', 'algorithm="hmac-sha256"'
    )
    with pytest.raises(SignatureError, match="unsupported signature algorithm 'hmac-sha256'"):
        verify(mastodon_post.with_header("Signature", value), known_keys)


def test_rfc9421_unsupported_algorithm_is_rejected(
    rfc9421_post: Message, alice_ed25519: PrivateKey
) -> None:
    value = rfc9421_post.header("Signature-Input").replace(
        'alg="ed25519"', 'alg="ecdsa-p256-sha256"'
    )
    with pytest.raises(SignatureError, match="unsupported signature algorithm 'ecdsa-p256-sha256'"):
        verify(
            rfc9421_post.with_header("Signature-Input", value),
            {ALICE_KEY_ID: alice_ed25519.public_key()},
        )


def test_rsa_sha256_claimed_for_an_ed25519_key_is_rejected(alice_ed25519: PrivateKey) -> None:
    added = sign_request_headers(
        "GET", INBOX, {}, b"", key_id=ALICE_KEY_ID, private_key=alice_ed25519, now=NOW
    )
    value = added["Signature"].replace('algorithm="hs2019"', 'algorithm="rsa-sha256"')
    message = Message("GET", INBOX, list(added.items()), b"").with_header("Signature", value)
    with pytest.raises(SignatureError, match="rsa-sha256 does not match the signer's Ed25519 key"):
        verify(message, {ALICE_KEY_ID: alice_ed25519.public_key()})


def test_missing_signature_header_is_rejected(known_keys: dict[str, PublicKey]) -> None:
    unsigned = Message("POST", INBOX, [("Host", "remote.example")], ACTIVITY)
    with pytest.raises(SignatureError, match="missing Signature header"):
        verify(unsigned, known_keys)


def test_signature_input_without_signature_is_rejected(
    rfc9421_post: Message, alice_ed25519: PrivateKey
) -> None:
    unsigned = Message(
        "POST", INBOX, [(n, v) for n, v in rfc9421_post.headers if n != "Signature"], ACTIVITY
    )
    with pytest.raises(SignatureError, match="missing Signature header"):
        verify(unsigned, {ALICE_KEY_ID: alice_ed25519.public_key()})


def test_duplicated_cavage_parameter_is_rejected() -> None:
    with pytest.raises(SignatureError, match="keyId appears twice"):
        parse_signature_params('keyId="a",keyId="b",signature="AA=="')


def test_covered_header_missing_from_the_request_is_rejected(
    known_keys: dict[str, PublicKey],
) -> None:
    value = f'keyId="{ALICE_KEY_ID}",headers="(request-target) date x-missing",signature="AA=="'
    message = Message(
        "GET", INBOX, [("Date", "Sat, 01 Mar 2025 12:00:00 GMT"), ("Signature", value)], b""
    )
    with pytest.raises(SignatureError, match="covered header 'x-missing' is missing"):
        verify_cavage_signature(
            message.method, message.url, message.headers, b"", known_keys.get, now=NOW
        )


def test_repeated_headers_are_combined_in_order_and_trimmed() -> None:
    assert collect_fields([("Accept", " a "), ("accept", "b"), ("X-Fold", "one\r\n  two")]) == {
        "accept": "a, b",
        "x-fold": "one two",
    }
