"""Installing a test directory's Node packages (package.json with exact versions, a lock file
without download addresses) into its node_modules on first use, with `npm ci`."""

from __future__ import annotations

import fcntl
import subprocess
from pathlib import Path


def install_node_packages(directory: Path) -> None:
    """`npm ci` in `directory` unless node_modules is newer than the lock file; under a file lock
    so parallel test workers do not install twice."""
    with open(directory / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = directory / "node_modules" / ".package-lock.json"
        lock_file = directory / "package-lock.json"
        if marker.exists() and marker.stat().st_mtime >= lock_file.stat().st_mtime:
            return
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=directory, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
