"""The SQLite client Tortoise uses here: its own, plus telling `store/content_version.py` about
every statement that may change what pages show (before it runs and after it ran).

This module is the Tortoise engine named in `store/database.py` (Tortoise reads `client_class`).
A transaction holds the connection's lock until it ends, so nobody reads between a write and its
commit: noting each statement is enough, as opposed to PostgreSQL's pooled connections.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import NestedTransactionContext, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper

from fediverse_hit.store import content_version

ENGINE = __name__


class ContentNoting:
    """Tells `content_version` of every statement, and again after each write ran."""

    async def _noted(self, method: str, query: str, *args: Any) -> Any:
        written = content_version.note_statement(method, (query,))
        try:
            return await getattr(super(), method)(query, *args)
        finally:
            for table in written or ():
                content_version.note_written(table)

    async def execute_insert(self, query: str, values: list[Any]) -> int:
        return int(await self._noted("execute_insert", query, values))

    async def execute_many(self, query: str, values: list[list[Any]]) -> None:
        await self._noted("execute_many", query, values)

    async def execute_query(self, query: str, values: list[Any] | None = None) -> Any:
        return await self._noted("execute_query", query, values)

    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(await self._noted("execute_query_dict", query, values))

    async def execute_script(self, query: str) -> None:
        await self._noted("execute_script", query)


class HitSqliteClient(ContentNoting, SqliteClient):
    """Tortoise's SQLite client, noting content changes."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(HitSqliteTransactionWrapper(self), self._lock)


class HitSqliteTransactionWrapper(ContentNoting, SqliteTransactionWrapper):
    """Tortoise's SQLite transaction, noting content changes."""

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(HitSqliteTransactionWrapper(self))


client_class = HitSqliteClient
