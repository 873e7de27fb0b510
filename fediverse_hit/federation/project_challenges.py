"""Publishing a project's challenge (DESIGN §7, issue 17 item 2): a Note by the project's Group
actor, in the project's `context`, delivered to its followers with the project's proof, and kept
as a challenge open until its deadline. One path for the C2S outbox and the curator's web form.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.publishing import publish_contribution
from fediverse_hit.services.challenges import record_challenge
from fediverse_hit.services.contribution_rules import Draft
from fediverse_hit.services.projects import require_curator
from fediverse_hit.store.models import Actor, Contribution, Project


async def publish_challenge(
    project: Project, curator: Actor, draft: Draft, deadline: datetime, fetcher: Fetcher
) -> Contribution:
    """Publish `draft` as a challenge of `project` posted by `curator`, open until `deadline`
    (already checked with services.challenges.parse_deadline)."""
    await require_curator(project, curator)
    if draft.sources:  # a Note with fhit:sources is a work, never a challenge
        raise ValidationFailed("A challenge names works to remix as links in its text, not in fhit:sources.")
    draft = replace(draft, context=project.actor.uri)

    async def record(contribution: Contribution) -> object:
        return await record_challenge(project, contribution, curator, deadline)

    return await publish_contribution(project.actor, draft, fetcher, before_publish=record)
