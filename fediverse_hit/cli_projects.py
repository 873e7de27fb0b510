"""The project commands of `fediverse-hit` (DESIGN §3, issue 17): `project create`, `project earning`
(records an earning and opens its proposal; the proposal's URL is the last line printed),
`project adjust`, `project finalize` and `project resend`. The operator at the command line acts for the curators."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from fediverse_hit.cli_curators import add_curator_commands
from fediverse_hit.errors import HitError
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import create_http_client
from fediverse_hit.federation.payment_proposals import adjust_and_publish, parse_adjustment, record_project_earning
from fediverse_hit.federation.payment_statements import finalize_proposal, resend_statement
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.services.project_payments import EarningDraft, find_proposal
from fediverse_hit.services.projects import DEFAULT_COMMENT_DAYS, DEFAULT_POOL_BP, ProjectDraft, create_project
from fediverse_hit.settings import Settings
from fediverse_hit.store.accounts import find_account
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.database import close_database, open_database
from fediverse_hit.store.models import PaymentProposal
from fediverse_hit.store.projects import find_project


def _urls(settings: Settings) -> InstanceUrls:
    return InstanceUrls(scheme=settings.scheme, domain=settings.domain)


async def _with_fetcher(settings: Settings, work: Callable[[Fetcher], Awaitable[None]]) -> None:
    await open_database(settings.database_url)
    try:
        async with create_http_client(settings) as client:
            await work(Fetcher(client, settings, None))
    finally:
        await close_database()


async def _cmd_project_create(settings: Settings, args: argparse.Namespace) -> None:
    async def work(fetcher: Fetcher) -> None:
        curators = []
        for name in args.curator:
            account = await find_account(name.lower())
            if account is None or account.deleted_at is not None:
                raise HitError(f"No user named {name!r}.")
            curators.append(account.actor)
        draft = ProjectDraft(
            slug=args.slug, title=args.title, description=args.description,
            pool_bp=args.pool, comment_days=args.comment_days,
        )
        project = await create_project(draft, curators, fetcher.urls)
        print(f"Created project @{project.slug}@{settings.domain}")
        print(fetcher.urls.project(project.slug))

    await _with_fetcher(settings, work)


async def _cmd_project_earning(settings: Settings, args: argparse.Namespace) -> None:
    async def work(fetcher: Fetcher) -> None:
        project = await find_project(args.slug.lower())
        if project is None:
            raise HitError(f"No project named {args.slug!r}.")
        contribution = await find_contribution_by_uri(args.work_url)
        if contribution is None:
            raise HitError(f"No work at {args.work_url} here.")
        draft = EarningDraft(amount=args.amount, currency=args.currency, costs=args.costs, note=args.note)
        proposal = await record_project_earning(project, contribution, draft, None, fetcher)
        print(f"Recorded an earning of {args.amount} {args.currency} (costs {args.costs}); proposal open for comments")
        print(fetcher.urls.project_payment(project.slug, proposal.id))

    await _with_fetcher(settings, work)


async def _proposal(url: str, urls: InstanceUrls) -> PaymentProposal:
    parsed = urls.parse_project_payment(url)
    project = await find_project(parsed[0]) if parsed is not None else None
    proposal = await find_proposal(project, parsed[1]) if project is not None and parsed is not None else None
    if proposal is None:
        raise HitError(f"No payment proposal at {url} here.")
    return proposal


async def _cmd_project_adjust(settings: Settings, args: argparse.Namespace) -> None:
    async def work(fetcher: Fetcher) -> None:
        proposal = await _proposal(args.proposal_url, fetcher.urls)
        adjustment = parse_adjustment(args.source, args.target, args.amount, args.reason)
        await adjust_and_publish(proposal, adjustment, None, fetcher)
        print(f"Moved {adjustment.amount} from {adjustment.source} to {adjustment.target}")

    await _with_fetcher(settings, work)


async def _cmd_project_finalize(settings: Settings, args: argparse.Namespace) -> None:
    async def work(fetcher: Fetcher) -> None:
        sent = await finalize_proposal(await _proposal(args.proposal_url, fetcher.urls), fetcher)
        print("Finalized; the statement is on its way to every contributor")
        print(sent.uri)

    await _with_fetcher(settings, work)


async def _cmd_project_resend(settings: Settings, args: argparse.Namespace) -> None:
    async def work(fetcher: Fetcher) -> None:
        sent = await resend_statement(await _proposal(args.proposal_url, fetcher.urls), fetcher)
        print(f"Sending {sent.uri} again to every contributor on another server")

    await _with_fetcher(settings, work)


def _whole_number(text: str) -> int:
    """argparse type: a whole number of minor units (the payment checks say the cap)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minor units (cents for EUR)") from None


def add_project_commands(commands: Any) -> None:
    """Add `project create|earning|adjust|finalize` to the top-level sub-parsers."""
    project = commands.add_parser("project", help="manage projects").add_subparsers(dest="action", required=True)
    create = project.add_parser("create", help="create a project (a Group actor) curated by local users")
    create.add_argument("slug", help="the project's name, also its handle (people and projects never share one)")
    create.add_argument("--title", required=True)
    create.add_argument("--curator", action="append", required=True, help="a local user who curates it (repeat for more)")
    create.add_argument("--description", default="")
    create.add_argument("--pool", type=int, default=DEFAULT_POOL_BP, help="contributors' pool in basis points (default 5000)")
    create.add_argument("--comment-days", type=int, default=DEFAULT_COMMENT_DAYS, help="comment window in days, ≥ 0 (default 14)")
    create.set_defaults(run=_cmd_project_create)
    earning = project.add_parser(
        "earning", help="record an earning of a work and open its payment proposal",
        description="Record what WORK_URL (a work of project SLUG) earned, in minor units of CODE (cents for EUR), "
        "and open a payment proposal over its current credits. The proposal's URL is the last line printed.",
    )
    earning.add_argument("slug", metavar="SLUG")
    earning.add_argument("work_url", metavar="WORK_URL")
    earning.add_argument("--amount", type=_whole_number, required=True, metavar="MINOR")
    earning.add_argument("--currency", required=True, metavar="CODE", help="ISO 4217, e.g. EUR")
    earning.add_argument("--costs", type=_whole_number, default=0, metavar="MINOR")
    earning.add_argument("--note", default="", help="where the money came from")
    earning.set_defaults(run=_cmd_project_earning)
    adjust = project.add_parser("adjust", help="move an amount from one line of a proposal to another, with a reason")
    adjust.add_argument("proposal_url", metavar="PROPOSAL_URL")
    adjust.add_argument("--from", dest="source", required=True, metavar="ACTOR_IRI")
    adjust.add_argument("--to", dest="target", required=True, metavar="ACTOR_IRI")
    adjust.add_argument("--amount", required=True, metavar="MINOR")
    adjust.add_argument("--reason", required=True)
    adjust.set_defaults(run=_cmd_project_adjust)
    finalize = project.add_parser("finalize", help="finalize a proposal after its comment window and send its statement")
    finalize.add_argument("proposal_url", metavar="PROPOSAL_URL")
    finalize.set_defaults(run=_cmd_project_finalize)
    resend = project.add_parser("resend", help="send a final proposal's statement again (recorded once however often it comes)")
    resend.add_argument("proposal_url", metavar="PROPOSAL_URL")
    resend.set_defaults(run=_cmd_project_resend)
    add_curator_commands(project)
