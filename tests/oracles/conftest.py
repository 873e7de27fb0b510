"""Fixtures for the oracle tests: keys, and Fedify run as a Node script.

The Node packages (tests/oracles/node/package.json, exact versions, lock file without download
addresses) are installed into tests/oracles/node/node_modules on first use with `npm ci`; the
Fedify tests are skipped only when no `node` is installed.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fediverse_hit.protocol.keys import KeyPairPem, generate_ed25519_key, generate_rsa_key
from tests.node_packages import install_node_packages

NODE_DIR = Path(__file__).resolve().parent / "node"
FedifyOracle = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def rsa_pair() -> KeyPairPem:
    return generate_rsa_key()


@pytest.fixture(scope="session")
def ed25519_pair() -> KeyPairPem:
    return generate_ed25519_key()


@pytest.fixture(scope="session")
def fedify() -> Iterator[FedifyOracle]:
    """Run one command of tests/oracles/node/fedify_oracle.mjs: keyword arguments in, JSON out."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm is not installed: the Fedify oracle (tests/oracles/node) cannot run")
    install_node_packages(NODE_DIR)

    def run(command: str, **arguments: Any) -> dict[str, Any]:
        completed = subprocess.run(
            ["node", "fedify_oracle.mjs"],
            cwd=NODE_DIR,
            input=json.dumps({"command": command, **arguments}).encode(),
            capture_output=True,
            timeout=60,
        )
        if completed.returncode != 0:
            raise AssertionError(f"fedify_oracle.mjs {command} failed:\n{completed.stderr.decode()}")
        answer: dict[str, Any] = json.loads(completed.stdout)
        return answer

    yield run


def body_b64(body: bytes) -> str:
    """Request bodies travel to the Node script base64-encoded, byte for byte."""
    return base64.b64encode(body).decode("ascii")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the Fedify oracle carries the `node` marker (mutmut skips those)."""
    for item in items:
        if "fedify" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.node)
