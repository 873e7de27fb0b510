"""What the project page shows besides its profile: challenges (open, then closed), the selected
pieces and the works with their credits, as plain dicts for templates/project.html."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, SubmissionState
from fediverse_hit.services.challenges import is_open, list_challenges, open_then_closed
from fediverse_hit.services.submissions import list_submissions
from fediverse_hit.store.models import Actor, Project
from fediverse_hit.store.project_works import list_project_works
from fediverse_hit.web.contribution_cards import build_cards, page_url

SHOWN_SELECTED = 24  # the newest selected pieces on the page; the collection has them all


async def challenge_views(project: Project) -> list[dict[str, Any]]:
    """Each challenge with its title, text and whether it is still open."""
    now = datetime.now(UTC)
    return [
        {"title": row.contribution.title or "Challenge", "href": page_url(row.contribution),
         "html": row.contribution.content_html, "end_time": row.end_time, "open": is_open(row, now)}
        for row in open_then_closed(await list_challenges(project), now)
    ]


async def selected_cards(project: Project, viewer: Actor | None, urls: InstanceUrls) -> list[dict[str, Any]]:
    """Cards of the pieces curators selected that anyone may see, newest selection first."""
    rows = await list_submissions(project, SubmissionState.SELECTED)
    shown = [row.contribution for row in reversed(rows) if row.contribution.visibility in OPEN_VISIBILITIES]
    return await build_cards(shown[:SHOWN_SELECTED], viewer, urls)


async def work_views(project: Project, viewer: Actor | None, urls: InstanceUrls) -> list[dict[str, Any]]:
    """The project's works, newest first, each as a card with its credits page."""
    works = await list_project_works(project)
    cards = await build_cards([work.contribution for work in works], viewer, urls)
    return [
        {"card": card, "credits_href": urls.project_credits(project.slug, str(work.contribution.local_id))}
        for work, card in zip(works, cards, strict=True)
    ]


def licence_view(iri: str) -> dict[str, str] | None:
    """The project's licence for its works, named and linked; None when it sets none."""
    licence = license_by_iri(iri) if iri else None
    return {"name": licence.name, "iri": licence.iri} if licence is not None else None
