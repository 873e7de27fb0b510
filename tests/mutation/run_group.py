"""Run mutmut over one group of modules (tests/mutation/groups.toml) and print its score.

mutmut 3 reads its settings from ./pyproject.toml and works in ./mutants, so each group runs in a
copy of the tracked tree under build/mutation/<group>/ whose `[tool.mutmut]` names the group's
modules and tests; its results stay there for `mutmut results` / `mutmut show NAME` (run in
that folder) and for incremental reruns. Usage (docs/testing.md):

    .venv/bin/python tests/mutation/run_group.py signatures --max-children 1
    .venv/bin/python tests/mutation/run_group.py signatures --report   # score of the last run
    .venv/bin/python tests/mutation/run_group.py inbox 'fediverse_hit.federation.inbox.*'  # some mutants only
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ALWAYS_LEFT_OUT = "not node and not federation and not browser"
# mutmut's exit-code meanings (mutmut/stats.py): 1 and 3 kill, 0 survives, 36/-24/24/152/255 time out.
KILLED, SURVIVED, TIMEOUT = {1, 3, 37}, {0}, {36, -24, 24, 152, 255}


def copy_tree(work: Path) -> None:
    """Copy every tracked file as it is in the working tree (so uncommitted edits count)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source, target = ROOT / name, work / name
        if source.is_file() and (not target.exists() or target.read_bytes() != source.read_bytes()):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def write_config(work: Path, modules: list[str], tests: list[str]) -> None:
    """Replace the copy's [tool.mutmut] table by the group's (JSON strings are TOML strings)."""
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text()
    start = text.find("\n[tool.mutmut]")
    if start != -1:
        end = text.find("\n[", start + 1)
        text = text[:start] + (text[end:] if end != -1 else "\n")
    table = {
        "source_paths": ["fediverse_hit/"],
        "only_mutate": modules,
        "also_copy": ["migrations/", "templates/"],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:xdist", "-m", ALWAYS_LEFT_OUT],
        "pytest_add_cli_args_test_selection": tests,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    pyproject.write_text(text.rstrip("\n") + "\n\n[tool.mutmut]\n" + "\n".join(lines) + "\n")


def report(work: Path) -> int:
    """Per module: mutants, killed, survived, the score without the equivalent ones, test time."""
    equivalent = tomllib.loads((HERE / "equivalent.toml").read_text()).get("equivalent", {})
    unfinished = 0
    print(f"{'module':<52} {'mutants':>7} {'killed':>6} {'surv.':>5} {'equiv.':>6} {'other':>5} {'score':>6} {'time':>6}")
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        counts = Counter(
            "killed" if code in KILLED or code in TIMEOUT else
            ("equivalent" if name in equivalent else "survived") if code in SURVIVED else
            "pending" if code is None else "other"
            for name, code in codes.items()
        )
        unfinished += counts["pending"]
        judged = counts["killed"] + counts["survived"] + counts["other"]
        score = 100 * counts["killed"] / judged if judged else 100.0
        seconds = sum(data.get("durations_by_key", {}).values())
        module = str(meta.relative_to(work / "mutants")).removesuffix(".meta")
        print(f"{module:<52} {len(codes):>7} {counts['killed']:>6} {counts['survived']:>5} "
              f"{counts['equivalent']:>6} {counts['other']:>5} {score:>5.1f}% {seconds:>5.0f}s")
    if unfinished:
        print(f"{unfinished} mutants not checked yet (run interrupted?)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("group")
    parser.add_argument("names", nargs="*", help="mutant names or globs to run (default: all of the group)")
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument("--report", action="store_true", help="only print the score of the last run")
    parser.add_argument("--here", action="store_true",
                        help="report on ./mutants (a plain `mutmut run` in the repository, which uses "
                             "pyproject's [tool.mutmut]: the signatures group)")
    arguments = parser.parse_intermixed_args()
    groups = tomllib.loads((HERE / "groups.toml").read_text())
    if arguments.group not in groups:
        parser.error(f"unknown group {arguments.group!r}; groups.toml has {', '.join(groups)}")
    work = ROOT if arguments.here else ROOT / "build" / "mutation" / arguments.group
    if not (arguments.report or arguments.here):
        work.mkdir(parents=True, exist_ok=True)
        copy_tree(work)
        write_config(work, groups[arguments.group]["modules"], groups[arguments.group]["tests"])
        started = time.monotonic()
        mutmut = Path(sys.executable).with_name("mutmut")
        subprocess.run([str(mutmut), "run", "--max-children", str(arguments.max_children), *arguments.names], cwd=work, check=False)
        print(f"\nmutmut ran {time.monotonic() - started:.0f} s")
    return report(work)


if __name__ == "__main__":
    sys.exit(main())
