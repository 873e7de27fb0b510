"""Parse functions that fail inside a parse worker process, for tests/inbox/test_parser_pool.py
(worker processes import them by name, so they live in a plain module, not in a test module)."""

from __future__ import annotations

import os
import time
from typing import Any

from fediverse_hit.federation.parser_pool import parse_contribution
from fediverse_hit.protocol.notes import ParsedNote

CRASH = "crash the parse worker"
HANG = "hang the parse worker"


def parse_or_crash(document: dict[str, Any]) -> ParsedNote | None:
    """The process dies, as one killed for its memory would, when the summary says so."""
    if document.get("summary") == CRASH:
        os._exit(70)
    return parse_contribution(document)


def parse_or_hang(document: dict[str, Any]) -> ParsedNote | None:
    """The parse never ends (it outlives any deadline a test sets) when the summary says so."""
    if document.get("summary") == HANG:
        time.sleep(600)
    return parse_contribution(document)
