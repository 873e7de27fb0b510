"""Why each actor gets their share of a work: their paths through its attribution graph
(DESIGN §7, issue 17 "each contributor can see exactly how their share was computed").

A path starts at the work and follows sources down to the node where the actor keeps value: each
step passes on `upstreamShare × weight` of what reached it; the last node keeps `1 − upstreamShare`
(all of it when it cites nothing, or when it is an unavailable source credited to its pinned
authors) and splits that equally among its authors. An actor's exact share is the sum over their
paths. Paths are listed up to a bound per actor (a DAG can hold exponentially many); the count is
always exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from fediverse_hit.protocol.chain_graphs import order_topologically
from fediverse_hit.protocol.credits import CreditNode
from fediverse_hit.protocol.remix_sources import BASIS_POINTS

MAX_LISTED_PATHS = 20  # per actor, in the document and on the page
MAX_WALKED_PATHS = 20_000  # path ends visited while listing, for one work


@dataclass(frozen=True)
class CreditStep:
    """One link of a path: `node` passes `upstream_share × weight` (basis points each) to the next."""

    node: str
    upstream_share: int
    weight: int


@dataclass(frozen=True)
class CreditPath:
    """One way value reaches an actor: the steps taken, then the node where it is kept, the part
    of its value that node keeps (basis points) and among how many authors it is split."""

    steps: tuple[CreditStep, ...]
    node: str
    kept: int
    author_count: int

    @property
    def share(self) -> Fraction:
        """The part of the work this path gives each of the node's authors."""
        value = Fraction(1)
        for step in self.steps:
            value *= Fraction(step.upstream_share * step.weight, BASIS_POINTS**2)
        return value * Fraction(self.kept, BASIS_POINTS) / self.author_count


@dataclass(frozen=True)
class CreditExplanation:
    """An actor's paths (at most MAX_LISTED_PATHS), how many there are in all, and the nodes
    (contributions, or unavailable sources) where they keep value."""

    paths: tuple[CreditPath, ...]
    path_count: int
    nodes: tuple[str, ...]


@dataclass(frozen=True)
class _End:
    """A node where value is kept: its authors, the part kept (bp)."""

    authors: tuple[str, ...]
    kept: int


def explain_credits(root: str, nodes: Mapping[str, CreditNode]) -> dict[str, CreditExplanation]:
    """Each credited actor's paths from `root` (the same graph `credits.compute_exact_shares` takes)."""
    ends = _ends(nodes)
    counts = _path_counts(root, nodes)
    listed: dict[str, list[CreditPath]] = defaultdict(list)
    total: dict[str, int] = defaultdict(int)
    kept_at: dict[str, dict[str, None]] = defaultdict(dict)
    for key, end in ends.items():
        if counts.get(key, 0) == 0 or end.kept == 0:
            continue
        for author in end.authors:
            total[author] += counts[key]
            kept_at[author][key] = None
    budget = [MAX_WALKED_PATHS]
    _walk(root, (), nodes, ends, listed, budget)
    return {
        actor: CreditExplanation(tuple(listed[actor]), total[actor], tuple(kept_at[actor])) for actor in sorted(total)
    }


def _ends(nodes: Mapping[str, CreditNode]) -> dict[str, _End]:
    """Every node that keeps value: contributions in the graph, and unavailable sources."""
    ends: dict[str, _End] = {}
    for key, node in nodes.items():
        ends[key] = _End(node.authors, BASIS_POINTS - node.upstream_share if node.sources else BASIS_POINTS)
        for source in node.sources:
            if source.node not in nodes:
                ends[source.node] = _End(source.authors, BASIS_POINTS)
    return ends


def _path_counts(root: str, nodes: Mapping[str, CreditNode]) -> dict[str, int]:
    """How many distinct paths lead from `root` to each node (an unavailable source included)."""
    edges = [
        (key, source.node)
        for key, node in nodes.items()
        if node.upstream_share
        for source in node.sources
        if source.weight
    ]
    counts: dict[str, int] = defaultdict(int)
    counts[root] = 1
    for key in order_topologically(root, edges):
        node = nodes.get(key)
        if node is None:
            continue
        for source in node.sources:
            if node.upstream_share and source.weight:
                counts[source.node] += counts[key]
    return dict(counts)


def _walk(
    key: str,
    steps: tuple[CreditStep, ...],
    nodes: Mapping[str, CreditNode],
    ends: Mapping[str, _End],
    listed: dict[str, list[CreditPath]],
    budget: list[int],
) -> None:
    """List paths depth first, in source order, until every actor has MAX_LISTED_PATHS or the
    budget of visited path ends is spent."""
    if budget[0] <= 0:
        return
    budget[0] -= 1
    end = ends[key]
    if end.kept:
        for author in end.authors:
            if len(listed[author]) < MAX_LISTED_PATHS:
                listed[author].append(CreditPath(steps, key, end.kept, len(end.authors)))
    node = nodes.get(key)
    if node is None or node.upstream_share == 0:
        return
    for source in node.sources:
        if source.weight:
            _walk(source.node, (*steps, CreditStep(key, node.upstream_share, source.weight)), nodes, ends, listed, budget)
