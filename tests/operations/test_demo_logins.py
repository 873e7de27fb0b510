"""`fediverse-hit demo` (what `./deploy/quickstart` runs) prints a working login for the admin and
for every demo creator, so a newcomer can try replies, likes and notifications between people."""

from __future__ import annotations

import asyncio
import re

import pytest

from fediverse_hit.cli import main
from fediverse_hit.services.demo import DEMO_PEOPLE
from fediverse_hit.services.passwords import check_password
from fediverse_hit.settings import Settings
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.database import close_database, open_database

LOGIN = re.compile(r"^(Admin|Creator) login: (\w+) / (\S+)(?: \((.+)\))?$")


def _use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIT_DOMAIN", settings.domain)
    monkeypatch.setenv("HIT_SCHEME", settings.scheme)
    monkeypatch.setenv("HIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HIT_DATABASE_URL", settings.database_url)


def _printed_logins(output: str) -> list[tuple[str, str, str, str]]:
    return [match.groups("") for line in output.splitlines() if (match := LOGIN.match(line))]  # type: ignore[misc]


async def _passwords_work(database_url: str, logins: list[tuple[str, str, str, str]]) -> list[bool]:
    await open_database(database_url)
    try:
        results = []
        for _role, username, password, _name in logins:
            account = await find_account(username)
            results.append(account is not None and check_password(account.password_hash, password))
        return results
    finally:
        await close_database()


def test_demo_prints_a_working_login_for_the_admin_and_every_creator_fresh_each_run(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(settings, monkeypatch)
    main(["demo"])
    first = _printed_logins(capsys.readouterr().out)
    main(["demo"])
    second = _printed_logins(capsys.readouterr().out)

    assert [(role, username, name) for role, username, _password, name in first] == [
        ("Admin", "admin", ""),
        *[("Creator", person.username, person.name) for person in DEMO_PEOPLE],
    ]
    assert [login[1] for login in second] == ["admin", "ada", "bashir", "chen"]
    assert all(old[2] != new[2] for old, new in zip(first, second, strict=True))
    assert asyncio.run(_passwords_work(settings.database_url, second)) == [True] * 4
