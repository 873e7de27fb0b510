"""The shape of an attribution graph: no cycles, bounded depth, and a topological order (DESIGN §7).

Digests make a cycle between versions impossible, but an object can still cite, through others,
an earlier version of itself; by object id that is a cycle, and credits could not be computed on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


class ChainError(ValueError):
    """A chain that cannot be accepted as a whole: a cycle, too deep, or too large."""


def order_topologically(root: str, edges: Iterable[tuple[str, str]]) -> list[str]:
    """Nodes reachable from `root`, each before every node it points to (Kahn's algorithm).

    Ties are broken by first appearance in `edges`, so the order is deterministic. Raises
    ChainError naming a node on a cycle.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for parent, child in edges:
        children[parent].append(child)
    indegree: dict[str, int] = {root: 0}
    reached, frontier = {root}, [root]
    while frontier:  # only what `root` reaches counts, so unrelated edges change nothing
        for child in children[frontier.pop()]:
            indegree[child] = indegree.get(child, 0) + 1
            if child not in reached:
                reached.add(child)
                frontier.append(child)
    order: list[str] = []
    ready = [node for node, count in indegree.items() if count == 0]
    while ready:
        node = ready.pop()
        order.append(node)
        for child in reversed(children[node]):
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if len(order) != len(indegree):
        stuck = next(node for node, count in indegree.items() if count > 0)
        raise ChainError(f"the chain has a cycle through {stuck}: it cites itself")
    return order


def check_chain_shape(root: str, edges: Iterable[tuple[str, str]], max_depth: int) -> None:
    """Raise ChainError for a cycle, or for a path from `root` longer than `max_depth` links."""
    edge_list = list(edges)
    children: dict[str, list[str]] = defaultdict(list)
    for parent, child in edge_list:
        children[parent].append(child)
    depth = {root: 0}
    for node in order_topologically(root, edge_list):
        for child in children[node]:
            depth[child] = max(depth.get(child, 0), depth.get(node, 0) + 1)
            if depth[child] > max_depth:
                raise ChainError(f"the chain is deeper than {max_depth} links (at {child})")
