"""Schema migrations: migrations/ matches the models, and `fediverse-hit init` is idempotent.

The init tests run the real CLI in a subprocess on the test's database, so with
`HIT_TEST_POSTGRES_URL` set they cover PostgreSQL too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fediverse_hit.store.database import close_database, open_database, pending_model_changes
from fediverse_hit.store.models import Actor, ActorKey
from tests.instances import throwaway_database

pytestmark = pytest.mark.anyio

DOMAIN = "127.0.0.1:8765"
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_SCRIPT = Path(sys.executable).with_name("fediverse-hit")
CLI_COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "fediverse_hit"]


async def test_models_and_migrations_agree() -> None:
    changes = await pending_model_changes("sqlite://:memory:")
    described = [f"{w.name}: " + "; ".join(op.describe() for op in w.operations) for w in changes]
    assert not changes, (
        "The models changed but migrations/ was not updated. Run\n"
        "    fediverse-hit makemigrations --name <change>\n"
        "and commit the new file(s) in migrations/. Missing:\n" + "\n".join(described)
    )


def semicolons_in_comments(source: str) -> list[int]:
    """Lines of a migration whose `description`/`table_description` string holds a ';'."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        pairs: list[tuple[object, ast.expr]] = []
        if isinstance(node, ast.Dict):
            entries = zip(node.keys, node.values, strict=True)
            pairs = [(key.value, value) for key, value in entries if isinstance(key, ast.Constant)]
        elif isinstance(node, ast.keyword):
            pairs = [(node.arg, node.value)]
        lines.extend(
            value.lineno
            for name, value in pairs
            if name in ("description", "table_description")
            and isinstance(value, ast.Constant)
            and ";" in str(value.value)
        )
    return lines


def test_migration_comments_have_no_semicolons() -> None:
    # Model docstrings and field descriptions become SQL comments, and Tortoise's SQLite schema
    # editor splits migration SQL on every ';' (tortoise/migrations/schema_editor/sqlite.py), so one
    # ';' in a docstring makes `fediverse-hit init` fail on SQLite.
    found = [
        f"{path.name}:{line}"
        for path in sorted(MIGRATIONS_DIR.glob("*.py"))
        for line in semicolons_in_comments(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        f"';' in a table or field comment at {found}: reword the model docstring or field "
        "description without ';' and regenerate the migration (fediverse-hit makemigrations)."
    )


def test_semicolon_check_finds_table_and_field_comments() -> None:
    source = (
        "ops.CreateModel(name='Follow', fields=[('state', fields.CharField(description='a; b'))],\n"
        "    options={'table_description': 'x; y'})\n"
    )
    assert sorted(semicolons_in_comments(source)) == [1, 2]
    assert semicolons_in_comments("options={'table_description': 'no semicolon'}\n") == []


def run_init(data_dir: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HIT_")}
    env.update(HIT_DOMAIN=DOMAIN, HIT_DATA_DIR=str(data_dir), HIT_DATABASE_URL=database_url)
    result = subprocess.run(
        [*CLI_COMMAND, "init"],
        env=env,
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"init exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


async def instance_actor_keys(database_url: str) -> list[tuple[str, str]]:
    """(algorithm, public PEM) of every key of the instance actor; fails unless exactly one exists."""
    await open_database(database_url)
    try:
        [actor] = await Actor.filter(kind="Application", local=True)
        assert actor.uri == f"http://{DOMAIN}/actor"
        return [(key.algorithm, key.public_pem) for key in await ActorKey.filter(actor=actor).order_by("id")]
    finally:
        await close_database()


async def assert_init_twice_keeps_instance(data_dir: Path, database_url: str) -> None:
    first = run_init(data_dir, database_url)
    assert f"Initialized http://{DOMAIN}" in first.stdout
    secret = (data_dir / "secret.key").read_text(encoding="ascii")
    keys = await instance_actor_keys(database_url)
    assert sorted(algorithm for algorithm, _ in keys) == ["ed25519", "rsa"]

    run_init(data_dir, database_url)
    assert (data_dir / "secret.key").read_text(encoding="ascii") == secret
    assert await instance_actor_keys(database_url) == keys


async def test_init_twice_on_migrated_database_keeps_instance(database_url: str, tmp_path: Path) -> None:
    await assert_init_twice_keeps_instance(tmp_path / "data", database_url)


async def test_init_twice_on_empty_database_keeps_instance(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with throwaway_database(data_dir) as empty_database_url:
        await assert_init_twice_keeps_instance(data_dir, empty_database_url)
