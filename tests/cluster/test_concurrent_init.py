"""Several processes running `fediverse-hit init` at once on one empty PostgreSQL database (a
deployment starting its web and worker processes together) all succeed (issue 14 item 1)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import asyncpg
import pytest

from tests.instances import CLI_COMMAND, POSTGRES_URL, free_port, instance_env, throwaway_database

pytestmark = [
    pytest.mark.federation,
    pytest.mark.skipif(not POSTGRES_URL, reason="advisory locks are PostgreSQL's (set HIT_TEST_POSTGRES_URL)"),
]


async def _count_instance_actors(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        count: int = await connection.fetchval("SELECT count(*) FROM actors WHERE kind = 'Application'")
        return count
    finally:
        await connection.close()


def test_four_inits_at_once_on_one_empty_database_all_exit_0(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    with throwaway_database(data_dir) as database_url:
        env = instance_env(f"127.0.0.1:{free_port()}", data_dir, database_url)
        processes = [
            subprocess.Popen(
                [*CLI_COMMAND, "init"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for _ in range(4)
        ]
        outputs = [process.communicate(timeout=120)[0] for process in processes]

        assert [process.returncode for process in processes] == [0, 0, 0, 0], "\n".join(outputs)
        assert asyncio.run(_count_instance_actors(database_url)) == 1
        assert len((data_dir / "secret.key").read_text(encoding="ascii").strip()) == 64
