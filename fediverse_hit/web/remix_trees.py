"""The remix tree of a work page, drawn as SVG on the server (DESIGN §8): sources above the work,
remixes below, one row per generation, every node a link.

A family of any size stays readable: at most MAX_ROW nodes per generation and MAX_GENERATIONS
generations each way are drawn; what does not fit is folded into a "+N more" node that links to
the family page, which lists everything. Pure: no database, no request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

MAX_ROW = 5  # 5 nodes fit the page's 60rem column without scrolling on a desktop
MAX_GENERATIONS = 4
NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 156, 54, 12, 40, 8
LABEL_CHARS, DETAIL_CHARS = 18, 21


@dataclass(frozen=True)
class TreeNode:
    """One work as the tree shows it. `kind` is root, local, remote, hidden, deleted or missing
    (a source not stored here); `href` is empty when the viewer gets no link."""

    key: str
    label: str
    detail: str
    href: str
    kind: str
    description: str


@dataclass(frozen=True)
class FamilyGraph:
    """The nodes of a family and its links, each (remix, source)."""

    root: str
    nodes: Mapping[str, TreeNode]
    edges: Sequence[tuple[str, str]]


@dataclass
class Generations:
    """Keys by distance from the root: `above[0]` are the root's sources, `below[0]` its remixes."""

    above: list[list[str]] = field(default_factory=list)
    below: list[list[str]] = field(default_factory=list)


