"""Git never offers to commit an instance's data: `./data` and the `./data-PORT` dirs that
`PORT=… ./deploy/quickstart` makes (database, media, keys, secret) are ignored."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists(), reason="not a git checkout")
@pytest.mark.parametrize(
    "path",
    ["data/hit.sqlite3", "data/secret.key", "data/domain", "data/media/ab/cd.png", "data-8001/hit.sqlite3",
     "data-8001/secret.key", "data-127.0.0.1/.env"],
)
def test_files_in_data_dirs_are_ignored(path: str) -> None:
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--quiet", path], cwd=PROJECT_ROOT, check=False, timeout=30
    )
    assert result.returncode == 0, f"{path} is not ignored"
