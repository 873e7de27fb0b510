"""The remix sections of a work page as plain dicts: its sources (with their link state), its
remixes, the tree, the credits preview and the chain badge (DESIGN §7 and §8).

Works the viewer may not see keep their place in the tree but show neither title nor link;
deleted ones say so. Credits are computed over the stored ancestors with protocol/credits.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.chain_graphs import ChainError
from fediverse_hit.protocol.credits import CreditNode, CreditSource, CreditsError, compute_credits
from fediverse_hit.protocol.remix_sources import DEFAULT_UPSTREAM_SHARE
from fediverse_hit.services.contribution_rules import visible_work_ids
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.store.remix_graphs import FamilyLink, FamilyWork, RemixFamily, load_remix_family
from fediverse_hit.web.contribution_cards import KIND_LABELS, actor_link, label_of, safe_href
from fediverse_hit.web.remix_trees import FamilyGraph, TreeNode, count_family, draw_tree

MAX_LISTED_REMIXES = 20
LINK_STATES = {
    "verified": ("Verified", "its author's own signature holds"),
    "attested": ("Attested", "it carries no signature; the copy fetched from its own server is pinned"),
}


def host_of(uri: str) -> str:
    return urlsplit(uri).hostname or ""


def percent(basis_points: int) -> str:
    """Basis points as a percentage for people: 3333 → "33.33 %", 5000 → "50 %"."""
    whole, part = divmod(basis_points, 100)
    return f"{whole} %" if part == 0 else f"{whole}.{part:02d} %"


def node_key(row: FamilyLink, source: bool) -> str:
    if source:
        return f"c{row.source_id}" if row.source_id is not None else f"u{row.source_uri}"
    return f"c{row.remix_id}"


def work_label(work: FamilyWork) -> str:
    """contribution_cards.label_of for a family record: its title, else its kind and author."""
    return work.title or f"{KIND_LABELS.get(work.kind, 'Contribution')} by {work.author_name or work.username}"


def work_page(work: FamilyWork) -> str:
    """contribution_cards.page_url for a family record."""
    return work.uri if work.local else safe_href(work.url or work.uri)


def _work_node(key: str, work: FamilyWork, visible: set[int], root_id: int) -> TreeNode:
    if work.deleted:
        return TreeNode(key, "Deleted work", "", "", "deleted", "A deleted work")
    if work.id not in visible:
        host = "" if work.local else work.domain
        return TreeNode(key, "Not shown to you", host, "", "hidden", "A work that is not shown to you")
    label = work_label(work)
    by = f"“{label}” by {work.author_name or work.username} (@{work.username}@{work.domain})"
    if work.id == root_id:
        return TreeNode(key, label, f"@{work.username}", work_page(work), "root", f"{by}: this work")
    if work.local:
        return TreeNode(key, label, f"@{work.username}", work_page(work), "local", by)
    detail = f"{work.domain} · @{work.username}"
    return TreeNode(key, label, detail, work_page(work), "remote", f"{by}, on {work.domain}")


def _missing_node(key: str, row: FamilyLink) -> TreeNode:
    host = host_of(row.source_uri)
    description = f"A source not stored here, on {host}" if host else "A source not stored here"
    return TreeNode(key, "Not stored here", host, safe_href(row.source_uri), "missing", description)


def build_graph(family: RemixFamily, visible: set[int]) -> FamilyGraph:
    nodes: dict[str, TreeNode] = {}
    for work in family.works.values():
        key = f"c{work.id}"
        nodes[key] = _work_node(key, work, visible, family.root.id)
    edges: list[tuple[str, str]] = []
    for row in (*family.sources, *family.remixes):
        source_key = node_key(row, True)
        if source_key not in nodes:
            nodes[source_key] = _missing_node(source_key, row)
        edges.append((node_key(row, False), source_key))
    return FamilyGraph(f"c{family.root.id}", nodes, edges)


def _credit_graph(family: RemixFamily) -> dict[str, CreditNode]:
    """The stored ancestors as credits/CreditNode, keyed by object id."""
    by_remix: dict[int, list[FamilyLink]] = defaultdict(list)
    for row in family.sources:
        by_remix[row.remix_id].append(row)
    known = family.works
    ancestors = {row.source_id for row in family.sources} | {family.root.id}
    nodes: dict[str, CreditNode] = {}
    for row_id, work in known.items():
        if row_id not in ancestors:
            continue
        sources = tuple(
            CreditSource(
                node=known[row.source_id].uri if row.source_id in known else row.source_uri,
                weight=row.weight,
                authors=row.author_uris,
            )
            for row in by_remix.get(row_id, [])
        )
        share = work.upstream_share if work.upstream_share is not None else DEFAULT_UPSTREAM_SHARE
        nodes[work.uri] = CreditNode((work.author_uri,), share, sources)
    return nodes


async def build_credits(family: RemixFamily, urls: InstanceUrls) -> tuple[list[dict[str, Any]], str]:
    """Each credited person with their share (largest first), or an explanation when the stored
    graph cannot be credited."""
    try:
        points = compute_credits(family.root.uri, _credit_graph(family))
    except (CreditsError, ChainError) as exc:
        return [], f"Credits cannot be computed from what is stored here: {exc}."
    actors = {actor.uri: actor for actor in await Actor.filter(uri__in=list(points))}
    rows = []
    for uri, share in sorted(points.items(), key=lambda item: (-item[1], item[0])):
        actor = actors.get(uri)
        person = actor_link(actor, urls) if actor else {"name": host_of(uri) or uri, "handle": uri, "profile_url": safe_href(uri)}
        rows.append({**person, "percent": percent(share), "basis_points": share})
    return rows, ""


def _source_dict(row: FamilyLink, graph: FamilyGraph) -> dict[str, Any]:
    node = graph.nodes[node_key(row, True)]
    state = LINK_STATES.get(row.link_state)
    return {
        "label": node.label,
        "href": node.href,
        "detail": node.detail,
        "kind": node.kind,
        "weight": percent(row.weight),
        "state": row.link_state or "unchecked",
        "state_label": state[0] if state else "Not checked",
        "state_help": state[1] if state else "no check was recorded when the remix was made",
    }


def _badge(family: RemixFamily) -> dict[str, int]:
    states = [row.link_state for row in family.sources]
    verified, attested = states.count("verified"), states.count("attested")
    return {"links": len(states), "verified": verified, "attested": attested, "other": len(states) - verified - attested}


async def build_remix_view(contribution: Contribution, viewer: Actor | None, urls: InstanceUrls) -> dict[str, Any]:
    """Everything the remix sections of `contribution`'s page show."""
    family = await load_remix_family(contribution)
    visible = await visible_work_ids(viewer, family.works)
    graph = build_graph(family, visible)
    local_id = contribution.local_id or ""
    family_url = urls.contribution_family_page(local_id)
    own = [row for row in family.sources if row.remix_id == contribution.id]
    direct = [row for row in family.remixes if row.source_id == contribution.id]
    remix_nodes = list(dict.fromkeys(node_key(row, False) for row in reversed(direct)))  # newest remix first
    above, below = count_family(graph)
    credits, credits_error = await build_credits(family, urls) if own else ([], "")
    title = f"Remix tree of “{label_of(contribution)}”: {above} works above it, {below} below"
    return {
        "sources": [_source_dict(row, graph) for row in own],
        "upstream_share": percent(contribution.upstream_share if contribution.upstream_share is not None else DEFAULT_UPSTREAM_SHARE),
        "remixes": [graph.nodes[key] for key in remix_nodes[:MAX_LISTED_REMIXES]],
        "remix_count": len(remix_nodes),
        "above": above,
        "below": below,
        "tree": draw_tree(graph, family_url, title) if above or below else None,
        "tree_title": title,
        "cut": family.cut,
        "family_url": family_url,
        "verification_url": urls.contribution_verification_page(local_id),
        "credits": credits,
        "credits_error": credits_error,
        "badge": _badge(family) if own else None,
    }
