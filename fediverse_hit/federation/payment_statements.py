"""Finalizing a payment proposal (DESIGN §7 Payments): after its comment window, once, the project
signs a `fhit:PaymentStatement` carrying the credits and lines it was computed from and sends it in
a `Create` to each contributor's inbox through the durable delivery queue (a server that is down
gets it when it is back). Local contributors get their ledger entry at once.

A contributor whose server does not read `fhit:PaymentStatement` also gets a direct Note with a
readable summary and a link. What we can know without asking: a Fediverse Hit actor document
defines our namespace in its @context; an actor whose document does not is on other software
(Mastodon, GoToSocial, …), which would drop the statement unread.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.actor_documents import project_to_ap
from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for, serialize_activity
from fediverse_hit.federation.payment_proposals import credited_actors
from fediverse_hit.protocol.payment_documents import PaymentKind, build_payment_document, parse_payment_document
from fediverse_hit.protocol.payment_notes import build_statement_note
from fediverse_hit.protocol.vocab import AS_CONTEXT, FHIT_NAMESPACE
from fediverse_hit.services.ledger import record_statement
from fediverse_hit.services.project_payments import check_finalizable, find_statement_of, mark_final, proposal_terms
from fediverse_hit.store.actors import list_active_keys
from fediverse_hit.store.models import Actor, Contribution, PaymentProposal, Project, SentStatement
from fediverse_hit.store.projects import list_curators


def reads_statements(actor: Actor) -> bool:
    """Whether `actor`'s server knows our payment types: its actor document defines our namespace."""
    return FHIT_NAMESPACE in json.dumps((actor.document or {}).get("@context"))


async def finalize_proposal(proposal: PaymentProposal, fetcher: Fetcher) -> SentStatement:
    """Finalize `proposal` and send its statement. Conflict inside the window or the second time;
    nothing is changed then. The caller has checked who may finalize."""
    check_finalizable(proposal, datetime.now(UTC))
    now = datetime.now(UTC).replace(microsecond=0)
    urls = fetcher.urls
    project: Project = await proposal.project
    group: Actor = await project.actor
    statement_uri = urls.project_payment_statement(project.slug, proposal.id)
    document = build_payment_document(
        PaymentKind.STATEMENT, statement_uri, await proposal_terms(proposal),
        published=now.strftime("%Y-%m-%dT%H:%M:%SZ"), proposal=urls.project_payment(project.slug, proposal.id),
    )
    signed = await sign_document(document, group, urls)
    sent = await mark_final(proposal, now, statement_uri, serialize_activity(signed))
    actors = await credited_actors(proposal, fetcher)
    await _record_local(signed, sent.document_json, project, [actor for actor in actors if actor.local], fetcher)
    remote = [actor for actor in actors if not actor.local]
    if remote:
        await enqueue_activity(_create(signed, group, f"{statement_uri}/activity"), group, inboxes_for(remote))
    await _send_notes(signed, [actor for actor in remote if not reads_statements(actor)], project, proposal, fetcher)
    return sent


def _create(signed: dict[str, Any], group: Actor, activity_id: str) -> dict[str, Any]:
    """A `Create` embedding the signed statement whole (its @context too, so it verifies as sent)."""
    return {
        "@context": AS_CONTEXT, "id": activity_id, "type": "Create", "actor": group.uri,
        "published": signed["published"], "to": signed["to"], "object": signed,
    }


async def resend_statement(proposal: PaymentProposal, fetcher: Fetcher) -> SentStatement:
    """Send the kept statement again, in a new `Create`, to every remote contributor (a server that
    lost it asks again); their ledgers record it once however often it comes. NotFound before
    the proposal is final."""
    sent = await find_statement_of(proposal)
    if sent is None:
        raise NotFound("This proposal is not final yet: it has no statement to send.")
    group: Actor = await (await proposal.project).actor
    remote = [actor for actor in await credited_actors(proposal, fetcher) if not actor.local]
    if remote:
        create = _create(json.loads(sent.document_json), group, fetcher.urls.new_activity_id())
        await enqueue_activity(create, group, inboxes_for(remote))
    return sent


async def _record_local(
    signed: dict[str, Any], statement_json: str, project: Project, people: list[Actor], fetcher: Fetcher
) -> None:
    """Ledger entries for local contributors, as an inbound statement would make them."""
    if not people:
        return
    group: Actor = await project.actor
    project_json = json.dumps(
        project_to_ap(project, group, await list_curators(project), await list_active_keys(group), fetcher.urls)
    )
    statement = parse_payment_document(signed, PaymentKind.STATEMENT)
    await record_statement(statement, statement_json, group, project_json, people)


async def _send_notes(
    signed: dict[str, Any], recipients: list[Actor], project: Project, proposal: PaymentProposal, fetcher: Fetcher
) -> None:
    """A direct Note to each recipient, in its own `Create`, to the inbox that reaches them."""
    if not recipients:
        return
    urls = fetcher.urls
    statement = parse_payment_document(signed, PaymentKind.STATEMENT)
    earning = await proposal.earning
    work: Contribution = await (await earning.work).contribution
    names = (project.title, work.title or "your work")
    group: Actor = await project.actor
    for index, person in enumerate(recipients, start=1):
        handle = f"{person.username}@{person.domain}"
        note_id = urls.project_payment_note(project.slug, proposal.id, index)
        note = build_statement_note(
            note_id, statement, person.uri, handle, names, link=signed["id"], published=signed["published"]
        )
        create = {**{key: note[key] for key in ("to", "cc", "published")}, "@context": AS_CONTEXT,
                  "id": f"{note_id}/activity", "type": "Create", "actor": group.uri,
                  "object": {key: value for key, value in note.items() if key != "@context"}}
        await enqueue_activity(create, group, inboxes_for([person]))
