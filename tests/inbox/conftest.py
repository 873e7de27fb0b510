"""The in-process inbox harness (`inbox` fixture) for every test here."""

from tests.inbox_harness import inbox

__all__ = ["inbox"]
