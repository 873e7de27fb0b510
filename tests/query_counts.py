"""Counting the SQL statements a piece of code sends, for tests that hold a page to a fixed
number of queries whatever its length.

The execute methods of the class behind the default Tortoise connection are wrapped (on the
class, so transaction wrappers, which inherit them, are counted too); a statement that one
execute method sends through another is counted once.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from tortoise import connections

EXECUTE_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")
_inside = contextvars.ContextVar("inside_execute", default=False)


def _defining_class(cls: type, name: str) -> type:
    return next(klass for klass in cls.__mro__ if name in vars(klass))


def _counting(method: Callable[..., Awaitable[Any]], log: list[str]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def wrapper(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        if _inside.get():
            return await method(self, query, *args, **kwargs)
        log.append(query)
        token = _inside.set(True)
        try:
            return await method(self, query, *args, **kwargs)
        finally:
            _inside.reset(token)

    return wrapper


@contextmanager
def recorded_queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL sent inside the block, one entry per statement, in order."""
    log: list[str] = []
    root = type(connections.get("default"))
    with monkeypatch.context() as patch:
        for name in EXECUTE_METHODS:
            owner = _defining_class(root, name)
            patch.setattr(owner, name, _counting(getattr(owner, name), log))
            for sub in (klass for klass in _subclasses(root) if name in vars(klass)):
                patch.setattr(sub, name, _counting(vars(sub)[name], log))
        yield log


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
