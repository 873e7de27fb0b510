"""The import rule of DESIGN.md §2, checked by parsing every module's imports with `ast`.

Layers, lowest first: protocol < store < services < federation < web; a layer imports only the
layers below it, plus the per-layer rules in `RULES`. `app.py`, `cli.py` and `__main__.py` may
import anything and nothing imports them. Every import statement counts wherever it stands:
inside functions and under `if TYPE_CHECKING:` too, since those are still dependencies.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "fediverse_hit"
# Tortoise migrations live in ./migrations and are installed as `fediverse_hit.migrations`.
SOURCE_DIRS = {
    PACKAGE: PROJECT_ROOT / "fediverse_hit",
    f"{PACKAGE}.migrations": PROJECT_ROOT / "migrations",
}

LAYERS = ("protocol", "store", "services", "federation", "web")
ENTRY_MODULES = ("app", "cli", "cli_payments", "cli_projects", "cli_curators", "cli_users", "__main__")  # cli_*: sub-commands cli.py adds
PROTOCOL_FORBIDDEN = {"starlette", "tortoise", "pypika_tortoise", "jinja2", "asyncpg", "aiosqlite", "uvicorn"}
BASE_MODULES = ("errors", "settings")
# The typed vocabulary (enums of visibility, kinds, states; CONVENTIONS §17) is pure values that
# rows hold, so the store may name them; the rest of protocol stays out of the store.
STORE_MAY_IMPORT = frozenset({f"{PACKAGE}.protocol.vocabulary"})


@dataclass(frozen=True)
class Import:
    """One imported module, fully resolved (`fediverse_hit.store.models`, `starlette.routing`)."""

    target: str
    line: int


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    target: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.target} — {self.rule}"


def group_of(module: str) -> str | None:
    """The layer or role of one of our modules: a layer name, 'base', 'entry', 'root', or None."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1:
        return "root"
    if parts[1] in LAYERS:
        return parts[1]
    if parts[1] == "migrations":
        return "store"  # frozen schema history: held to the store's rules
    if parts[1] in BASE_MODULES:
        return "base"
    if parts[1] in ENTRY_MODULES:
        return "entry"
    return None


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, name] if name else base)


def find_imports(
    source: str, module: str, known: frozenset[str] = frozenset(), is_package: bool = False
) -> list[Import]:
    """Every module `source` (the text of `module`, an `__init__.py` if `is_package`) imports,
    at any depth of the syntax tree.

    `from package import name` counts as importing `package.name` when that is a known module.
    """
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append(Import(candidate if candidate in known else base, node.lineno))
    return sorted(found, key=lambda item: item.line)


# --- the rules: each returns why `target` is forbidden for `module`, or None -----------------

Rule = Callable[[str, str], str | None]


def _top(target: str) -> str:
    return target.split(".")[0]


def rule_layers_import_downward(module: str, target: str) -> str | None:
    mine, theirs = group_of(module), group_of(target)
    if mine in LAYERS and theirs in LAYERS and LAYERS.index(theirs) > LAYERS.index(mine):
        return (
            "layers import only downward (protocol < store < services < federation < web): "
            f"{mine} must not import {theirs}"
        )
    return None


def rule_nothing_imports_entry_points(module: str, target: str) -> str | None:
    if group_of(target) == "entry" and group_of(module) != "entry":
        return "only app.py, cli.py and __main__.py may import the entry points app/cli"
    return None


def rule_protocol_is_pure(module: str, target: str) -> str | None:
    if group_of(module) != "protocol":
        return None
    if _top(target) == PACKAGE and group_of(target) != "protocol":
        return "protocol imports nothing of fediverse_hit outside protocol (it is pure: dicts and bytes)"
    if _top(target) in PROTOCOL_FORBIDDEN:
        return "protocol has no DB, web framework or templates (httpx is allowed for its httpx.Auth signer)"
    return None


def rule_store_knows_no_http(module: str, target: str) -> str | None:
    if group_of(module) != "store":
        return None
    if _top(target) == PACKAGE and group_of(target) not in {"store", "base"} and target not in STORE_MAY_IMPORT:
        return "store imports only store (and fediverse_hit.errors/settings); it knows no AS2 and no protocol"
    if _top(target) in {"starlette", "httpx", "jinja2", "uvicorn"}:
        return "store knows no HTTP and no templates"
    return None


def rule_services_know_no_http(module: str, target: str) -> str | None:
    if group_of(module) == "services" and _top(target) in {"starlette", "jinja2", "uvicorn"}:
        return "services know no web framework (raise fediverse_hit.errors; web/ turns them into responses)"
    return None


