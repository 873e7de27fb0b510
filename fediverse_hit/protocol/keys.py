"""Actor key material: RSA-2048 (HTTP signatures) and Ed25519 (object proofs), as PEM and Multikey.

Multikey encoding follows FEP-521a (https://w3id.org/fep/521a) and the W3C Controlled Identifiers
spec: multibase base58btc (`z…`) of a multicodec prefix followed by the raw public key
(Ed25519: 0xed01 + 32 bytes; RSA: 0x1205 + PKCS#1 DER).
"""

from __future__ import annotations

from dataclasses import dataclass

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

ED25519_MULTICODEC = b"\xed\x01"
RSA_MULTICODEC = b"\x85\x24"  # varint of 0x1205 (rsa-pub)

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey
PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


class KeyFormatError(ValueError):
    """Key material that cannot be decoded (bad PEM, unknown multicodec, wrong length)."""


@dataclass(frozen=True)
class KeyPairPem:
    """A key pair as PEM text: PKCS#8 private key, SubjectPublicKeyInfo public key."""

    private_pem: str
    public_pem: str


def generate_rsa_key() -> KeyPairPem:
    """A fresh RSA-2048 key pair (public exponent 65537)."""
    return _to_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def generate_ed25519_key() -> KeyPairPem:
    """A fresh Ed25519 key pair."""
    return _to_pem(ed25519.Ed25519PrivateKey.generate())


def _to_pem(key: PrivateKey) -> KeyPairPem:
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return KeyPairPem(private_pem=private_pem, public_pem=public_key_to_pem(key.public_key()))


def public_key_to_pem(key: PublicKey) -> str:
    """SubjectPublicKeyInfo PEM, the form `publicKey.publicKeyPem` carries."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: str) -> PrivateKey:
    """Parse a PKCS#8 PEM private key (RSA or Ed25519)."""
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"unreadable private key: {exc}") from exc
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise KeyFormatError("only RSA and Ed25519 private keys are supported")
    return key


def load_public_key_pem(pem: str) -> PublicKey:
    """Parse a PEM public key; accepts SubjectPublicKeyInfo and PKCS#1 `RSA PUBLIC KEY` blocks."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise KeyFormatError(f"unreadable public key: {exc}") from exc
    if not isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
        raise KeyFormatError("only RSA and Ed25519 public keys are supported")
    return key


def public_key_to_multibase(key: PublicKey) -> str:
    """FEP-521a `publicKeyMultibase` of an Ed25519 or RSA public key."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return "z" + base58.b58encode(RSA_MULTICODEC + der).decode("ascii")


def multibase_to_public_key(value: str) -> PublicKey:
    """Decode a `publicKeyMultibase` (base58btc, Ed25519 or RSA multicodec) to a key."""
    if not value.startswith("z"):
        raise KeyFormatError("publicKeyMultibase must be base58btc (prefix 'z')")
    try:
        data = base58.b58decode(value[1:])
    except ValueError as exc:
        raise KeyFormatError("publicKeyMultibase is not valid base58") from exc
    if data.startswith(ED25519_MULTICODEC):
        raw = data[len(ED25519_MULTICODEC) :]
        if len(raw) != 32:
            raise KeyFormatError("Ed25519 public key must be 32 bytes")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if data.startswith(RSA_MULTICODEC):
        try:
            key = serialization.load_der_public_key(_pkcs1_to_spki(data[len(RSA_MULTICODEC) :]))
        except ValueError as exc:
            raise KeyFormatError("RSA multikey holds no valid PKCS#1 key") from exc
        assert isinstance(key, rsa.RSAPublicKey)
        return key
    raise KeyFormatError("unsupported multicodec in publicKeyMultibase")


def _pkcs1_to_spki(pkcs1_der: bytes) -> bytes:
    """Wrap a PKCS#1 RSAPublicKey in SubjectPublicKeyInfo, the DER form `cryptography` loads."""
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")
    bit_string = b"\x03" + _der_length(len(pkcs1_der) + 1) + b"\x00" + pkcs1_der
    body = algorithm + bit_string
    return b"\x30" + _der_length(len(body)) + body


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded
