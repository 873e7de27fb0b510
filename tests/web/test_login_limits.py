"""Log-in and sign-up limits per client address and per account, through the real forms.

The hostile side: an attacker guessing one person's password, an address spraying guesses over
many accounts, a script signing up accounts in bulk, and a client forging X-Forwarded-For to
escape its own counter. Time is stepped on `app.state.clock`, never slept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.accounts import create_account
from fediverse_hit.services.instance import set_registration_mode
from fediverse_hit.settings import Settings, load_settings
from tests.asgi_forms import PASSWORD, csrf_from

pytestmark = pytest.mark.anyio

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
START = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)  # on a whole hour: windows start here


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so a test needs few (slow, argon2-checked) attempts to reach them."""
    return replace(
        settings,
        login_attempts_per_address=6,
        login_address_window_seconds=300,
        login_attempts_per_account=4,
        login_account_window_seconds=3600,
        registration_rate_limit=2,
        registration_window_seconds=1800,
    )


@pytest.fixture
def clock(app: Starlette) -> list[datetime]:
    """The app's time, as a one-item list a test steps (`clock[0] += timedelta(...)`)."""
    now = [START]
    app.state.clock = lambda: now[0]
    return now


ClientAt = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_at(app: Starlette, settings: Settings) -> ClientAt:
    """Opens a browser whose TCP peer is `address`, optionally sending fixed extra headers."""

    @asynccontextmanager
    async def opened(address: str, headers: dict[str, str] | None = None) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url=settings.base_url, headers=headers) as http:
            yield http

    return opened


@pytest.fixture
async def alice_exists(urls: InstanceUrls) -> None:
    await create_account("alice", PASSWORD, urls)


async def attempt(browser: httpx.AsyncClient, username: str, password: str, **headers: str) -> httpx.Response:
    token = await csrf_from(browser, "/login")
    data = {"csrf_token": token, "username": username, "password": password}
    return await browser.post("/login", data=data, headers=headers)


async def sign_up(browser: httpx.AsyncClient, username: str) -> httpx.Response:
    token = await csrf_from(browser, "/signup")
    return await browser.post("/signup", data={"csrf_token": token, "username": username, "password": PASSWORD})


