"""Credits of a work from its attribution graph: exact shares, then basis points (DESIGN §7).

Value 1 starts at the work; each node keeps `1 − upstreamShare` for its authors (split equally)
and passes `upstreamShare × weight_i` to source i. A source reached by two paths receives value by
both. Arithmetic is exact (`fractions.Fraction`); only the final split is rounded, by largest
remainder, so the basis points sum to exactly 10000.
"""

from __future__ import annotations

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
    if root not in nodes:
        raise CreditsError(f"the root {root} is not in the graph")
    edges = [
        (key, source.node)
        for key, node in nodes.items()
        for source in node.sources
        if source.node in nodes
    ]
    value: dict[str, Fraction] = defaultdict(Fraction)
    value[root] = Fraction(1)
    shares: dict[str, Fraction] = defaultdict(Fraction)
    for key in order_topologically(root, edges):
        node = nodes[key]
        _check_node(key, node)
        incoming = value[key]
        kept = incoming if not node.sources else incoming * (1 - Fraction(node.upstream_share, BASIS_POINTS))
        _add_split(shares, node.authors, kept)
        passed = incoming - kept
        for source in node.sources:
            part = passed * Fraction(source.weight, BASIS_POINTS)
            if source.node in nodes:
                value[source.node] += part
            else:
                _add_split(shares, source.authors, part)
    return dict(shares)


def round_to_basis_points(shares: Mapping[str, Fraction]) -> dict[str, int]:
    """Largest-remainder rounding of shares summing to 1 into basis points summing to 10000.

    Each actor gets the floor of its exact basis points; the leftover points go one each to the
    largest remainders, ties broken by actor id (ascending), so the result is deterministic.
    """
    if sum(shares.values(), Fraction(0)) != 1:
        raise CreditsError("shares must sum to exactly 1")
    exact = {actor: share * BASIS_POINTS for actor, share in shares.items()}
    points = {actor: int(value) for actor, value in exact.items()}  # floor: shares are ≥ 0
    leftover = BASIS_POINTS - sum(points.values())
    by_remainder = sorted(exact, key=lambda actor: (-(exact[actor] - points[actor]), actor))
    for actor in by_remainder[:leftover]:
        points[actor] += 1
    return points


def compute_credits(root: str, nodes: Mapping[str, CreditNode]) -> dict[str, int]:
    """Each actor's credit in basis points (sum exactly 10000)."""
    return round_to_basis_points(compute_exact_shares(root, nodes))


def _check_node(key: str, node: CreditNode) -> None:
    if not node.authors:
        raise CreditsError(f"node {key} has no authors")
    if not 0 <= node.upstream_share <= BASIS_POINTS:
        raise CreditsError(f"node {key} upstream share {node.upstream_share} is outside 0..{BASIS_POINTS}")
    if node.sources:
        weights = [source.weight for source in node.sources]
        if min(weights) < 0 or sum(weights) != BASIS_POINTS:
            raise CreditsError(f"node {key} source weights sum to {sum(weights)}, not {BASIS_POINTS}")


def _add_split(shares: dict[str, Fraction], authors: tuple[str, ...], amount: Fraction) -> None:
    """Split `amount` equally among `authors` (an actor listed twice gets two parts)."""
    if not authors:
        raise CreditsError("a share has nobody to go to: a source without authors")
    part = amount / len(authors)
    for author in authors:
        shares[author] += part
