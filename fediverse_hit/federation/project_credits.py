"""A project work's credits (DESIGN §7): computed with protocol/credits.py over the work's
attribution graph as stored here (every pinned version of every ancestor, `stored_chains.py`),
signed by the project, and kept as numbered versions.

The graph's nodes are pinned versions (object id and digest). The work's own share (1 − its
`fhit:upstreamShare`) goes to its curators in equal parts; an ancestor's to its authors, except
that a Group (a project) named beside people leaves its part to them. A source with no stored
copy is credited to the authors its citer pinned. When the work or what is stored of its chain
changes, the next computation differs and is kept as a new version; an unchanged one is not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from tortoise.exceptions import IntegrityError

from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.stored_chains import StoredChain, collect_stored_chain
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.credit_documents import CreditsVersion, build_credits_document, read_credit_shares
from fediverse_hit.protocol.credit_paths import CreditExplanation, explain_credits
from fediverse_hit.protocol.credits import CreditNode, CreditSource, compute_exact_shares
from fediverse_hit.protocol.remix_sources import SourcesError, parse_sources, read_authors
from fediverse_hit.store.models import Contribution, ProjectCredits, ProjectWork
from fediverse_hit.store.project_works import add_credits_version, find_project_work, latest_credits

ATTEMPTS = 3  # another process may keep the same version number first; then read and retry


@dataclass(frozen=True)
class CreditGraph:
    """A work's graph for protocol/credits.py: its root key, nodes, and each key's object id."""

    root: str
    nodes: dict[str, CreditNode]
    labels: dict[str, str]
    work_digest: str


def node_key(object_id: str, digest: str) -> str:
    """One pinned version as a graph key (a space never occurs in an IRI)."""
    return f"{object_id} {digest}"


def build_credit_graph(chain: StoredChain, curators: tuple[str, ...]) -> CreditGraph:
    """The graph of `chain`, the root's own share going to `curators`."""
    root = node_key(chain.root.object_id, chain.root.digest)
    nodes: dict[str, CreditNode] = {}
    labels: dict[str, str] = {}
    for (object_id, digest), document in chain.parsed.items():
        key = node_key(object_id, digest)
        labels[key] = object_id
        try:
            authors = curators if key == root else _people_first(read_authors(document.get("attributedTo")), chain)
            sources = parse_sources(document)
        except SourcesError:
            continue  # not a valid contribution: its citer's pinned authors are credited instead
        entries = () if sources is None else sources.sources
        credit_sources = []
        for source in entries:
            source_key = node_key(source.object_id, source.digest)
            labels.setdefault(source_key, source.object_id)
            credit_sources.append(CreditSource(source_key, source.weight, _people_first(source.authors, chain)))
        upstream = sources.upstream_share if sources is not None else 0
        nodes[key] = CreditNode(authors, upstream, tuple(credit_sources))
    return CreditGraph(root, nodes, labels, chain.root.digest)


def _people_first(authors: tuple[str, ...], chain: StoredChain) -> tuple[str, ...]:
    """`authors` without the Groups among them, unless only Groups are named."""
    people = tuple(author for author in authors if (chain.lookup_actor(author) or {}).get("type") != "Group")
    return people or authors


async def compute_work_graph(work: ProjectWork, urls: InstanceUrls) -> CreditGraph:
    """The credit graph of the work's current version, from what is stored here."""
    contribution: Contribution = await work.contribution
    await contribution.fetch_related("author")
    chain = await collect_stored_chain(contribution, urls)
    return build_credit_graph(chain, tuple(work.curator_uris))


async def ensure_current_credits(work: ProjectWork, urls: InstanceUrls) -> ProjectCredits:
    """The newest version of the work's credits, computing and keeping a new one first when the
    work or its stored chain changed since."""
    graph = await compute_work_graph(work, urls)
    shares = compute_exact_shares(graph.root, graph.nodes)
    explanations = explain_credits(graph.root, graph.nodes)
    for _ in range(ATTEMPTS):
        latest = await latest_credits(work)
        version = 1 if latest is None else latest.version + 1
        spec = await _spec(work, graph, shares, explanations, version, urls)
        items = build_credits_document(spec)["orderedItems"]
        content_key = _content_key(graph.work_digest, items)
        if latest is not None and latest.content_key == content_key:
            return latest
        project = await work.project
        group = await project.actor
        document = await sign_document(build_credits_document(spec), group, urls)
        contribution: Contribution = await work.contribution
        current_spec = replace(
            spec, document_id=urls.project_credits(project.slug, str(contribution.local_id)), this_version=spec.document_id
        )
        current = await sign_document(build_credits_document(current_spec), group, urls)
        try:
            return await add_credits_version(
                work, version, graph.work_digest, content_key, _text(document), _text(current)
            )
        except IntegrityError:
            continue
    raise RuntimeError("the work's credits kept changing while they were being saved")


async def _spec(
    work: ProjectWork,
    graph: CreditGraph,
    shares: Mapping[str, Fraction],
    explanations: Mapping[str, CreditExplanation],
    version: int,
    urls: InstanceUrls,
) -> CreditsVersion:
    project = await work.project
    contribution: Contribution = await work.contribution
    slug, local_id = project.slug, str(contribution.local_id)
    group = await project.actor
    return CreditsVersion(
        document_id=urls.project_credits_version(slug, local_id, version),
        project=group.uri,
        work=contribution.uri,
        work_digest=graph.work_digest,
        version=version,
        published=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        shares=shares,
        explanations=explanations,
        curators=tuple(work.curator_uris),
        labels=graph.labels,
        previous=urls.project_credits_version(slug, local_id, version - 1) if version > 1 else None,
    )


async def work_exact_shares(work: Contribution, urls: InstanceUrls) -> tuple[str, dict[str, Fraction]]:
    """For payments: the IRI of the credits version in force for a project's work and each
    credited actor's exact share (actor IRI → Fraction, summing to exactly 1). LookupError when
    `work` is no project's work."""
    row = await find_project_work(work)
    if row is None:
        raise LookupError(f"{work.uri} is not a project's work")
    credits = await ensure_current_credits(row, urls)
    document = json.loads(credits.document_json)
    return str(document["id"]), read_credit_shares(document)


def _content_key(work_digest: str, items: list[dict[str, Any]]) -> str:
    text = json.dumps({"work": work_digest, "items": items}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
