"""deploy/nginx/fediverse-hit.conf: its upstream is where `serve` listens by default, every proxied
location passes the client's Host on with its port, and `nginx -t` accepts it without a warning
(no deprecated directives). The last test skips itself when nginx is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fediverse_hit.cli import build_parser

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "fediverse-hit.conf"
CERTIFICATE = "/etc/letsencrypt/live/hit.example/fullchain.pem"
CERTIFICATE_KEY = "/etc/letsencrypt/live/hit.example/privkey.pem"


def _config() -> str:
    return CONFIG.read_text(encoding="utf-8")


def _directives(name: str) -> list[str]:
    """The arguments of every `name …;` directive, comments left out."""
    text = re.sub(r"#[^\n]*", "", _config())
    return [match.group(1).strip() for match in re.finditer(rf"(?m)^\s*{name}\s+([^;]*);", text)]


def test_the_upstream_is_where_serve_listens_by_default() -> None:
    serve_defaults = build_parser().parse_args(["serve"])

    upstream = re.search(r"upstream fediverse_hit \{(.*?)\}", _config(), re.DOTALL)
    assert upstream is not None
    servers = re.findall(r"(?m)^\s*server\s+([^;\s]+)", upstream.group(1))
    assert servers == [f"{serve_defaults.host}:{serve_defaults.port}"]


def test_every_proxied_location_passes_the_host_with_its_port() -> None:
    """HTTP signatures cover Host: `$http_host` keeps `host:port`, where `$host` drops the port."""
    hosts = [value for value in _directives("proxy_set_header") if value.split()[0] == "Host"]

    assert len(_directives("proxy_pass")) == 3
    assert hosts == ["Host $http_host"] * 3


def test_no_directive_that_nginx_has_deprecated() -> None:
    """Debian 12's nginx 1.22 takes all of these quietly, so `nginx -t` there cannot tell: `listen …
    http2` is deprecated since 1.25.1 (`http2 on;`), `ssl on` since 1.15.0, `spdy` gone since 1.9.5."""
    assert [value for value in _directives("listen") if {"http2", "spdy"} & set(value.split())] == []
    assert _directives("ssl") == []


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hit.example")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("hit.example")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@pytest.mark.skipif(_nginx() is None, reason="nginx is not installed (.ci/run installs it)")
def test_nginx_accepts_the_config_without_warnings(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed(tmp_path)
    site = _config().replace(CERTIFICATE, str(cert_path)).replace(CERTIFICATE_KEY, str(key_path))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    # The site file belongs in nginx's http block; everything nginx writes stays in tmp_path.
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp_paths}    include {tmp_path / 'site.conf'};\n}}\n",
        encoding="utf-8",
    )
    nginx = _nginx()
    assert nginx is not None

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60, check=False,
    )

    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "[warn]" in line or "[emerg]" in line] == []
    assert result.stderr.splitlines()[-1].endswith("test is successful")
