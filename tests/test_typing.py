"""The package type-checks under `mypy --strict` (CONVENTIONS.md 11): a wrong type in a call
between layers fails the suite, not a user."""

from __future__ import annotations

from mypy import api

from fediverse_hit.settings import PROJECT_ROOT


def test_package_passes_mypy_strict() -> None:
    report, errors, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", "/dev/null", str(PROJECT_ROOT / "fediverse_hit")]
    )
    assert status == 0, report + errors
