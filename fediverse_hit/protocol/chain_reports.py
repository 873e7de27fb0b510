"""A chain report for people and for programs: one line per link, or JSON (`fediverse-hit verify`).

Each line names the verdict (verified, attested, tampered, unavailable, key mismatch), the object
indented by its depth in the chain, and the reason; the last line says whether the chain holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from fediverse_hit.protocol.attribution import ChainReport, LinkReport, Verdict

Copies = Mapping[tuple[str, str], str]
"""(object id, digest) → where the copy checked came from ("origin" or "bundle")."""


def format_chain_report(report: ChainReport, strict: bool = False, copies: Copies | None = None) -> list[str]:
    """The readable report: one line per link, then the conclusion."""
    width = max(len(verdict.value) for verdict in Verdict)
    lines = []
    for link in report.links:
        where = (copies or {}).get((link.object_id, link.digest))
        note = f" [copy from the {where}]" if where == "bundle" else ""
        lines.append(f"{link.verdict.value:<{width}}  {'  ' * link.depth}{link.object_id} — {link.reason}{note}")
    lines.append(summarize_chain_report(report, strict))
    return lines


def summarize_chain_report(report: ChainReport, strict: bool = False) -> str:
    """One sentence: whether the chain holds (strictly: every link verified), and the counts."""
    counts = Counter(link.verdict for link in report.links)
    tally = ", ".join(f"{counts[verdict]} {verdict.value}" for verdict in Verdict if counts[verdict])
    links = f"{len(report.links)} link{'s' if len(report.links) != 1 else ''}"
    if report.holds(strict):
        return f"The chain holds{' strictly' if strict else ''}: {links}, {tally}."
    if strict and report.holds():
        return f"The chain does not hold strictly (attested links are not verified): {links}, {tally}."
    return f"The chain does not hold: {links}, {tally}."


def chain_report_to_json(report: ChainReport, strict: bool = False, copies: Copies | None = None) -> dict[str, Any]:
    """The report as JSON: the root, whether it holds, and every link with its verdict."""
    return {
        "root": report.root_id,
        "strict": strict,
        "holds": report.holds(strict),
        "links": [_link_to_json(link, copies or {}) for link in report.links],
    }


def _link_to_json(link: LinkReport, copies: Copies) -> dict[str, Any]:
    return {
        "parent": link.parent_id,
        "object": link.object_id,
        "digestMultibase": link.digest,
        "depth": link.depth,
        "verdict": link.verdict.value,
        "reason": link.reason,
        "signer": link.signer,
        "copy": copies.get((link.object_id, link.digest)),
    }
