"""Pages about a work's remixes: `/contributions/{id}/family` (every source and remix by
generation: the tree unfolded, and its text alternative) and `/contributions/{id}/verification`
(the per-link report of the attribution chain, checked now from what is stored here, DESIGN §7)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.chain_verification import verify_stored_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.attribution import ChainReport
from fediverse_hit.protocol.chain_graphs import ChainError
from fediverse_hit.services.contribution_rules import visible_among, visible_work_ids
from fediverse_hit.store.models import Actor, Contribution
from fediverse_hit.store.remix_graphs import load_remix_family
from fediverse_hit.web.contribution_cards import actor_handle, author_of, label_of, page_url, safe_href
from fediverse_hit.web.contribution_pages import local_contribution, viewer_actor, visible_contribution
from fediverse_hit.web.remix_family_views import build_graph
from fediverse_hit.web.remix_trees import split_generations
from fediverse_hit.web.rendering import render


def _generation_title(depth: int, above: bool) -> str:
    if above:
        return "Its sources" if depth == 1 else f"Sources {depth} steps up"
    return "Its remixes" if depth == 1 else f"Remixes {depth} steps down"


async def family_page(request: Request) -> Response:
    """`GET /contributions/{id}/family`: every generation above and below, as lists of links."""
    viewer = await viewer_actor(request)
    contribution = await visible_contribution(await local_contribution(request), viewer)
    family = await load_remix_family(contribution)
    graph = build_graph(family, await visible_work_ids(viewer, family.works))
    generations = split_generations(graph)
    sections: list[dict[str, Any]] = []
    for above, rows in ((True, generations.above), (False, generations.below)):
        for depth, row in enumerate(rows, start=1):
            sections.append({
                "id": f"{'above' if above else 'below'}-{depth}",
                "title": _generation_title(depth, above),
                "nodes": [graph.nodes[key] for key in row],
            })
    above_sections = [s for s in sections if s["id"].startswith("above")]
    context = {
        "work": {"label": label_of(contribution), "href": page_url(contribution)},
        "above": list(reversed(above_sections)),
        "below": [s for s in sections if s["id"].startswith("below")],
        "cut": family.cut,
    }
    return await render(request, "remix_family.html", context)


async def chain_report_of(contribution: Contribution, urls: InstanceUrls) -> ChainReport:
    """The chain checked now from what is stored here (part C's verify_stored_chain)."""
    return await verify_stored_chain(contribution, urls)


async def verification_page(request: Request) -> Response:
    """`GET /contributions/{id}/verification`: one line per link of the chain, with its verdict."""
    viewer = await viewer_actor(request)
    contribution = await visible_contribution(await local_contribution(request), viewer)
    label = label_of(contribution)
    try:
        report = await chain_report_of(contribution, request.app.state.urls)
        works, signers = await describe_chain(report, viewer)
        context = report_context(report, label, works, signers)
    except ChainError as exc:
        context = {"label": label, "refused": f"The chain is refused as a whole: {exc}."}
    except NotFound:
        context = {"label": label, "refused": "No signed copy of this work is stored here, so its chain cannot be checked."}
    context["work_href"] = page_url(contribution)
    return await render(request, "chain_report.html", context)


async def describe_chain(report: ChainReport, viewer: Actor | None) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """For the report's people: each linked work known here and visible to `viewer` (title, page,
    author's handle), and each signer's handle, by IRI."""
    found = await Contribution.filter(uri__in=list({link.object_id for link in report.links})).prefetch_related("author")
    visible = await visible_among(viewer, found)
    works = {
        work.uri: {"label": label_of(work), "href": page_url(work), "by": actor_handle(author_of(work))}
        for work in found if work.id in visible
    }
    signer_ids = list({link.signer for link in report.links if link.signer})
    signers = {actor.uri: actor_handle(actor) for actor in await Actor.filter(uri__in=signer_ids)}
    return works, signers


def report_context(
    report: ChainReport, contribution_label: str,
    works: dict[str, dict[str, str]] | None = None, signers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The verification page's values from a protocol/attribution ChainReport; `works` and
    `signers` (describe_chain) name what is known here."""
    links: list[dict[str, Any]] = []
    for link in report.links:
        verdict = str(link.verdict)
        work = (works or {}).get(link.object_id)
        links.append({
            "depth": link.depth,
            "object_id": link.object_id,
            "href": safe_href(link.object_id),
            "work": work,
            "parent_id": link.parent_id or "",
            "digest": link.digest,
            "verdict": verdict,
            "verdict_class": verdict.replace(" ", "-"),
            "reason": link.reason,
            "signer": (signers or {}).get(link.signer or "", link.signer or ""),
        })
    counts: dict[str, int] = {}
    for item in links:
        counts[item["verdict"]] = counts.get(item["verdict"], 0) + 1
    return {
        "label": contribution_label,
        "links": links,
        "counts": counts,
        "holds": report.holds(),
        "holds_strictly": report.holds(strict=True),
    }
