"""A project's payments (DESIGN §7, issue 17 item 6): an earning of a work opens a proposal
computed from the work's credits; curators adjust its lines with a reason each; after the comment
window it is finalized, once. The arithmetic is `protocol/payments.py`; this module keeps the
state and the rules, and each refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from tortoise.transactions import in_transaction

from fediverse_hit.errors import Conflict, ValidationFailed
from fediverse_hit.protocol.currencies import CurrencyError
from fediverse_hit.protocol.payment_documents import PaymentTerms, format_share, parse_share
from fediverse_hit.protocol.payments import (
    Adjustment,
    Earning,
    PaymentError,
    apply_adjustments,
    build_earning,
    compute_lines,
)
from fediverse_hit.protocol.vocabulary import ProposalStatus
from fediverse_hit.store.models import (
    Actor,
    Contribution,
    PaymentAdjustment,
    PaymentProposal,
    Project,
    ProjectEarning,
    ProjectWork,
    SentStatement,
)

MAX_EARNING_NOTE_CHARS = 500


@dataclass(frozen=True)
class EarningDraft:
    """An earning as a curator typed it (amounts still unchecked)."""

    amount: object
    currency: object
    costs: object = 0
    note: str = ""
    earned_on: date | None = None


def check_earning(draft: EarningDraft) -> Earning:
    """The earning when every part holds: whole minor units in 0..cap (the message says the cap),
    an ISO 4217 currency; ValidationFailed otherwise."""
    try:
        earning = build_earning(draft.amount, draft.costs, draft.currency)
    except (PaymentError, CurrencyError) as exc:
        raise ValidationFailed(f"The earning cannot be recorded: {exc}.") from None
    if len(draft.note) > MAX_EARNING_NOTE_CHARS:
        raise ValidationFailed(f"Where the money came from is at most {MAX_EARNING_NOTE_CHARS} characters.")
    return earning


async def open_proposal(
    work: ProjectWork,
    draft: EarningDraft,
    recorded_by: Actor | None,
    credits: tuple[str, Mapping[str, Fraction]],
    now: datetime,
) -> PaymentProposal:
    """Record the earning and open its proposal over `credits` (the credits version's IRI and
    each actor's exact share); the comment window is the project's."""
    earning = check_earning(draft)
    now = now.replace(microsecond=0)
    project: Project = await work.project
    credits_uri, shares = credits
    try:
        compute_lines(earning, project.pool_bp, shares)
    except PaymentError as exc:
        raise ValidationFailed(f"No proposal can be made from these credits: {exc}.") from None
    async with in_transaction():
        row = await ProjectEarning.create(
            project=project, work=work, amount=earning.amount, costs=earning.costs, currency=earning.currency,
            note=draft.note.strip(), earned_on=draft.earned_on or now.date(), recorded_by=recorded_by,
        )
        return await PaymentProposal.create(
            project=project, earning=row, credits_uri=credits_uri,
            shares={actor: format_share(share) for actor, share in shares.items()},
            pool_bp=project.pool_bp, ends_at=now + timedelta(days=project.comment_days),
            published=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )


async def proposal_terms(proposal: PaymentProposal) -> PaymentTerms:
    """Everything the proposal's lines are computed from, adjustments in the order made."""
    earning: ProjectEarning = await proposal.earning
    work: ProjectWork = await earning.work
    contribution: Contribution = await work.contribution
    project: Project = await proposal.project
    group: Actor = await project.actor
    return PaymentTerms(
        project=group.uri,
        work=contribution.uri,
        earning=Earning(earning.amount, earning.costs, earning.currency),
        earning_note=earning.note,
        earned_on=earning.earned_on,
        pool_share=proposal.pool_bp,
        shares={actor: parse_share(share) for actor, share in proposal.shares.items()},
        adjustments=tuple(_adjustment(row) for row in await list_adjustments(proposal)),
        credits_id=proposal.credits_uri,
    )


async def list_adjustments(proposal: PaymentProposal) -> list[PaymentAdjustment]:
    """The proposal's audit log, oldest first, with who made each change."""
    return await PaymentAdjustment.filter(proposal=proposal).order_by("id").prefetch_related("made_by")


def _adjustment(row: PaymentAdjustment) -> Adjustment:
    return Adjustment(row.source_uri, row.target_uri, row.amount, row.reason)


async def adjust_proposal(proposal: PaymentProposal, adjustment: Adjustment, curator: Actor | None) -> PaymentAdjustment:
    """Move an amount between two credited actors' lines, with a reason (kept in the public audit
    log). Refused: a final proposal, an actor not credited, a line that would go negative, no reason."""
    _require_open(proposal)
    if adjustment.source not in proposal.shares or adjustment.target not in proposal.shares:
        raise ValidationFailed("An adjustment moves money between the lines of credited contributors.")
    terms = await proposal_terms(proposal)
    pool, lines = compute_lines(terms.earning, terms.pool_share, terms.shares, terms.adjustments)
    try:
        apply_adjustments(lines, [adjustment])
    except PaymentError as exc:
        raise ValidationFailed(f"The adjustment is refused: {exc}.") from None
    return await PaymentAdjustment.create(
        proposal=proposal, source_uri=adjustment.source, target_uri=adjustment.target,
        amount=adjustment.amount, reason=adjustment.reason.strip(), made_by=curator,
    )


def check_finalizable(proposal: PaymentProposal, now: datetime) -> None:
    """Conflict when the proposal was finalized before or its comment window is still open."""
    _require_open(proposal)
    ends_at = proposal.ends_at.astimezone(UTC)
    if now < ends_at:
        raise Conflict(
            f"The comment window is open until {ends_at:%Y-%m-%d %H:%M} UTC; the proposal can be finalized after that."
        )


async def mark_final(proposal: PaymentProposal, now: datetime, statement_uri: str, statement_json: str) -> SentStatement:
    """Set the proposal final and keep its signed statement, once: Conflict when another request
    finalized it first (then nothing is kept)."""
    async with in_transaction():
        changed = await PaymentProposal.filter(id=proposal.id, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.FINAL, finalized_at=now
        )
        if not changed:
            raise Conflict("This proposal was finalized already; a correction is a new earning and statement.")
        sent = await SentStatement.create(proposal=proposal, uri=statement_uri, document_json=statement_json)
    proposal.status, proposal.finalized_at = ProposalStatus.FINAL, now
    return sent


async def find_statement_of(proposal: PaymentProposal) -> SentStatement | None:
    """The statement that finalized `proposal`, if it was."""
    return await SentStatement.get_or_none(proposal=proposal)


def _require_open(proposal: PaymentProposal) -> None:
    if proposal.status != ProposalStatus.OPEN:
        raise Conflict("This proposal was finalized already; a correction is a new earning and statement.")


async def find_proposal(project: Project, proposal_id: int) -> PaymentProposal | None:
    return await PaymentProposal.get_or_none(project=project, id=proposal_id)


async def list_proposals(project: Project) -> list[PaymentProposal]:
    """The project's proposals, newest first, with their earnings and works."""
    return await PaymentProposal.filter(project=project).order_by("-id").prefetch_related(
        "earning__work__contribution"
    )
