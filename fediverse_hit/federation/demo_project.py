"""The demo's project (`fediverse-hit demo`): "Harbour Sounds", a Group curated by Ada, with an
open challenge, two submissions (Bashir's, selected; Chen's, waiting in the queue) and a work the
project made of the selected piece and Ada's poem, with its signed credits, and an earning of
that work finalized into a signed statement (the comment window is 0 days). Every step goes
through the same code as a curator's C2S, so the demo shows what federation sends.

    Foghorn in D (Bashir, selected)   Low tide (Ada)
                   70 % \\            / 30 %
                Harbour at dawn (the project; upstream 60 %: Ada keeps 40 % as curator)

Seeded once: nothing is made when the project exists, or when the poem it remixes is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fediverse_hit.federation.client_objects import draft_from_object
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.payment_proposals import record_project_earning
from fediverse_hit.federation.payment_statements import finalize_proposal
from fediverse_hit.federation.project_challenges import publish_challenge
from fediverse_hit.federation.project_submissions import select_submission
from fediverse_hit.federation.project_works import publish_project_work
from fediverse_hit.federation.publishing import publish_contribution
from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.project_payments import EarningDraft
from fediverse_hit.services.projects import ProjectDraft, create_project
from fediverse_hit.store.models import Actor, Contribution, Project
from fediverse_hit.store.projects import find_project

DEMO_PROJECT = "harbour"
CHALLENGE_DAYS = 30


@dataclass(frozen=True)
class DemoProject:
    """What the demo project seeded: the project, its curator and its work (earning and statement included)."""

    project: Project
    curator: Actor
    work: Contribution


async def seed_demo_project(people: dict[str, Actor], fetcher: Fetcher) -> DemoProject | None:
    """Create the demo project with its challenge, submissions, selection and work, unless it
    exists (None then). `people` maps the demo usernames (ada, bashir, chen) to their actors."""
    if await find_project(DEMO_PROJECT) is not None:
        return None
    ada, bashir, chen = people["ada"], people["bashir"], people["chen"]
    poem = await Contribution.filter(author=ada, title="Low tide", local=True, deleted_at=None).first()
    if poem is None:
        return None
    urls = fetcher.urls
    project = await create_project(ProjectDraft(
        slug=DEMO_PROJECT, title="Harbour Sounds", comment_days=0,
        description="Field recordings, songs and drawings of the harbour, made into pieces together.",
    ), [ada], urls)
    group = project.actor.uri
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=CHALLENGE_DAYS)

    await publish_challenge(project, ada, Draft(
        title="Sounds of the harbour", language="en",
        source="Record the harbour at dawn: gulls, ropes, engines. Audio, songs or drawings welcome.",
    ), deadline, fetcher)
    foghorn = await publish_contribution(bashir, Draft(
        title="Foghorn in D", language="en", addressed=(group,), context=group,
        source="A bass line under the morning foghorn, for Harbour Sounds.",
    ), fetcher)
    await publish_contribution(chen, Draft(
        title="Gulls at dawn", language="en", addressed=(group,), context=group,
        source="Three gulls on a bollard, drawn before sunrise. For Harbour Sounds.",
    ), fetcher)
    await select_submission(project, ada, foghorn.uri, urls)
    work = await publish_project_work(project, ada, draft_from_object({
        "type": "Note", "to": [PUBLIC_COLLECTION], "name": "Harbour at dawn",
        "content": "Bashir's foghorn under Ada's poem: the project's first piece.",
        "fhit:sources": [{"object": foghorn.uri, "fhit:weight": 7000}, {"object": poem.uri, "fhit:weight": 3000}],
        "fhit:upstreamShare": 6000,
    }, urls.project_collection(project.slug, "followers")), fetcher)
    await _seed_payment(project, ada, work, fetcher)
    return DemoProject(project, ada, work)


async def _seed_payment(project: Project, curator: Actor, work: Contribution, fetcher: Fetcher) -> None:
    """An earning of the demo work, its proposal and the finalized statement (the demo project's
    comment window is 0 days), so every contributor's earnings page has a line."""
    draft = EarningDraft(amount=48000, currency="EUR", costs=8000, note="A sync licence for a short film")
    proposal = await record_project_earning(project, work, draft, curator, fetcher)
    await finalize_proposal(proposal, fetcher)
