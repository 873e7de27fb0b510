"""An instance's domain is fixed when its data dir is made: starting it (or running any command on
its data) under another HIT_DOMAIN is refused with a message naming both domains."""

from __future__ import annotations

from pathlib import Path

import pytest

from fediverse_hit.cli import main
from fediverse_hit.errors import Misconfigured
from fediverse_hit.settings import Settings, ensure_data_dir, load_settings


def _use(settings: Settings, monkeypatch: pytest.MonkeyPatch, domain: str) -> None:
    monkeypatch.setenv("HIT_DOMAIN", domain)
    monkeypatch.setenv("HIT_SCHEME", settings.scheme)
    monkeypatch.setenv("HIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HIT_DATABASE_URL", settings.database_url)


def _refusal(settings: Settings, made_for: str, asked: str) -> str:
    return (
        f"error: The data dir {settings.data_dir} was made for the instance at {made_for}, but HIT_DOMAIN "
        f"is {asked}. An instance's domain cannot change: its people's addresses, keys and posts all "
        f"name {made_for}. Start it with HIT_DOMAIN={made_for}, or give the instance at {asked} a data "
        "dir (and database) of its own with HIT_DATA_DIR.\n"
    )


@pytest.mark.parametrize(
    "command",
    [["serve", "--port", "1"], ["init"], ["demo"], ["worker", "--once"], ["user", "create", "eve"]],
    ids=lambda command: command[0],
)
def test_a_command_under_another_domain_exits_non_zero_naming_both_domains(
    settings: Settings, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(settings, monkeypatch, "localhost:8001")  # the data dir was made for hit.test

    with pytest.raises(SystemExit) as exited:
        main(command)

    assert exited.value.code == 1
    assert capsys.readouterr() == ("", _refusal(settings, "hit.test", "localhost:8001"))


def test_the_same_domain_starts_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(settings, monkeypatch, "hit.test")
    main(["init"])
    main(["init"])

    assert capsys.readouterr().out == f"Initialized http://hit.test (data in {settings.data_dir})\n" * 2


def test_the_first_domain_a_data_dir_is_made_with_is_the_one_kept(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    ensure_data_dir(load_settings({"HIT_DOMAIN": "first.test", "HIT_DATA_DIR": data_dir}))

    with pytest.raises(Misconfigured, match=r"made for the instance at first\.test, but HIT_DOMAIN is second\.test\."):
        ensure_data_dir(load_settings({"HIT_DOMAIN": "second.test", "HIT_DATA_DIR": data_dir}))
    ensure_data_dir(load_settings({"HIT_DOMAIN": "first.test", "HIT_DATA_DIR": data_dir}))


def test_a_data_dir_made_before_domains_were_recorded_is_kept_for_its_current_domain(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret.key").write_text("an older instance's secret", encoding="ascii")
    ensure_data_dir(load_settings({"HIT_DOMAIN": "older.test", "HIT_DATA_DIR": str(data_dir)}))

    assert (data_dir / "secret.key").read_text(encoding="ascii") == "an older instance's secret"
    with pytest.raises(Misconfigured, match=r"made for the instance at older\.test"):
        ensure_data_dir(load_settings({"HIT_DOMAIN": "newer.test", "HIT_DATA_DIR": str(data_dir)}))
