"""`HIT_CA_BUNDLE` (or `SSL_CERT_FILE`) makes outgoing requests trust a private CA, on top of the
public ones: a loopback HTTPS server whose certificate a CA made here has signed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from fediverse_hit.cli import main
from fediverse_hit.federation.http_client import create_http_client, shared_tls_context
from fediverse_hit.settings import load_settings

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class PrivateCa:
    ca_pem: Path  # the CA certificate, as HIT_CA_BUNDLE names it
    cert_pem: Path  # the server's certificate for 127.0.0.1, signed by the CA
    key_pem: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_private_ca(directory: Path) -> PrivateCa:
    """A CA certificate and a server certificate for 127.0.0.1 that it signed, as PEM files."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("Test private CA")).issuer_name(_name("Test private CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    made = PrivateCa(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    made.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    made.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    made.key_pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return made


async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("hello over a private CA")(scope, receive, send)


@pytest.fixture
def private_ca(tmp_path: Path) -> PrivateCa:
    return make_private_ca(tmp_path)


@pytest.fixture
async def https_url(private_ca: PrivateCa) -> AsyncIterator[str]:
    """The URL of a loopback HTTPS server whose certificate the private CA signed."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        _hello, log_config=None, access_log=False, lifespan="off", ws="none",
        ssl_certfile=str(private_ca.cert_pem), ssl_keyfile=str(private_ca.key_pem),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task


async def _get(environ: dict[str, str], url: str) -> httpx.Response:
    settings = load_settings({"HIT_DOMAIN": "hit.test", "HIT_ALLOW_PRIVATE_ADDRESSES": "1", **environ})
    async with create_http_client(settings) as client:
        return await client.get(url)


async def test_without_the_setting_a_private_ca_is_not_trusted(https_url: str, tmp_path: Path) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        await _get({"HIT_DATA_DIR": str(tmp_path / "data")}, https_url)


@pytest.mark.parametrize("variable", ["HIT_CA_BUNDLE", "SSL_CERT_FILE"])
async def test_a_ca_bundle_setting_makes_requests_trust_the_private_ca(
    variable: str, https_url: str, private_ca: PrivateCa, tmp_path: Path
) -> None:
    response = await _get({"HIT_DATA_DIR": str(tmp_path / "data"), variable: str(private_ca.ca_pem)}, https_url)

    assert (response.status_code, response.text) == (200, "hello over a private CA")


def test_a_missing_ca_bundle_stops_the_command_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HIT_CA_BUNDLE", str(tmp_path / "no-such-ca.pem"))

    with pytest.raises(SystemExit) as exited:
        main(["init"])

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"error: HIT_CA_BUNDLE names {tmp_path / 'no-such-ca.pem'}, which is not a file: "
        "it should be a PEM file of CA certificates\n"
    )


def test_the_private_ca_is_trusted_besides_the_public_ones(private_ca: PrivateCa) -> None:
    import certifi

    public = len(shared_tls_context().get_ca_certs())
    subjects = [cert["subject"] for cert in shared_tls_context(private_ca.ca_pem).get_ca_certs()]

    assert public == len(Path(certifi.where()).read_text(encoding="ascii").split("-----BEGIN CERTIFICATE-----")) - 1
    assert len(subjects) == public + 1
    assert subjects[-1] == ((("commonName", "Test private CA"),),)
