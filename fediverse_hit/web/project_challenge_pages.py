"""`/projects/{slug}/challenges/new`: a curator posts a challenge (a brief, the kinds of media
wanted, a deadline, optional works to remix). It is published by the project's Group actor through
the same function as a C2S `Create` (federation/project_challenges.py). Curators only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediverse_hit.errors import HitError, ValidationFailed
from fediverse_hit.federation.project_challenges import publish_challenge
from fediverse_hit.protocol.vocabulary import ContributionKind
from fediverse_hit.services.challenges import challenge_text, parse_deadline
from fediverse_hit.services.contribution_rules import MAX_BODY, MAX_TITLE, Draft
from fediverse_hit.store.models import Project
from fediverse_hit.web.project_access import require_curating
from fediverse_hit.web.rendering import render
from fediverse_hit.web.sessions import read_form

WANTED_KINDS = {
    ContributionKind.TEXT: "Writing",
    ContributionKind.IMAGE: "Images",
    ContributionKind.AUDIO: "Audio",
    ContributionKind.VIDEO: "Video",
}
WORK_SLOTS = 3  # optional works to remix, by address


def _values(form: FormData) -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name, "")
        return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""

    return {
        "title": text("title"), "brief": text("brief"), "deadline": text("deadline"),
        "kinds": [kind for kind in form.getlist("kinds") if kind in WANTED_KINDS],
        "works": [text(f"work_{n}") for n in range(1, WORK_SLOTS + 1)],
    }


def _deadline(text: str, errors: dict[str, str]) -> datetime | None:
    """The deadline typed in the form (a `datetime-local` value, read as UTC)."""
    if not text:
        errors["deadline"] = "Give the challenge a deadline."
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        errors["deadline"] = "The deadline must be a date and time, such as 2027-01-31 18:00."
        return None
    value = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
    try:
        return parse_deadline(value, datetime.now(UTC))
    except ValidationFailed as exc:
        errors["deadline"] = exc.message.replace(" (`endTime`)", "").replace("`endTime`", "deadline")
        return None


def _check(values: dict[str, Any], errors: dict[str, str]) -> None:
    if not values["brief"]:
        errors["brief"] = "Write the brief: what the project asks contributors for."
    elif len(values["brief"]) > MAX_BODY // 2:
        errors["brief"] = f"The brief is at most {MAX_BODY // 2} characters."
    if len(values["title"]) > MAX_TITLE:
        errors["title"] = f"The title is at most {MAX_TITLE} characters."
    for n, url in enumerate(values["works"], start=1):
        if url and not url.lower().startswith(("https://", "http://")):
            errors[f"work_{n}"] = f"Work {n}: give the address of a work (starting with https://)."


async def challenge_form(request: Request) -> Response:
    """The empty form."""
    project, _ = await require_curating(request)
    values = {"title": "", "brief": "", "deadline": "", "kinds": [], "works": [""] * WORK_SLOTS}
    return await _render(request, project, values, {})


async def post_challenge(request: Request) -> Response:
    """Publish the challenge as the project, or show the form again with what is wrong."""
    project, curator = await require_curating(request)
    values = _values(await read_form(request))
    errors: dict[str, str] = {}
    _check(values, errors)
    deadline = _deadline(values["deadline"], errors)
    if errors or deadline is None:
        return await _render(request, project, values, errors, status_code=422)
    text = challenge_text(values["brief"], [WANTED_KINDS[k].lower() for k in values["kinds"]], [w for w in values["works"] if w])
    try:
        draft = Draft(title=values["title"], source=text, license=project.license)
        await publish_challenge(project, curator, draft, deadline, request.app.state.fetcher)
    except HitError as exc:
        return await _render(request, project, values, {"challenge": exc.message}, status_code=exc.status_code)
    return RedirectResponse(f"{project.actor.uri}?done=challenge#challenges-heading", status_code=303)


async def _render(
    request: Request, project: Project, values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    context = {"project": project, "values": values, "errors": errors, "kinds": WANTED_KINDS,
               "limits": {"title": MAX_TITLE, "brief": MAX_BODY // 2}}
    return await render(request, "project_challenge_new.html", context, status_code=status_code)
