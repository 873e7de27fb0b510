"""Credits of a work from its attribution graph: exact shares, then basis points (DESIGN §7).

Value 1 starts at the work; each node keeps `1 − upstreamShare` for its authors (split equally)
and passes `upstreamShare × weight_i` to source i. A source reached by two paths receives value by
both. Arithmetic is exact (`fractions.Fraction`); only the final split is rounded, by largest
remainder, so the basis points sum to exactly 10000.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from fediverse_hit.protocol.chain_graphs import order_topologically
from fediverse_hit.protocol.remix_sources import BASIS_POINTS, DEFAULT_UPSTREAM_SHARE


class CreditsError(ValueError):
    """A graph whose shares cannot be computed (bad weights, no authors, unknown root)."""


@dataclass(frozen=True)
class CreditSource:
    """A cited source: its node key, its weight (bp) and its pinned authors, who receive its whole
    share when the node itself is not in the graph (an unavailable source still earns credit)."""

    node: str
    weight: int
    authors: tuple[str, ...]


@dataclass(frozen=True)
class CreditNode:
    """One contribution (one pinned version) in the graph."""

    authors: tuple[str, ...]
    upstream_share: int = DEFAULT_UPSTREAM_SHARE
    sources: tuple[CreditSource, ...] = ()


def compute_exact_shares(root: str, nodes: Mapping[str, CreditNode]) -> dict[str, Fraction]:
    """Each actor's exact share of the work at `root`; the shares sum to exactly 1."""
    numerators, denominator = _scaled_shares(root, nodes)
    return {actor: Fraction(numerator, denominator) for actor, numerator in numerators.items()}


def compute_credits(root: str, nodes: Mapping[str, CreditNode]) -> dict[str, int]:
    """Each actor's credit in basis points (sum exactly 10000)."""
    return _largest_remainder(*_scaled_shares(root, nodes))


def round_to_basis_points(shares: Mapping[str, Fraction]) -> dict[str, int]:
    """Largest-remainder rounding of shares summing to 1 into basis points summing to 10000.

    Each actor gets the floor of its exact basis points; the leftover points go one each to the
    largest remainders, ties broken by actor id (ascending), so the result is deterministic.
    """
    if sum(shares.values(), Fraction(0)) != 1:
        raise CreditsError("shares must sum to exactly 1")
    denominator = math.lcm(*(share.denominator for share in shares.values()))
    numerators = {actor: share.numerator * (denominator // share.denominator) for actor, share in shares.items()}
    return _largest_remainder(numerators, denominator)


def _scaled_shares(root: str, nodes: Mapping[str, CreditNode]) -> tuple[dict[str, int], int]:
    """Shares as integer numerators over one common denominator.

    Every share is a sum over paths of products of (upstreamShare × weight) / 10000², split by
    author counts, so 10000^(2 × depth) × lcm(author counts) is a common denominator: integers
    then stay exact without a gcd per operation (Fraction's), which dominates on deep graphs.
    """
    if root not in nodes:
        raise CreditsError(f"the root {root} is not in the graph")
    edges = [(key, s.node) for key, node in nodes.items() for s in node.sources if s.node in nodes]
    order = order_topologically(root, edges)
    depth = {root: 0}
    longest = 0  # counting unavailable sources too: they sit one level below their citer
    splits = {1}
    for key in order:
        node = nodes[key]
        _check_node(key, node)
        splits.add(len(node.authors))
        for source in node.sources:
            longest = max(longest, depth[key] + 1)
            if source.node in nodes:
                depth[source.node] = max(depth.get(source.node, 0), depth[key] + 1)
            elif not source.authors:
                raise CreditsError(f"source {source.node} of {key} has no authors to credit")
            else:
                splits.add(len(source.authors))
    denominator = BASIS_POINTS ** (2 * longest) * math.lcm(*splits)
    value: dict[str, int] = defaultdict(int)
    value[root] = denominator
    shares: dict[str, int] = defaultdict(int)
    for key in order:
        node, incoming = nodes[key], value[key]
        if not node.sources:
            _add_split(shares, node.authors, incoming)
            continue
        # Exact divisions: a node with sources lies above the deepest level, so `incoming` is a
        # multiple of 10000² × lcm(author counts).
        _add_split(shares, node.authors, incoming * (BASIS_POINTS - node.upstream_share) // BASIS_POINTS)
        for source in node.sources:
            part = incoming * node.upstream_share * source.weight // BASIS_POINTS**2
            if source.node in nodes:
                value[source.node] += part
            else:
                _add_split(shares, source.authors, part)
    return dict(shares), denominator


def _largest_remainder(numerators: Mapping[str, int], denominator: int) -> dict[str, int]:
    exact = {actor: divmod(numerator * BASIS_POINTS, denominator) for actor, numerator in numerators.items()}
    points = {actor: whole for actor, (whole, _) in exact.items()}
    leftover = BASIS_POINTS - sum(points.values())
    for actor in sorted(exact, key=lambda actor: (-exact[actor][1], actor))[:leftover]:
        points[actor] += 1
    return points


def _check_node(key: str, node: CreditNode) -> None:
    if not node.authors:
        raise CreditsError(f"node {key} has no authors")
    if not 0 <= node.upstream_share <= BASIS_POINTS:
        raise CreditsError(f"node {key} upstream share {node.upstream_share} is outside 0..{BASIS_POINTS}")
    if node.sources:
        weights = [source.weight for source in node.sources]
        if min(weights) < 0 or sum(weights) != BASIS_POINTS:
            raise CreditsError(f"node {key} source weights sum to {sum(weights)}, not {BASIS_POINTS}")


def _add_split(shares: dict[str, int], authors: tuple[str, ...], amount: int) -> None:
    """Split `amount` equally among `authors` (exact: the denominator holds every author count)."""
    part = amount // len(authors)
    for author in authors:
        shares[author] += part
