"""A work's credits on the wire (DESIGN §7, docs/federation.md "Credits"): an `OrderedCollection`
of `fhit:Credit`, one per credited actor, each with its basis points (`fhit:share`), its exact
share (`fhit:exactShare`, "n/d", what payments are computed from) and its paths through the
work's attribution graph, so anyone can redo the arithmetic. Signing is the caller's (the
project's eddsa-jcs-2022 proof).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from fediverse_hit.protocol.credit_paths import CreditExplanation, CreditPath
from fediverse_hit.protocol.credits import CreditsError, round_to_basis_points
from fediverse_hit.protocol.payment_documents import MAX_CREDITED, PaymentShapeError, format_share, parse_share
from fediverse_hit.protocol.vocab import AS_CONTEXT, DATA_INTEGRITY_V1, FHIT_NAMESPACE

CREDIT_TYPE = "fhit:Credit"
ROLE_CURATOR = "curator"  # receives the work's own share (1 − its upstreamShare), split equally
ROLE_CONTRIBUTOR = "contributor"  # an author of a work the project's work builds on

_IRI = {"@type": "@id"}
CREDIT_TERMS: dict[str, object] = {
    "fhit": FHIT_NAMESPACE,
    "fhit:work": {"@id": "fhit:work", **_IRI},
    "fhit:contributions": {"@id": "fhit:contributions", **_IRI},
    "fhit:previousVersion": {"@id": "fhit:previousVersion", **_IRI},
    "fhit:thisVersion": {"@id": "fhit:thisVersion", **_IRI},
    "fhit:paths": {"@id": "fhit:paths", "@container": "@list"},
    "fhit:steps": {"@id": "fhit:steps", "@container": "@list"},
}
CREDIT_CONTEXT: list[object] = [AS_CONTEXT, DATA_INTEGRITY_V1, CREDIT_TERMS]
CREDITS = "fhit:credits"  # on a work: the IRI of its credits collection


def with_credits_term(context: object) -> list[object]:
    """A Note's `@context` with `fhit:credits` defined as an IRI in its inline term map."""
    entries = copy.deepcopy(context) if isinstance(context, list) else [context]
    term = {CREDITS: {"@id": CREDITS, "@type": "@id"}}
    if entries and isinstance(entries[-1], dict):
        entries[-1] = {**entries[-1], **term}
    else:
        entries.append({"fhit": FHIT_NAMESPACE, **term})
    return entries


class CreditsShapeError(ValueError):
    """A credits document that is malformed or whose shares do not add up."""


@dataclass(frozen=True)
class CreditsVersion:
    """What one version of a work's credits states, before it is signed.

    `labels` names each graph node (a contribution version, or an unavailable source) by its
    object id; `curators` receive the work's own share.
    """

    document_id: str
    project: str
    work: str
    work_digest: str
    version: int
    published: str
    shares: Mapping[str, Fraction]
    explanations: Mapping[str, CreditExplanation]
    curators: tuple[str, ...]
    labels: Mapping[str, str]
    previous: str | None = None
    this_version: str | None = None  # set when `document_id` is the work's credits IRI, not a version's


def build_credits_document(spec: CreditsVersion) -> dict[str, Any]:
    """The unsigned `OrderedCollection` of `fhit:Credit` for `spec`, largest share first."""
    points = round_to_basis_points(spec.shares)
    items = [
        _credit_item(actor, share, points[actor], spec)
        for actor, share in sorted(spec.shares.items(), key=lambda item: (-item[1], item[0]))
    ]
    document: dict[str, Any] = {
        "@context": copy.deepcopy(CREDIT_CONTEXT),
        "id": spec.document_id,
        "type": "OrderedCollection",
        "attributedTo": spec.project,
        "fhit:work": spec.work,
        "fhit:workDigest": spec.work_digest,
        "fhit:version": spec.version,
        "published": spec.published,
        "totalItems": len(items),
        "orderedItems": items,
    }
    if spec.previous is not None:
        document["fhit:previousVersion"] = spec.previous
    if spec.this_version is not None:
        document["fhit:thisVersion"] = spec.this_version
    return document


def read_credit_shares(document: Mapping[str, Any]) -> dict[str, Fraction]:
    """The exact shares a credits document states, checked: each actor once, the exact shares
    summing to 1, the basis points their largest-remainder rounding."""
    items = document.get("orderedItems")
    if not isinstance(items, list) or not items or len(items) > MAX_CREDITED:
        raise CreditsShapeError(f"orderedItems must list 1 to {MAX_CREDITED} credits")
    shares: dict[str, Fraction] = {}
    points: dict[str, object] = {}
    for item in items:
        actor = item.get("actor") if isinstance(item, Mapping) else None
        if not isinstance(actor, str) or item.get("type") != CREDIT_TYPE or actor in shares:
            raise CreditsShapeError("each credit is a fhit:Credit naming its actor once")
        try:
            shares[actor] = parse_share(item.get("fhit:exactShare"))
        except PaymentShapeError as exc:
            raise CreditsShapeError(str(exc)) from None
        points[actor] = item.get("fhit:share")
    try:
        rounded = round_to_basis_points(shares)
    except CreditsError as exc:
        raise CreditsShapeError(f"the exact shares do not sum to 1: {exc}") from None
    if points != rounded:
        raise CreditsShapeError("fhit:share is not the largest-remainder rounding of fhit:exactShare")
    return shares


def _credit_item(actor: str, share: Fraction, points: int, spec: CreditsVersion) -> dict[str, Any]:
    explanation = spec.explanations.get(actor, CreditExplanation((), 0, ()))
    return {
        "type": CREDIT_TYPE,
        "actor": actor,
        "fhit:role": ROLE_CURATOR if actor in spec.curators else ROLE_CONTRIBUTOR,
        "fhit:contributions": list(dict.fromkeys(spec.labels.get(node, node) for node in explanation.nodes)),
        "fhit:share": points,
        "fhit:exactShare": format_share(share),
        "fhit:pathCount": explanation.path_count,
        "fhit:paths": [_path_entry(path, spec.labels) for path in explanation.paths],
    }


def _path_entry(path: CreditPath, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "type": "fhit:CreditPath",
        "fhit:steps": [
            {"object": labels.get(step.node, step.node), "fhit:upstreamShare": step.upstream_share, "fhit:weight": step.weight}
            for step in path.steps
        ],
        "object": labels.get(path.node, path.node),
        "fhit:kept": path.kept,
        "fhit:authorCount": path.author_count,
        "fhit:exactShare": format_share(path.share),
    }
