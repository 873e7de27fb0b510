"""Actor keys (protocol/keys.py): FEP-521a Multikey vectors, PEM forms, round trips, bad input.

The vectors are read from the FEP's own feature file (tests/fixtures/fep-521a, see its README).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from fediverse_hit.protocol.keys import (
    ED25519_MULTICODEC,
    RSA_MULTICODEC,
    KeyFormatError,
    PublicKey,
    generate_ed25519_key,
    generate_rsa_key,
    load_private_key,
    load_public_key_pem,
    multibase_to_public_key,
    public_key_to_multibase,
    public_key_to_pem,
)

FEATURE = Path(__file__).resolve().parent.parent / "fixtures" / "fep-521a" / "fep-521a.feature"


@dataclass(frozen=True)
class MultikeyVector:
    """One FEP-521a scenario: a public key's bytes and the Multikey object expected for it."""

    key_hex: str
    actor_id: str
    multikey: dict[str, str]


def read_vectors() -> dict[str, MultikeyVector]:
    """The feature file's scenarios, keyed "Ed25519" / "RSA" (the word after "Given the")."""
    text = FEATURE.read_text(encoding="utf-8")
    vectors = {}
    for scenario in text.split("Scenario:")[1:]:
        given = re.search(r'Given the (\w+) public key(?: in .*?)? as a hex string "([0-9a-f]+)"', scenario)
        actor = re.search(r'And actor ID "([^"]+)"', scenario)
        docstring = re.search(r'"""(.*?)"""', scenario, re.DOTALL)
        assert given and actor and docstring, f"unexpected scenario layout in {FEATURE}"
        vectors[given.group(1)] = MultikeyVector(
            given.group(2), actor.group(1), json.loads(docstring.group(1))
        )
    return vectors


VECTORS = read_vectors()
ED25519_VECTOR = VECTORS["Ed25519"]
RSA_VECTOR = VECTORS["RSA"]


