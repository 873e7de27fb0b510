"""`/projects/{slug}/payments/…`: a payment proposal for peers (the project-signed
`fhit:PaymentProposal`) and people (lines, comments, the adjustment log, status, window end), its
statement once final, and the curators' tools: record an earning, adjust a line, finalize.
Only curators use the tools (403 for anyone else); anyone logged in may comment.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import NotFound, ValidationFailed
from fediverse_hit.federation.payment_comments import comment_locally, find_comment, list_comments
from fediverse_hit.federation.payment_proposals import (
    adjust_and_publish,
    parse_adjustment,
    proposal_document,
    record_project_earning,
)
from fediverse_hit.federation.payment_statements import finalize_proposal
from fediverse_hit.protocol.currencies import format_amount
from fediverse_hit.protocol.payments import compute_lines
from fediverse_hit.protocol.vocabulary import ProposalStatus
from fediverse_hit.services.project_payments import (
    EarningDraft,
    find_proposal,
    find_statement_of,
    list_adjustments,
    proposal_terms,
)
from fediverse_hit.services.projects import require_curator
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor, PaymentProposal, Project
from fediverse_hit.store.projects import is_curator
from fediverse_hit.web.negotiation import activity_response, stored_activity_response, wants_activity_json
from fediverse_hit.web.project_documents import local_project
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import current_account, read_form, require_account


DONE_MESSAGES = {
    "adjusted": "The adjustment is in the log below; the proposal as it now stands was sent to every contributor.",
    "finalized": "Finalized: the signed statement is on its way to every contributor.",
    "commented": "Your comment is below; it was sent to every contributor.",
}


async def _proposal(request: Request) -> tuple[Project, PaymentProposal]:
    project = await local_project(request.path_params["slug"])
    try:
        number = int(request.path_params["proposal"])
    except ValueError:
        raise NotFound("No such payment proposal.") from None
    proposal = await find_proposal(project, number)
    if proposal is None:
        raise NotFound("No such payment proposal.")
    return project, proposal


async def _curator(request: Request, project: Project) -> Actor:
    """The logged-in person when they curate `project`; 403 for anyone else."""
    account = await require_account(request)
    actor = await account.actor
    await require_curator(project, actor)
    return actor


async def proposal_page(request: Request) -> Response:
    """The proposal as it stands: signed AS2 for peers, the page for people."""
    project, proposal = await _proposal(request)
    urls = request.app.state.urls
    if wants_activity_json(request):
        return activity_response(await proposal_document(proposal, urls), request=request)
    terms = await proposal_terms(proposal)
    pool, lines = compute_lines(terms.earning, terms.pool_share, terms.shares, terms.adjustments)
    currency = terms.earning.currency
    names = {uri: await _name(uri) for uri in sorted(lines)}
    viewer = await current_account(request)
    statement = await find_statement_of(proposal)
    work = await find_contribution_by_uri(terms.work)
    context = {
        "project": project,
        "proposal": proposal,
        "work_href": terms.work,
        "work_title": (work.title if work is not None else "") or "the work",
        "earning": terms.earning,
        "earning_note": terms.earning_note,
        "amount": format_amount(terms.earning.amount, currency),
        "costs": format_amount(terms.earning.costs, currency),
        "pool": format_amount(pool, currency),
        "pool_percent": f"{terms.pool_share / 100:g}",
        "lines": [{"actor": uri, "name": " ".join(names[uri]), "display": names[uri][0], "handle": names[uri][1],
                   "amount": format_amount(lines[uri], currency),
                   "share": terms.shares.get(uri)} for uri in sorted(lines, key=lambda uri: (-lines[uri], uri))],
        "adjustments": [
            {"when": row.created_at, "source": " ".join(names.get(row.source_uri, (row.source_uri, ""))),
             "target": " ".join(names.get(row.target_uri, (row.target_uri, ""))), "amount": format_amount(row.amount, currency),
             "reason": row.reason}
            for row in await list_adjustments(proposal)
        ],
        "comments": [{"author": c.author.name or c.author.username, "handle": f"@{c.author.username}@{c.author.domain}",
                      "html": c.content_html, "published": c.published} for c in await list_comments(proposal)],
        "is_final": proposal.status == ProposalStatus.FINAL,
        "window_open": datetime.now(UTC) < proposal.ends_at.astimezone(UTC),
        "statement_href": statement.uri if statement is not None else None,
        "credits_href": proposal.credits_uri,
        "is_curator": viewer is not None and await is_curator(project, await viewer.actor),
        "viewer": viewer,
        "message": DONE_MESSAGES.get(request.query_params.get("done", ""), ""),
    }
    return await render(request, "project_payment.html", context)


async def _name(uri: str) -> tuple[str, str]:
    """(display name, @handle) of a credited actor; the IRI when it is not known here."""
    actor = await find_actor_by_uri(uri)
    if actor is None:
        return uri, ""
    return actor.name or actor.username, f"@{actor.username}@{actor.domain}"


async def statement_document(request: Request) -> Response:
    """The signed statement exactly as sent; people are shown the proposal page."""
    project, proposal = await _proposal(request)
    statement = await find_statement_of(proposal)
    if statement is None:
        raise NotFound("This proposal is not final yet: it has no statement.")
    if wants_activity_json(request):
        return stored_activity_response(statement.document_json, request=request)
    return RedirectResponse(request.app.state.urls.project_payment(project.slug, proposal.id), status_code=303)


async def comment_document(request: Request) -> Response:
    """A comment written here, as the Note that was announced."""
    project, proposal = await _proposal(request)
    comment = await find_comment(str(request.url).split("?")[0])
    if comment is None or comment.proposal_id != proposal.id:  # type: ignore[attr-defined]
        raise NotFound("No such comment.")
    return stored_activity_response(comment.note_json, request=request)


async def record_earning(request: Request) -> Response:
    """`POST /projects/{slug}/payments`: a curator records an earning; its proposal opens."""
    project = await local_project(request.path_params["slug"])
    curator = await _curator(request, project)
    form = await read_form(request)
    work = await find_contribution_by_uri(str(form.get("work", "")))
    if work is None:
        raise NotFound("No such work in this project.")
    draft = EarningDraft(
        amount=_minor_units(str(form.get("amount", "")), "The amount"),
        costs=_minor_units(str(form.get("costs", "") or "0"), "The costs"),
        currency=str(form.get("currency", "")).strip(),
        note=str(form.get("note", "")),
    )
    proposal = await record_project_earning(project, work, draft, curator, request.app.state.fetcher)
    return RedirectResponse(request.app.state.urls.project_payment(project.slug, proposal.id), status_code=303)


async def adjust_line(request: Request) -> Response:
    """`POST …/adjust`: a curator moves an amount between two lines, with a reason."""
    project, proposal = await _proposal(request)
    curator = await _curator(request, project)
    form = await read_form(request)
    adjustment = parse_adjustment(
        str(form.get("source", "")), str(form.get("target", "")), str(form.get("amount", "")), str(form.get("reason", ""))
    )
    await adjust_and_publish(proposal, adjustment, curator, request.app.state.fetcher)
    return _back(request, project, proposal, "adjusted")


async def finalize(request: Request) -> Response:
    """`POST …/finalize`: a curator finalizes after the comment window; the statement goes out."""
    project, proposal = await _proposal(request)
    await _curator(request, project)
    await read_form(request)
    await finalize_proposal(proposal, request.app.state.fetcher)
    return _back(request, project, proposal, "finalized")


async def comment(request: Request) -> Response:
    """`POST …/comments`: anyone logged in here comments on the proposal."""
    project, proposal = await _proposal(request)
    account = await require_account(request)
    form = await read_form(request)
    await comment_locally(proposal, await account.actor, str(form.get("text", "")), request.app.state.fetcher)
    return _back(request, project, proposal, "commented")


def _back(request: Request, project: Project, proposal: PaymentProposal, done: str) -> Response:
    url = request.app.state.urls.project_payment(project.slug, proposal.id)
    return RedirectResponse(f"{url}?done={done}", status_code=303)


def _minor_units(text: str, label: str) -> int:
    value = text.strip()
    if not value.lstrip("-").isdigit() or not value.isascii():
        raise ValidationFailed(f"{label} must be a whole number of minor units (cents for EUR), not {value[:20]!r}.")
    return int(value)
