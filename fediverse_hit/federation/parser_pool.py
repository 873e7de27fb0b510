"""Parsing remote contributions off the thread that answers requests (issue 8: other requests are
answered within 100 ms while a 1 MB pathological object is processed).

Sanitizing is linear but pure Python: in a thread it holds the GIL for up to ~0.3 s, and the event
loop then waits its turn (5 ms switch interval) at every system call of every request it answers.
Objects of LARGE_OBJECT_CHARS or more are parsed in a bounded pool of worker processes instead,
started on first need; smaller ones, nearly every post, in a thread, where the pool's round trip
would cost more than the parse. Measurements: docs/benchmarks.md, "Hostile inputs".
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import anyio

from fediverse_hit.protocol.notes import ObjectShapeError, ParsedNote, parse_note
from fediverse_hit.protocol.vocabulary import POST_TYPES

LARGE_OBJECT_CHARS = 8_192  # of the object's JSON; worst shape at this size: ~20 ms of CPU
MAX_WORKERS = 2  # processes per pool: the parses of two inbox lanes at once, on a 2-core machine
PARSE_DEADLINE = 30.0  # seconds; a capped parse takes under 1 s, even on a loaded machine
WORKER_NICENESS = 10  # on a busy machine the CPU goes to answering requests first, then to parsing

Parse = Callable[[dict[str, Any]], "ParsedNote | None"]


class ParseWorkerError(Exception):
    """A parse in a worker process did not finish (the process died, or overran the deadline).

    The inbox item is not lost: the worker loop records this on its row and tries it again later.
    """


def parse_contribution(document: dict[str, Any]) -> ParsedNote | None:
    """The object as a contribution, or None when it is not one or is malformed."""
    if document.get("type") not in POST_TYPES:
        return None
    try:
        return parse_note(document)
    except ObjectShapeError:
        return None


class ContributionParser:
    """`parse_contribution` for one process: in a thread, or in the pool for large objects.

    `parse` must be a module-level function (worker processes import it by name)."""

    def __init__(
        self,
        parse: Parse = parse_contribution,
        *,
        large_object_chars: int = LARGE_OBJECT_CHARS,
        deadline: float = PARSE_DEADLINE,
    ) -> None:
        self._parse = parse
        self._large_object_chars = large_object_chars
        self._deadline = deadline
        self._executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()

    async def parse(self, document: dict[str, Any], *, size: int) -> ParsedNote | None:
        """`document` parsed; `size` is the length of its JSON text, which picks where."""
        if size < self._large_object_chars:
            return await anyio.to_thread.run_sync(self._parse, document)
        return await self._parse_in_pool(document)

    async def _parse_in_pool(self, document: dict[str, Any]) -> ParsedNote | None:
        # Starting the pool or a worker process forks and execs: not on the event loop.
        executor, future = await anyio.to_thread.run_sync(self._submit, document)
        try:
            if future is None:  # the pool broke before this parse could be sent to it
                raise BrokenProcessPool()
            return await asyncio.wait_for(asyncio.wrap_future(future), self._deadline)
        except BrokenProcessPool as exc:
            self._discard(executor, kill=False)
            raise ParseWorkerError("the parse worker process ended unexpectedly; the item will be retried") from exc
        except TimeoutError as exc:
            self._discard(executor, kill=True)
            raise ParseWorkerError(
                f"parsing took longer than {self._deadline:g} s in a worker process, which was stopped;"
                " the item will be retried"
            ) from exc

    def _submit(self, document: dict[str, Any]) -> tuple[ProcessPoolExecutor, Future[ParsedNote | None] | None]:
        with self._starting:  # two inbox lanes may need the pool at once: one pool
            if self._executor is None:
                # Spawned, not forked: this process has threads (database, anyio) a fork would copy mid-step.
                self._executor = ProcessPoolExecutor(
                    MAX_WORKERS, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
                )
            executor = self._executor
        try:
            return executor, executor.submit(self._parse, document)
        except BrokenProcessPool:
            return executor, None

    def _discard(self, executor: ProcessPoolExecutor, *, kill: bool) -> None:
        """Stop using `executor` (broken or stuck); the next large object starts a new pool."""
        with self._starting:
            if self._executor is executor:
                self._executor = None
        if kill:  # a stuck parse cannot be cancelled; Python 3.14 has terminate_workers() for this
            for process in list((executor._processes or {}).values()):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker processes (at the end of the app's or worker's lifespan)."""
        with self._starting:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _start_worker() -> None:
    """Ctrl-C reaches the whole process group: the parent shuts the pool down, the workers wait
    for it. Parsing is background work, so it runs at a lower priority than the web process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