async def test_guessing_from_one_address_never_locks_the_owner_out_from_another(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker, client_at(OWNER) as owner:
        statuses = [(await attempt(attacker, "alice", f"guess {n}")).status_code for n in range(8)]
        assert statuses == [401, 401, 401, 401, 429, 429, 429, 429]
        assert (await attempt(attacker, "alice", PASSWORD)).status_code == 429  # even the right one, there
        assert (await attempt(owner, "alice", PASSWORD)).status_code == 303


async def test_an_address_guessing_at_many_accounts_is_throttled(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker, client_at(OWNER) as owner:
        for n in range(6):
            assert (await attempt(attacker, f"person{n}", "guess")).status_code == 401
        refused = await attempt(attacker, "alice", PASSWORD)
        assert refused.status_code == 429
        assert "Too many login attempts" in refused.text
        assert (await attempt(owner, "alice", PASSWORD)).status_code == 303


async def test_one_account_from_one_address_is_throttled_across_address_windows(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker:
        for _ in range(4):  # four guesses, spread so the per-address window never fills
            assert (await attempt(attacker, "alice", "guess")).status_code == 401
            clock[0] += timedelta(minutes=6)
        assert (await attempt(attacker, "alice", "guess")).status_code == 429
        assert (await attempt(attacker, "bob", "guess")).status_code == 401  # the address itself is not blocked


async def test_throttled_answer_says_when_to_retry_and_the_limit_lifts_then(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker:
        clock[0] = START + timedelta(seconds=100)
        for n in range(6):
            await attempt(attacker, f"person{n}", "guess")
        refused = await attempt(attacker, "someone", "guess")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "200"  # the 5-minute window began at START
        clock[0] = START + timedelta(seconds=300)
        assert (await attempt(attacker, "someone", "guess")).status_code == 401


async def test_sign_ups_are_limited_per_address(client_at: ClientAt, clock: list[datetime]) -> None:
    async with client_at(ATTACKER) as script, client_at(OWNER) as person:
        assert [(await sign_up(script, f"bot{n}")).status_code for n in range(2)] == [303, 303]
        refused = await sign_up(script, "bot2")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1800"
        assert "Too many sign-ups" in refused.text
        assert (await sign_up(person, "carol")).status_code == 303
        clock[0] += timedelta(minutes=30)
        assert (await sign_up(script, "bot3")).status_code == 303


async def test_forwarded_for_from_the_trusted_proxy_names_the_client(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at("127.0.0.1") as proxy:
        for _ in range(4):
            await attempt(proxy, "alice", "guess", **{"X-Forwarded-For": ATTACKER})
        assert (await attempt(proxy, "alice", PASSWORD, **{"X-Forwarded-For": ATTACKER})).status_code == 429
        # nginx appends the real peer; what a client wrote to the left of it is not believed
        behind = await attempt(proxy, "alice", PASSWORD, **{"X-Forwarded-For": f"{OWNER}, {ATTACKER}"})
        assert behind.status_code == 429
        assert (await attempt(proxy, "alice", PASSWORD, **{"X-Forwarded-For": OWNER})).status_code == 303


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker:
        for n in range(4):  # a fresh forged address on every guess
            await attempt(attacker, "alice", "guess", **{"X-Forwarded-For": f"192.0.2.{n}"})
        forged = await attempt(attacker, "alice", PASSWORD, **{"X-Forwarded-For": "192.0.2.200"})
        assert forged.status_code == 429


async def test_ipv6_clients_are_counted_per_64(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    for n in range(4):  # each guess from another address of the same /64
        async with client_at(f"2001:db8:1:2::{n + 1}") as attacker:
            assert (await attempt(attacker, "alice", "guess")).status_code == 401
    async with client_at("2001:db8:1:2::ff") as attacker, client_at("2001:db8:1:3::1") as other:
        assert (await attempt(attacker, "alice", PASSWORD)).status_code == 429
        assert (await attempt(other, "alice", PASSWORD)).status_code == 303


async def test_only_the_configured_proxies_are_trusted(
    app: Starlette, client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    configured = load_settings({"HIT_DATA_DIR": "/nonexistent", "HIT_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"})
    app.state.settings = replace(app.state.settings, trusted_proxies=configured.trusted_proxies)
    async with client_at("10.1.2.3") as proxy, client_at("127.0.0.1") as loopback:
        for _ in range(4):
            await attempt(proxy, "alice", "guess", **{"X-Forwarded-For": ATTACKER})
        assert (await attempt(proxy, "alice", PASSWORD, **{"X-Forwarded-For": OWNER})).status_code == 303
        for _ in range(4):  # loopback is no longer a proxy here: its header names nobody
            await attempt(loopback, "alice", "guess", **{"X-Forwarded-For": ATTACKER})
        assert (await attempt(loopback, "alice", PASSWORD, **{"X-Forwarded-For": OWNER})).status_code == 429


async def test_hostile_usernames_are_refused_like_wrong_passwords(
    client_at: ClientAt, clock: list[datetime], alice_exists: None
) -> None:
    async with client_at(ATTACKER) as attacker:
        for hostile in ("al\x00ice", "a" * 10_000, "alice' OR '1'='1", "ａｌｉｃｅ"):
            assert (await attempt(attacker, hostile, PASSWORD)).status_code == 401


async def test_hostile_invite_codes_are_refused_like_wrong_ones(
    client_at: ClientAt, clock: list[datetime], urls: InstanceUrls
) -> None:
    await set_registration_mode("invite")
    async with client_at(ATTACKER) as script:
        for hostile in ("k7qd\x00-3mzp", "x" * 10_000):
            token = await csrf_from(script, "/signup")
            data = {"csrf_token": token, "username": "mallory", "password": PASSWORD, "invite": hostile}
            assert (await script.post("/signup", data=data)).status_code == 403
