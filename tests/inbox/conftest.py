"""The in-process inbox harness (`inbox` fixture) and the handler tests' people (`world`)."""

from tests.inbox.world import world
from tests.inbox_harness import inbox

__all__ = ["inbox", "world"]