def rule_base_modules_stay_low(module: str, target: str) -> str | None:
    if group_of(module) == "base" and group_of(target) not in {None, "base", "protocol"}:
        return "errors.py and settings.py import no fediverse_hit layer except protocol"
    return None


def rule_root_package_imports_nothing(module: str, target: str) -> str | None:
    if group_of(module) == "root" and _top(target) == PACKAGE:
        return "fediverse_hit/__init__.py is imported by every layer, so it imports none of them"
    return None


RULES: tuple[Rule, ...] = (
    rule_layers_import_downward,
    rule_nothing_imports_entry_points,
    rule_protocol_is_pure,
    rule_store_knows_no_http,
    rule_services_know_no_http,
    rule_base_modules_stay_low,
    rule_root_package_imports_nothing,
)


def check_source(
    source: str, module: str, path: str, known: frozenset[str] = frozenset(), is_package: bool = False
) -> list[Violation]:
    """Every rule broken by one module's imports."""
    return [
        Violation(path, found.line, module, found.target, reason)
        for found in find_imports(source, module, known, is_package)
        for rule in RULES
        if (reason := rule(module, found.target)) is not None
    ]


# --- the real tree ---------------------------------------------------------------------------


def iter_modules() -> Iterator[tuple[str, Path]]:
    """(dotted module name, file) for every .py file of the installed package."""
    for prefix, directory in SOURCE_DIRS.items():
        for path in sorted(directory.rglob("*.py")):
            parts = list(path.relative_to(directory).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join([prefix, *parts]), path


MODULES = dict(iter_modules())
KNOWN = frozenset(MODULES)


def test_scan_sees_every_layer() -> None:
    groups = {group_of(module) for module in MODULES}
    assert {*LAYERS, "base", "entry", "root"} <= groups
    assert "fediverse_hit.migrations" in MODULES and "fediverse_hit.protocol.keys" in MODULES


def test_every_module_belongs_to_a_layer() -> None:
    strays = [str(path.relative_to(PROJECT_ROOT)) for name, path in MODULES.items() if group_of(name) is None]
    assert not strays, (
        "modules outside the layer map of DESIGN.md §2 (put them in a layer, or add the new "
        f"role to DESIGN §2 and tests/test_layering.py): {strays}"
    )


def test_every_module_keeps_to_its_layer() -> None:
    violations = [
        violation
        for module, path in MODULES.items()
        for violation in check_source(
            path.read_text(encoding="utf-8"),
            module,
            str(path.relative_to(PROJECT_ROOT)),
            KNOWN,
            is_package=path.name == "__init__.py",
        )
    ]
    assert not violations, "import rule of DESIGN.md §2 broken:\n" + "\n".join(map(str, violations))


def documented_modules(text: str) -> set[str]:
    """Module paths listed in docs/architecture.md: bullet lines naming a `.py` file, under a
    heading that names the package directory (or "Top-level modules" for the package itself)."""
    listed: set[str] = set()
    directory: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            named = re.match(r"`([\w/]+)/`", heading)
            directory = f"fediverse_hit/{named.group(1)}" if named else None
            directory = "fediverse_hit" if heading.startswith("Top-level modules") else directory
        elif directory and (entry := re.match(r"- `(\w+\.py)`", line)):
            listed.add(f"{directory}/{entry.group(1)}")
    return listed


def test_architecture_map_lists_every_module() -> None:
    actual = {
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "fediverse_hit").rglob("*.py")
        if path.name != "__init__.py"
    }
    listed = documented_modules((PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert listed == actual, (
        "docs/architecture.md must list every module, one line each (CONVENTIONS.md 2). "
        f"Add lines for: {sorted(actual - listed)}; remove lines for: {sorted(listed - actual)}"
    )


def test_architecture_map_parser_reads_sections() -> None:
    text = (
        "# Architecture\n\n## Top-level modules\n\n- `app.py` — the app\n\n"
        "## `store/models/` — models\n\n- `actors.py` — actors\n\n"
        "## Outside the package\n\n- `migrations/` — history\n- `setup.py` — not ours\n"
    )
    assert documented_modules(text) == {"fediverse_hit/app.py", "fediverse_hit/store/models/actors.py"}


# --- the checker itself ----------------------------------------------------------------------

def case(module: str, source: str, line: int, target: str, rule: str) -> Any:
    return pytest.param(module, source, line, target, rule, id=f"{module}->{target}")


PROTOCOL = "fediverse_hit.protocol.keys"
STORE = "fediverse_hit.store.actors"
SERVICES = "fediverse_hit.services.accounts"
WEB = "fediverse_hit.web.pages"
TYPE_CHECKING_IMPORT = (
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fediverse_hit.web.pages import x\n"
)
VIOLATIONS = [
    case(PROTOCOL, "def load():\n    from fediverse_hit.store.models import Actor\n", 2,
         "fediverse_hit.store.models", "layers import only downward"),
    case(PROTOCOL, "import starlette.requests\n", 1, "starlette.requests", "web framework"),
    case(PROTOCOL, "from fediverse_hit.errors import BadRequest\n", 1,
         "fediverse_hit.errors", "outside protocol"),
    case(PROTOCOL, "from tortoise import fields\n", 1, "tortoise", "no DB"),
    case(STORE, "import httpx\n", 1, "httpx", "store knows no HTTP"),
    case(STORE, "from fediverse_hit.protocol import keys\n", 1,
         "fediverse_hit.protocol.keys", "store imports only store"),
    case("fediverse_hit.migrations.0002_x", "from fediverse_hit.services import demo\n", 1,
         "fediverse_hit.services.demo", "layers import only downward"),
    case(SERVICES, "\n\nfrom ..federation import urls\n", 3,
         "fediverse_hit.federation.urls", "services must not import federation"),
    case(SERVICES, "from starlette.routing import Route\n", 1,
         "starlette.routing", "services know no web framework"),
    case("fediverse_hit.federation.inbox", TYPE_CHECKING_IMPORT, 3,
         "fediverse_hit.web.pages", "federation must not import web"),
    case(WEB, "from fediverse_hit.app import create_app\n", 1, "fediverse_hit.app", "entry points"),
    case("fediverse_hit.errors", "from fediverse_hit.store.models import Actor\n", 1,
         "fediverse_hit.store.models", "errors.py and settings.py"),
    case("fediverse_hit.settings", "import fediverse_hit.web.routes\n", 1,
         "fediverse_hit.web.routes", "errors.py and settings.py"),
    case("fediverse_hit", "from fediverse_hit.settings import Settings\n", 1,
         "fediverse_hit.settings", "__init__.py"),
]


@pytest.mark.parametrize(("module", "source", "line", "target", "rule"), VIOLATIONS)
def test_checker_catches_violation(module: str, source: str, line: int, target: str, rule: str) -> None:
    violations = check_source(source, module, "synthetic.py", KNOWN)
    assert violations, f"checker missed {target} imported by {module}"
    violation = violations[0]
    assert (violation.line, violation.target) == (line, target)
    assert rule in violation.rule
    assert str(violation).startswith(f"synthetic.py:{line}: {module} imports {target} — ")


PERMITTED = {
    "fediverse_hit.protocol.http_signatures": "import httpx\nfrom fediverse_hit.protocol.keys import Key\n",
    PROTOCOL: "from . import multibase\nfrom .vocab import AS_CONTEXT\n",
    STORE: "from tortoise import fields\nfrom fediverse_hit.errors import NotFound\n",
    SERVICES: "from fediverse_hit.errors import Conflict\nfrom fediverse_hit.protocol.keys import x\n"
    "from fediverse_hit.store import accounts\n",
    "fediverse_hit.federation.urls": "from fediverse_hit.services.accounts import x\nimport httpx\n",
    WEB: "from fediverse_hit import __version__\nfrom fediverse_hit.federation import urls\n"
    "from starlette.routing import Route\n",
    "fediverse_hit.errors": "from starlette.responses import Response\n"
    "from fediverse_hit.protocol import media_types\n",
    "fediverse_hit.cli": "def serve():\n    from fediverse_hit.app import create_app\n"
    "    from fediverse_hit.web import routes\n",
}


@pytest.mark.parametrize("module", PERMITTED)
def test_checker_allows_permitted_imports(module: str) -> None:
    assert check_source(PERMITTED[module], module, "synthetic.py", KNOWN) == []


def test_from_package_import_submodule_resolves_to_the_submodule() -> None:
    [found] = find_imports("from fediverse_hit.web import pages\n", "fediverse_hit.app", KNOWN)
    assert found.target == "fediverse_hit.web.pages"
    [relative] = find_imports("from ..store import actors\n", "fediverse_hit.services.accounts", KNOWN)
    assert relative.target == "fediverse_hit.store.actors"
    [in_package] = find_imports("from .models import Actor\n", "fediverse_hit.store", KNOWN, is_package=True)
    assert in_package.target == "fediverse_hit.store.models"
