"""Claiming due job rows (deliveries, inbox items) so that several workers never take the same row.

A claim sets `state = 'claimed state'` and `locked_until = lease end` in one statement and returns
the rows. A worker killed mid-job loses nothing: once its lease has passed the row is due again.
The lease end doubles as the claim's token: results are written only `WHERE locked_until = lease`,
so a worker that overran its lease cannot overwrite a newer claim.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` in a CTE feeding the `UPDATE … RETURNING` (one
statement, one transaction), so concurrent workers skip each other's rows instead of waiting.
SQLite (≥ 3.35 for RETURNING): `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`; SQLite runs
each write statement under its database-wide write lock, so the select and update are atomic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import connections

CONNECTION = "default"
SQLITE_RETURNING = (3, 35, 0)

_DUE = (
    "state IN ('pending', {claimed}) AND next_attempt_at <= {now} "
    "AND (locked_until IS NULL OR locked_until < {now})"
)


def database() -> BaseDBAsyncClient:
    """The Tortoise connection the job tables live on."""
    db: BaseDBAsyncClient = connections.get(CONNECTION)
    return db


def is_postgres(db: BaseDBAsyncClient) -> bool:
    """Whether `db` is PostgreSQL (otherwise SQLite)."""
    return db.capabilities.dialect == "postgres"


def placeholders(sql: str, db: BaseDBAsyncClient) -> str:
    """Turn `?` placeholders into asyncpg's `$1, $2, …` on PostgreSQL."""
    if not is_postgres(db):
        return sql
    parts = sql.split("?")
    return parts[0] + "".join(f"${index}{part}" for index, part in enumerate(parts[1:], start=1))


def check_sqlite_version() -> None:
    """Refuse to run claims on an SQLite library without `RETURNING`."""
    if sqlite3.sqlite_version_info < SQLITE_RETURNING:
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} lacks RETURNING; 3.35 or newer is needed")


async def claim_due_rows(
    table: str,
    columns: Sequence[str],
    claimed_state: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Claim up to `limit` due rows of `table`, oldest due first; returns `columns` of each.

    `table`, `columns` and `claimed_state` come from our code, never from input.
    """
    db = database()
    returned = ", ".join(columns)
    if is_postgres(db):
        due = _DUE.format(claimed=f"'{claimed_state}'", now="$1")
        sql = (
            f"WITH picked AS (SELECT id FROM {table} WHERE {due} ORDER BY next_attempt_at "
            f"LIMIT $2 FOR UPDATE SKIP LOCKED) "
            f"UPDATE {table} AS t SET state = '{claimed_state}', locked_until = $3 FROM picked "
            f"WHERE t.id = picked.id RETURNING {', '.join('t.' + c for c in columns)}"
        )
        return await db.execute_query_dict(sql, [now, limit, lease_until])
    check_sqlite_version()
    due = _DUE.format(claimed=f"'{claimed_state}'", now="?")
    sql = (
        f"UPDATE {table} SET state = '{claimed_state}', locked_until = ? "
        f"WHERE id IN (SELECT id FROM {table} WHERE {due} ORDER BY next_attempt_at LIMIT ?) "
        f"RETURNING {returned}"
    )
    return await db.execute_query_dict(sql, [lease_until, now, now, limit])


async def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one parametrised statement (`?` placeholders) once per row, in one transaction."""
    if rows:
        db = database()
        await db.execute_many(placeholders(sql, db), [list(row) for row in rows])
