"""`fediverse-hit user password NAME`: from standard input for scripts, typed twice at a prompt
otherwise; sessions end; an unknown name or two different typings change nothing."""

from __future__ import annotations

import asyncio
import io

import pytest

from fediverse_hit.cli import main
from fediverse_hit.services.passwords import check_password
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Account


@pytest.fixture
def instance(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Settings:
    """An instance with the user eve (password "first password")."""
    for name, value in {"HIT_DOMAIN": settings.domain, "HIT_SCHEME": settings.scheme,
                        "HIT_DATA_DIR": str(settings.data_dir), "HIT_DATABASE_URL": settings.database_url}.items():
        monkeypatch.setenv(name, value)
    main(["user", "create", "eve", "--password", "first password"])
    capsys.readouterr()
    return settings


def _eve(settings: Settings) -> Account:
    async def read() -> Account:
        await open_database(settings.database_url)
        try:
            return await Account.get(username="eve")
        finally:
            await close_database()

    return asyncio.run(read())


def test_a_password_from_stdin_replaces_the_old_one_and_ends_sessions(
    instance: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _eve(instance)
    monkeypatch.setattr("sys.stdin", io.StringIO("second password\n"))
    main(["user", "password", "eve", "--stdin"])
    assert capsys.readouterr().out == "Password of @eve changed; every session of theirs was logged out.\n"
    after = _eve(instance)
    assert check_password(after.password_hash, "second password")
    assert not check_password(after.password_hash, "first password")
    assert after.session_epoch == before.session_epoch + 1


def test_the_prompt_asks_twice_and_refuses_a_mismatch(
    instance: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter(["second password", "second pasword"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    with pytest.raises(SystemExit) as exited:
        main(["user", "password", "eve"])
    assert exited.value.code == 1
    assert "The two passwords differ. Nothing was changed." in capsys.readouterr().err
    assert check_password(_eve(instance).password_hash, "first password")


@pytest.mark.parametrize(("name", "password", "message"), [("nobody", "long enough", "No user named 'nobody'"), ("eve", "short", "at least 8")])
def test_an_unknown_user_or_a_short_password_changes_nothing(
    instance: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, password: str, message: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(SystemExit) as exited:
        main(["user", "password", name, "--stdin"])
    assert exited.value.code == 1 and message in capsys.readouterr().err
    assert check_password(_eve(instance).password_hash, "first password")