def raw_ed25519(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def pkcs1_der(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def test_feature_file_holds_both_scenarios() -> None:
    assert set(VECTORS) == {"Ed25519", "RSA"}
    for vector in VECTORS.values():
        assert vector.multikey["type"] == "Multikey"
        assert vector.multikey["controller"] == vector.actor_id


# --- FEP-521a known answers ------------------------------------------------------------------


def test_ed25519_vector_encodes_to_published_multibase() -> None:
    key = ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(ED25519_VECTOR.key_hex))
    assert public_key_to_multibase(key) == ED25519_VECTOR.multikey["publicKeyMultibase"]
    assert ED25519_VECTOR.multikey["publicKeyMultibase"] == "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_ed25519_vector_decodes_to_published_key() -> None:
    key = multibase_to_public_key(ED25519_VECTOR.multikey["publicKeyMultibase"])
    assert isinstance(key, ed25519.Ed25519PublicKey)
    assert raw_ed25519(key).hex() == ED25519_VECTOR.key_hex


def test_rsa_vector_encodes_to_published_multibase() -> None:
    key = serialization.load_der_public_key(bytes.fromhex(RSA_VECTOR.key_hex))  # PKCS#1 DER
    assert isinstance(key, rsa.RSAPublicKey)
    assert public_key_to_multibase(key) == RSA_VECTOR.multikey["publicKeyMultibase"]
    assert RSA_VECTOR.multikey["publicKeyMultibase"].startswith("z4MXj1wB")


def test_rsa_vector_decodes_to_published_pkcs1_der() -> None:
    key = multibase_to_public_key(RSA_VECTOR.multikey["publicKeyMultibase"])
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048
    assert pkcs1_der(key).hex() == RSA_VECTOR.key_hex


def test_multicodec_prefixes_are_the_registered_varints() -> None:
    # multicodec table: ed25519-pub = 0xed, rsa-pub = 0x1205, written as unsigned varints.
    ed25519_bytes = base58.b58decode(ED25519_VECTOR.multikey["publicKeyMultibase"][1:])
    rsa_bytes = base58.b58decode(RSA_VECTOR.multikey["publicKeyMultibase"][1:])
    assert ed25519_bytes[:2] == ED25519_MULTICODEC == b"\xed\x01"
    assert rsa_bytes[:2] == RSA_MULTICODEC == b"\x85\x24"


# --- PEM forms -------------------------------------------------------------------------------


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


def test_pkcs1_rsa_public_key_block_loads() -> None:
    # Some servers publish `publicKeyPem` as a PKCS#1 "RSA PUBLIC KEY" block instead of SPKI.
    pem = _pem("RSA PUBLIC KEY", bytes.fromhex(RSA_VECTOR.key_hex))
    key = load_public_key_pem(pem)
    assert isinstance(key, rsa.RSAPublicKey)
    assert public_key_to_multibase(key) == RSA_VECTOR.multikey["publicKeyMultibase"]


def test_spki_pem_with_surrounding_whitespace_loads() -> None:
    key = multibase_to_public_key(RSA_VECTOR.multikey["publicKeyMultibase"])
    pem = "\n  " + public_key_to_pem(key) + "\n\n"
    assert pkcs1_der(load_public_key_pem(pem)).hex() == RSA_VECTOR.key_hex


def test_unreadable_pem_is_key_format_error() -> None:
    key = multibase_to_public_key(RSA_VECTOR.multikey["publicKeyMultibase"])
    pem = public_key_to_pem(key)
    lines = pem.splitlines()
    truncated = "\n".join(lines[:3] + lines[-1:])
    for bad in ["", "not a key", truncated, "-----BEGIN PUBLIC KEY-----\n\u00e9\n-----END PUBLIC KEY-----"]:
        with pytest.raises(KeyFormatError):
            load_public_key_pem(bad)


def test_other_key_types_are_refused() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    public_pem = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    private_pem = ec_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    with pytest.raises(KeyFormatError, match="only RSA and Ed25519"):
        load_public_key_pem(public_pem)
    with pytest.raises(KeyFormatError, match="only RSA and Ed25519"):
        load_private_key(private_pem)
    with pytest.raises(KeyFormatError):
        load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


# --- round trips of generated keys -----------------------------------------------------------


def test_generated_ed25519_key_round_trips() -> None:
    pair = generate_ed25519_key()
    private = load_private_key(pair.private_pem)
    public = load_public_key_pem(pair.public_pem)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    assert raw_ed25519(private.public_key()) == raw_ed25519(public)
    encoded = public_key_to_multibase(public)
    assert encoded.startswith("z6Mk")
    assert raw_ed25519(multibase_to_public_key(encoded)) == raw_ed25519(public)
    assert public_key_to_pem(multibase_to_public_key(encoded)) == pair.public_pem


def test_generated_rsa_key_round_trips() -> None:
    pair = generate_rsa_key()
    private = load_private_key(pair.private_pem)
    public = load_public_key_pem(pair.public_pem)
    assert isinstance(private, rsa.RSAPrivateKey) and isinstance(public, rsa.RSAPublicKey)
    assert public.key_size == 2048 and public.public_numbers().e == 65537
    assert pkcs1_der(private.public_key()) == pkcs1_der(public)
    encoded = public_key_to_multibase(public)
    assert encoded.startswith("z4MXj1wB")
    assert public_key_to_pem(multibase_to_public_key(encoded)) == pair.public_pem


def test_two_generated_keys_differ() -> None:
    assert generate_ed25519_key().public_pem != generate_ed25519_key().public_pem


# --- tampered and malformed Multikey values --------------------------------------------------


def _multibase(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


ED25519_BYTES = ED25519_MULTICODEC + bytes.fromhex(ED25519_VECTOR.key_hex)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("u" + ED25519_VECTOR.multikey["publicKeyMultibase"][1:], "base58btc"),
        (ED25519_VECTOR.multikey["publicKeyMultibase"][1:], "base58btc"),
        ("", "base58btc"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do0", "base58"),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doI", "base58"),
        ("z6Mk\u00e9", "base58"),
        ("z", "multicodec"),
        (_multibase(b"\xe7\x01" + b"\x02" * 33), "multicodec"),  # secp256k1-pub
        (_multibase(b"\xec\x01" + b"\x00" * 32), "multicodec"),  # x25519-pub
        (_multibase(ED25519_BYTES[:-1]), "32 bytes"),
        (_multibase(ED25519_BYTES[:2]), "32 bytes"),
        (_multibase(ED25519_BYTES + b"\x00"), "32 bytes"),
        (_multibase(RSA_MULTICODEC + bytes.fromhex(RSA_VECTOR.key_hex)[:-8]), "PKCS#1"),
        (_multibase(RSA_MULTICODEC + b"garbage"), "PKCS#1"),
    ],
    ids=[
        "wrong-prefix-u",
        "missing-prefix",
        "empty",
        "base58-zero",
        "base58-capital-i",
        "non-ascii",
        "no-bytes",
        "unknown-multicodec-secp256k1",
        "unknown-multicodec-x25519",
        "truncated-ed25519",
        "ed25519-prefix-only",
        "overlong-ed25519",
        "truncated-rsa",
        "garbage-rsa",
    ],
)
def test_bad_multibase_is_key_format_error(value: str, reason: str) -> None:
    with pytest.raises(KeyFormatError, match=re.escape(reason)):
        multibase_to_public_key(value)


def test_one_changed_character_gives_another_key_not_the_vector() -> None:
    published = ED25519_VECTOR.multikey["publicKeyMultibase"]
    tampered = published[:-1] + ("L" if published[-1] != "L" else "M")
    key = multibase_to_public_key(tampered)
    assert raw_ed25519(key).hex() != ED25519_VECTOR.key_hex
