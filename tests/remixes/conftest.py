"""The in-process instance with a mock network of remote servers (`inbox` fixture) for the remix tests."""

from tests.inbox_harness import inbox

__all__ = ["inbox"]
