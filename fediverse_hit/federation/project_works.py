"""A project's works (DESIGN §7, issue 17 item 4): a curator's `Create` of a Note with
`fhit:sources` through the project's outbox (or the compose-work form) is a remix by the project's Group actor, attributed
to the project and its curators, published like any remix (every source pinned, the full signed
chain kept, consent asked of the primary source's author), then credited.
"""

from __future__ import annotations

from dataclasses import replace

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.project_credits import ensure_current_credits
from fediverse_hit.federation.quote_requests import publish_asking_consent
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.projects import require_curator
from fediverse_hit.store.models import Actor, Contribution, Project
from fediverse_hit.store.project_works import find_project_work, record_project_work
from fediverse_hit.store.projects import list_curators


async def publish_project_work(project: Project, curator: Actor, draft: Draft, fetcher: Fetcher) -> Contribution:
    """Publish `draft` (a remix: its sources and weights) as a work of `project` for `curator`,
    and compute its first credits. One path for the C2S outbox and the curator's web form."""
    await require_curator(project, curator)
    urls = fetcher.urls
    group: Actor = project.actor
    if not draft.sources:
        raise ValidationFailed("A work names the works it is made of in fhit:sources.")
    draft = replace(draft, context=group.uri)
    curators = [actor.uri for actor in await list_curators(project)]

    async def record(contribution: Contribution) -> object:
        return await record_project_work(project, contribution, curator, curators)

    contribution = await publish_asking_consent(group, draft, fetcher, before_publish=record)
    work = await find_project_work(contribution)
    if work is not None:
        await ensure_current_credits(work, urls)
    return contribution
