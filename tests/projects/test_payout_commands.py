"""`fediverse-hit project earning|adjust|finalize` refuse bad input with a clear message and change
nothing (the rules themselves are tested through the web forms in test_payouts.py)."""

from __future__ import annotations

import asyncio

import pytest

from fediverse_hit.cli import main
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import ProjectEarning
from tests.projects.test_project_command import _env


async def _earnings(database_url: str) -> int:
    await open_database(database_url)
    try:
        return await ProjectEarning.all().count()
    finally:
        await close_database()


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        # Tried: a fractional amount (refused before anything is read), an unknown project, a
        # work that is not here, a proposal URL that is not ours.
        (["project", "earning", "mural", "http://hit.test/contributions/1", "--amount", "12.5", "--currency", "EUR"],
         2, "'12.5' is not a whole number of minor units"),
        (["project", "earning", "nowhere", "http://hit.test/contributions/1", "--amount", "100", "--currency", "EUR"],
         1, "No project named 'nowhere'."),
        (["project", "earning", "mural", "http://hit.test/contributions/404", "--amount", "100", "--currency", "EUR"],
         1, "No work at http://hit.test/contributions/404 here."),
        (["project", "finalize", "http://elsewhere.example/projects/mural/payments/1"],
         1, "No payment proposal at http://elsewhere.example/projects/mural/payments/1 here."),
    ],
)
def test_payment_commands_refuse_bad_input_and_record_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], code: int, message: str,
) -> None:
    _env(settings, monkeypatch)
    main(["user", "create", "alice", "--password", "correct horse battery"])
    main(["project", "create", "mural", "--title", "City Mural", "--curator", "alice"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == code
    assert message in capsys.readouterr().err
    assert asyncio.run(_earnings(settings.database_url)) == 0
