"""Payment proposals on the wire (DESIGN §7 Payments): an earning recorded for a project's work
opens a `fhit:PaymentProposal` over the work's current credits, signed by the project
(eddsa-jcs-2022, FEP-8b32, like the credits) and sent in a `Create` to every contributor's inbox;
each adjustment sends an `Update`. The signed object is embedded whole, its @context included, so
a reader verifies it as sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fediverse_hit.errors import NotFound, ValidationFailed
from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.project_credits import work_exact_shares
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.payment_documents import PaymentKind, build_payment_document
from fediverse_hit.protocol.payments import Adjustment
from fediverse_hit.protocol.vocab import AS_CONTEXT
from fediverse_hit.services.project_payments import (
    EarningDraft,
    adjust_proposal,
    open_proposal,
    proposal_terms,
)
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.models import Actor, Contribution, PaymentProposal, Project
from fediverse_hit.store.project_works import find_project_work


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def record_project_earning(
    project: Project, work: Contribution, draft: EarningDraft, curator: Actor | None, fetcher: Fetcher
) -> PaymentProposal:
    """Record an earning of `work` (a work of `project`) and publish the proposal it opens.
    The caller has checked that `curator` (None: the operator at the command line) curates it."""
    row = await find_project_work(work)
    if row is None or row.project_id != project.id:  # type: ignore[attr-defined]
        raise NotFound(f"{work.uri} is not a work of this project.")
    credits = await work_exact_shares(work, fetcher.urls)
    proposal = await open_proposal(row, draft, curator, credits, datetime.now(UTC))
    await publish_proposal(proposal, fetcher, "Create")
    return proposal


async def adjust_and_publish(
    proposal: PaymentProposal, adjustment: Adjustment, curator: Actor | None, fetcher: Fetcher
) -> None:
    """Keep the adjustment in the audit log and send the proposal as it now stands (`Update`)."""
    await adjust_proposal(proposal, adjustment, curator)
    await publish_proposal(proposal, fetcher, "Update")


async def proposal_document(proposal: PaymentProposal, urls: InstanceUrls) -> dict[str, Any]:
    """The proposal as it stands (lines after every adjustment), signed by the project."""
    project: Project = await proposal.project
    group: Actor = await project.actor
    terms = await proposal_terms(proposal)
    document = build_payment_document(
        PaymentKind.PROPOSAL, urls.project_payment(project.slug, proposal.id), terms,
        published=proposal.published, end_time=_timestamp(proposal.ends_at),
    )
    if terms.adjustments:
        latest = max(row.created_at for row in await proposal.adjustments.all())
        document["updated"] = _timestamp(latest)
    document["url"] = document["id"]
    return await sign_document(document, group, urls)


async def publish_proposal(proposal: PaymentProposal, fetcher: Fetcher, kind: str) -> dict[str, Any]:
    """Send the signed proposal in a `Create` or `Update` to every credited actor's inbox."""
    urls = fetcher.urls
    document = await proposal_document(proposal, urls)
    group: Actor = await (await proposal.project).actor
    activity = {
        "@context": AS_CONTEXT,
        "id": urls.new_activity_id(),
        "type": kind,
        "actor": group.uri,
        "published": document.get("updated", document["published"]),
        "to": document["to"],
        "object": document,
    }
    inboxes = inboxes_for(await credited_actors(proposal, fetcher))
    if inboxes:
        await enqueue_activity(activity, group, inboxes)
    return document


async def credited_actors(proposal: PaymentProposal, fetcher: Fetcher | None) -> list[Actor]:
    """The actors the proposal credits, as stored here (fetched when unknown and a fetcher is
    given); an actor that cannot be read is left out of delivery, not out of the lines."""
    actors = []
    for uri in sorted(proposal.shares):
        actor = await find_actor_by_uri(uri)
        if actor is None and fetcher is not None:
            try:
                actor = await get_remote_actor(uri, fetcher=fetcher)
            except FetchError:
                continue
        if actor is not None:
            actors.append(actor)
    return actors


def parse_adjustment(source: str, target: str, amount: str, reason: str) -> Adjustment:
    """An adjustment from form or command-line text; ValidationFailed on a non-integer amount."""
    text = amount.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationFailed("The amount to move must be a whole number of minor units (cents for EUR).")
    return Adjustment(source.strip(), target.strip(), int(text), reason)