def _walk(root: str, neighbours: Mapping[str, list[str]], seen: set[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    frontier = [root]
    while frontier:
        row: list[str] = []
        for key in frontier:
            for other in neighbours.get(key, ()):
                if other not in seen:
                    seen.add(other)
                    row.append(other)
        if row:
            rows.append(row)
        frontier = row
    return rows


def split_generations(graph: FamilyGraph) -> Generations:
    """Each node once, at its shortest distance; a node both above and below (a cycle by object
    id) is drawn above. Order within a row follows the rows before it, then source position."""
    sources: dict[str, list[str]] = defaultdict(list)
    remixes: dict[str, list[str]] = defaultdict(list)
    for remix, source in graph.edges:
        sources[remix].append(source)
        remixes[source].append(remix)
    seen = {graph.root}
    above = _walk(graph.root, sources, seen)
    below = _walk(graph.root, remixes, seen)
    return Generations(above, below)


@dataclass(frozen=True)
class _Placed:
    key: str
    x: int
    y: int
    node: TreeNode | None  # None: a fold
    folded: int = 0
    anchor: str = ""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rows(generations: Generations, family_url: str) -> list[list[tuple[str, int, str]]]:
    """Rows top to bottom as (key, folded count, anchor); key "" marks a fold."""
    rows: list[list[tuple[str, int, str]]] = []

    def add(row: list[str], anchor: str) -> list[tuple[str, int, str]]:
        if len(row) <= MAX_ROW:
            return [(key, 0, "") for key in row]
        return [(key, 0, "") for key in row[: MAX_ROW - 1]] + [("", len(row) - MAX_ROW + 1, f"{family_url}#{anchor}")]

    above, below = generations.above, generations.below
    if len(above) > MAX_GENERATIONS:
        hidden = sum(len(row) for row in above[MAX_GENERATIONS:])
        rows.append([("", hidden, f"{family_url}#above-{MAX_GENERATIONS + 1}")])
    for depth in range(min(len(above), MAX_GENERATIONS), 0, -1):
        rows.append(add(above[depth - 1], f"above-{depth}"))
    rows.append([(">root", 0, "")])
    for depth in range(1, min(len(below), MAX_GENERATIONS) + 1):
        rows.append(add(below[depth - 1], f"below-{depth}"))
    if len(below) > MAX_GENERATIONS:
        hidden = sum(len(row) for row in below[MAX_GENERATIONS:])
        rows.append([("", hidden, f"{family_url}#below-{MAX_GENERATIONS + 1}")])
    return rows


def _place(graph: FamilyGraph, rows: list[list[tuple[str, int, str]]]) -> tuple[list[_Placed], int, int]:
    widest = max(len(row) for row in rows)
    width = widest * (NODE_W + GAP_X) - GAP_X + 2 * PAD
    placed: list[_Placed] = []
    for index, row in enumerate(rows):
        row_width = len(row) * (NODE_W + GAP_X) - GAP_X
        left = (width - row_width) // 2
        y = PAD + index * (NODE_H + GAP_Y)
        for column, (key, folded, anchor) in enumerate(row):
            real = graph.root if key == ">root" else key
            node = graph.nodes.get(real) if real else None
            fold_key = f"fold-{index}"
            placed.append(_Placed(real or fold_key, left + column * (NODE_W + GAP_X), y, node, folded, anchor))
    height = PAD * 2 + len(rows) * NODE_H + (len(rows) - 1) * GAP_Y
    return placed, width, height


def _edges(graph: FamilyGraph, placed: list[_Placed]) -> list[str]:
    """Lines from each drawn source (above) to each drawn remix citing it (below); a link to a
    folded node ends at its row's fold. Only links between neighbouring rows are drawn: a remix
    citing a grandparent too would cross every row between (the family page lists it)."""
    where = {item.key: item for item in placed}
    fold_of_row: dict[int, _Placed] = {item.y: item for item in placed if item.node is None}
    row_of: dict[str, int] = {}
    generations = split_generations(graph)
    for rows, sign in ((generations.above, -1), (generations.below, 1)):
        for depth, row in enumerate(rows, start=1):
            for key in row:
                row_of[key] = sign * depth
    lines: set[tuple[int, int, int, int]] = set()
    root_y = where[graph.root].y

    def locate(key: str) -> _Placed | None:
        if key in where:
            return where[key]
        level = 0 if key == graph.root else row_of.get(key)
        if level is None:
            return None
        level = max(-MAX_GENERATIONS - 1, min(MAX_GENERATIONS + 1, level))
        return fold_of_row.get(root_y + level * (NODE_H + GAP_Y))

    for remix, source in graph.edges:
        upper, lower = locate(source), locate(remix)
        if upper is None or lower is None or upper is lower:
            continue
        if upper.y > lower.y:  # a cycle drawn the other way round
            upper, lower = lower, upper
        if lower.y - upper.y != NODE_H + GAP_Y:
            continue
        lines.add((upper.x + NODE_W // 2, upper.y + NODE_H, lower.x + NODE_W // 2, lower.y))
    return [f'<line class="tree-edge" x1="{a}" y1="{b}" x2="{c}" y2="{d}"/>' for a, b, c, d in sorted(lines)]


def _node_svg(item: _Placed) -> str:
    x, y = item.x, item.y
    if item.node is None:
        words = f"+{item.folded} more"
        box = f'<rect class="tree-node tree-fold" x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8"/>'
        text = f'<text class="tree-label" x="{x + NODE_W // 2}" y="{y + 32}" text-anchor="middle">{words}</text>'
        label = f"{item.folded} more works: see the whole family"
        return f'<a href="{escape(item.anchor)}" aria-label="{escape(label)}">{box}{text}</a>'
    node = item.node
    box = f'<rect class="tree-node tree-{node.kind}" x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8"/>'
    label = f'<text class="tree-label" x="{x + 10}" y="{y + 22}">{escape(_shorten(node.label, LABEL_CHARS))}</text>'
    detail = f'<text class="tree-detail" x="{x + 10}" y="{y + 42}">{escape(_shorten(node.detail, DETAIL_CHARS))}</text>'
    inner = f"<title>{escape(node.description)}</title>" + box + label + detail  # the whole name on hover
    if not node.href:
        return f'<g role="img" aria-label="{escape(node.description)}">{inner}</g>'
    current = ' aria-current="page"' if node.kind == "root" else ""
    return f'<a href="{escape(node.href)}" aria-label="{escape(node.description)}"{current}>{inner}</a>'


def draw_tree(graph: FamilyGraph, family_url: str, title: str) -> Markup:
    """The SVG of `graph` around its root, folded to fit; `title` names it for screen readers."""
    placed, width, height = _place(graph, _rows(split_generations(graph), family_url))
    parts = [
        f'<svg class="remix-tree-svg" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" aria-labelledby="remix-tree-title">',
        f'<title id="remix-tree-title">{escape(title)}</title>',
        *_edges(graph, placed),
        *(_node_svg(item) for item in placed),
        "</svg>",
    ]
    return Markup("".join(parts))


def count_family(graph: FamilyGraph) -> tuple[int, int]:
    """How many works are above and below the root."""
    generations = split_generations(graph)
    return sum(map(len, generations.above)), sum(map(len, generations.below))
