"""Instance configuration: one frozen object built from the environment (DESIGN §3).

A `.env` file in the data dir may hold the same variables; the real environment wins.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fediverse_hit.errors import Misconfigured

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"

_LOCAL_HOST = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$")
_TRUE = {"1", "true", "yes", "on"}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK: tuple[IPNetwork, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@dataclass(frozen=True)
class Settings:
    """Everything an instance is configured with; passed explicitly, never read globally."""

    domain: str
    scheme: str
    data_dir: Path
    database_url: str
    allow_private_addresses: bool
    # HIT_TRUSTED_PROXIES: peers whose X-Forwarded-For entry names the client (deploy/nginx)
    trusted_proxies: tuple[IPNetwork, ...] = LOOPBACK
    # Sign-ups and log-ins per client address, as Mastodon's rack_attack.rb limits them
    registration_rate_limit: int = 5  # sign-up attempts per address in each window
    registration_window_seconds: int = 30 * 60
    login_attempts_per_address: int = 25  # log-in attempts from one address, any account
    login_address_window_seconds: int = 5 * 60
    login_attempts_per_account: int = 25  # log-in attempts at one account from one address
    login_account_window_seconds: int = 60 * 60
    max_avatar_bytes: int = 4 * 1024 * 1024
    max_image_bytes: int = 16 * 1024 * 1024  # HIT_MAX_IMAGE_BYTES: attached images (Mastodon: 16 MB)
    max_av_bytes: int = 99 * 1024 * 1024  # HIT_MAX_AV_BYTES: attached audio and video (Mastodon: 99 MB)
    # HIT_CA_BUNDLE (or SSL_CERT_FILE): a PEM file of CAs trusted for outgoing requests on top of
    # the public ones (federation/http_client.py)
    ca_bundle: Path | None = None

    @property
    def base_url(self) -> str:
        """The instance's public origin, e.g. `https://hit.example`."""
        return f"{self.scheme}://{self.domain}"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def domain_path(self) -> Path:
        """Records the domain the data dir was made for: an instance's domain never changes."""
        return self.data_dir / "domain"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a minimal `KEY=value` file; blank lines and `#` comments are skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from `environ` (default: the process environment) and the data dir's `.env`."""
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(env.get("HIT_DATA_DIR", "./data")).resolve()
    merged = {**read_dotenv(data_dir / ".env"), **env}
    domain = merged.get("HIT_DOMAIN", "localhost:8000").strip().lower()
    default_scheme = "http" if _LOCAL_HOST.match(domain) else "https"
    scheme = merged.get("HIT_SCHEME", default_scheme).strip().lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"HIT_SCHEME must be http or https, not {scheme!r}")
    database_url = merged.get("HIT_DATABASE_URL") or f"sqlite://{data_dir / 'hit.sqlite3'}"
    return Settings(
        domain=domain,
        scheme=scheme,
        data_dir=data_dir,
        database_url=database_url,
        allow_private_addresses=merged.get("HIT_ALLOW_PRIVATE_ADDRESSES", "").lower() in _TRUE,
        max_image_bytes=_positive_int(merged, "HIT_MAX_IMAGE_BYTES", Settings.max_image_bytes),
        max_av_bytes=_positive_int(merged, "HIT_MAX_AV_BYTES", Settings.max_av_bytes),
        trusted_proxies=_networks(merged, "HIT_TRUSTED_PROXIES", LOOPBACK),
        ca_bundle=_ca_bundle(merged),
    )


def _ca_bundle(values: Mapping[str, str]) -> Path | None:
    """The CA file to trust besides the public CAs: HIT_CA_BUNDLE, else the conventional
    SSL_CERT_FILE (OpenSSL, curl and Python's own ssl module read it), else None."""
    for name in ("HIT_CA_BUNDLE", "SSL_CERT_FILE"):
        raw = values.get(name, "").strip()
        if raw:
            path = Path(raw).expanduser().resolve()
            if not path.is_file():
                raise ValueError(f"{name} names {raw}, which is not a file: it should be a PEM file of CA certificates")
            return path
    return None


def _networks(values: Mapping[str, str], name: str, default: tuple[IPNetwork, ...]) -> tuple[IPNetwork, ...]:
    """Comma-separated addresses or CIDR networks from the environment, or `default` when unset."""
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"{name} must list addresses or networks separated by commas: {exc}") from exc


def _positive_int(values: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number from the environment, or `default` when unset."""
    raw = values.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name} must be a positive whole number of bytes, not {raw!r}")
    return int(raw)


def read_secret(settings: Settings) -> str:
    """The instance secret (signs session cookies); `fediverse-hit init` creates it."""
    try:
        return settings.secret_path.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise RuntimeError(
            f"No secret at {settings.secret_path}: run `fediverse-hit init` first."
        ) from exc


def ensure_data_dir(settings: Settings) -> None:
    """Create the data dir, media dir, secret and domain record if missing (never replaces
    either), then refuse to go on if the data dir was made for another domain."""
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    _write_once(settings.secret_path, secrets.token_urlsafe(48))
    # A data dir made before domains were recorded is taken to belong to today's domain.
    _write_once(settings.domain_path, f"{settings.domain}\n")
    check_domain(settings)


def check_domain(settings: Settings) -> None:
    """Misconfigured when the data dir was made for a domain other than `settings.domain`.

    Every address, key id and post of an instance carries its domain, so one data dir (and its
    database) serving under two domains would mix two identities that other servers can't tell
    apart. A data dir with no record yet passes.
    """
    try:
        recorded = settings.domain_path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return
    if recorded != settings.domain:
        raise Misconfigured(
            f"The data dir {settings.data_dir} was made for the instance at {recorded}, but HIT_DOMAIN "
            f"is {settings.domain}. An instance's domain cannot change: its people's addresses, keys "
            f"and posts all name {recorded}. Start it with HIT_DOMAIN={recorded}, or give the instance "
            f"at {settings.domain} a data dir (and database) of its own with HIT_DATA_DIR."
        )


def _write_once(path: Path, text: str) -> None:
    """Write `path` unless it exists, readable only by us. Written aside, then linked into place:
    of processes initialising one data dir at once, exactly one wins and nobody reads half a file."""
    if path.exists():
        return
    draft = path.with_name(f"{path.name}.{os.getpid()}")
    draft.write_text(text, encoding="utf-8")
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
