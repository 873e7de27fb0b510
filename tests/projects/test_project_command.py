"""`fediverse-hit project create SLUG --title T --curator USER [--pool BP] [--comment-days N]`."""

from __future__ import annotations

import asyncio

import pytest

from fediverse_hit.cli import main
from fediverse_hit.settings import Settings
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import Project, ProjectCurator


def _env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIT_DOMAIN", settings.domain)
    monkeypatch.setenv("HIT_SCHEME", settings.scheme)
    monkeypatch.setenv("HIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HIT_DATABASE_URL", settings.database_url)


async def _stored(database_url: str) -> tuple[int, int, list[str]]:
    await open_database(database_url)
    try:
        project = await Project.get(slug="mural")
        curators = await ProjectCurator.filter(project=project).prefetch_related("actor")
        return project.pool_bp, project.comment_days, [row.actor.username for row in curators]
    finally:
        await close_database()


def test_project_create_prints_the_project_and_stores_its_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(settings, monkeypatch)
    main(["user", "create", "alice", "--password", "correct horse battery"])
    main(["user", "create", "bob", "--password", "correct horse battery"])
    capsys.readouterr()
    main(["project", "create", "mural", "--title", "City Mural", "--curator", "alice", "--curator", "bob",
          "--pool", "6000", "--comment-days", "0"])
    assert capsys.readouterr().out.splitlines() == [
        "Created project @mural@hit.test",
        "http://hit.test/projects/mural",
    ]
    assert asyncio.run(_stored(settings.database_url)) == (6000, 0, ["alice", "bob"])


def test_project_create_with_an_unknown_curator_fails_and_creates_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(settings, monkeypatch)
    with pytest.raises(SystemExit) as exited:
        main(["project", "create", "mural", "--title", "City Mural", "--curator", "nobody"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == "error: No user named 'nobody'.\n"


def test_project_create_with_negative_comment_days_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(settings, monkeypatch)
    main(["user", "create", "alice", "--password", "correct horse battery"])
    with pytest.raises(SystemExit) as exited:
        main(["project", "create", "mural", "--title", "City Mural", "--curator", "alice", "--comment-days", "-1"])
    assert exited.value.code == 1
    assert capsys.readouterr().err == "error: The comment window is between 0 and 365 days.\n"
