"""Submissions to projects (DESIGN §7): a contribution addressed to a project (`to`/`cc`), in its
`context`, or mentioning it — a plain Mastodon post that mentions the project counts — is queued
for the project's curators, who select or decline it. The creator is told either way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.protocol.vocabulary import OPEN_VISIBILITIES, NotificationKind, SubmissionState
from fediverse_hit.services.notifications import notify
from fediverse_hit.services.projects import require_curator
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.contributions import mentioned_actors
from fediverse_hit.store.models import Actor, Contribution, Project, ProjectSubmission
from fediverse_hit.store.projects import find_project_of_actor, list_curators

MAX_NOTE_LENGTH = 2000


async def projects_addressed(contribution: Contribution) -> list[Project]:
    """Our projects `contribution` is submitted to: mentioned or addressed (stored as mentions),
    or named as its `context`. A project's own posts are never submissions to it."""
    groups = [actor for actor in await mentioned_actors(contribution) if actor.kind == "Group" and actor.local]
    if contribution.context_uri is not None:
        context = await find_actor_by_uri(contribution.context_uri)
        if context is not None and context.kind == "Group" and context.local:
            groups.append(context)
    projects = []
    for group in dict.fromkeys(groups):
        project = await find_project_of_actor(group)
        if project is not None and group.id != contribution.author_id:  # type: ignore[attr-defined]
            projects.append(project)
    return projects


async def record_submissions(contribution: Contribution, author: Actor) -> list[ProjectSubmission]:
    """Queue `contribution` in every project of ours it is submitted to (once each), and tell
    those projects' local curators."""
    if contribution.deleted_at is not None:
        return []
    recorded = []
    for project in await projects_addressed(contribution):
        submission = await _queue(project, contribution, author)
        if submission is not None:
            recorded.append(submission)
    return recorded


async def _queue(project: Project, contribution: Contribution, author: Actor) -> ProjectSubmission | None:
    """Queue `contribution` for `project`'s curators and tell them; None if it was queued before."""
    try:
        submission = await ProjectSubmission.create(project=project, contribution=contribution)
    except IntegrityError:
        return None  # submitted already (an edit, or the same Create twice)
    for curator in await list_curators(project):
        await notify(curator, NotificationKind.SUBMISSION, author, contribution)
    return submission


async def submit_own_work(project: Project, author: Actor, contribution: Contribution) -> ProjectSubmission:
    """`author` submits one of their existing works to `project` (the project page's submit
    form): consent to its use in the project's works. ValidationFailed says why not."""
    if contribution.author_id != author.id or contribution.deleted_at is not None:  # type: ignore[attr-defined]
        raise ValidationFailed("You can submit only your own works.")
    if contribution.visibility not in OPEN_VISIBILITIES:
        raise ValidationFailed("Only public or unlisted works can be submitted: the project's curators and followers must see them.")
    if author.id == project.actor_id:  # type: ignore[attr-defined]
        raise ValidationFailed("A project's own posts are not submissions to it.")
    submission = await _queue(project, contribution, author)
    if submission is None:
        raise ValidationFailed("You submitted that work to this project already.")
    return submission


async def find_submission(project: Project, contribution_uri: str) -> ProjectSubmission:
    """The submission of the contribution at `contribution_uri` to `project`; ValidationFailed
    when it was never submitted (nothing else may be selected or declined)."""
    submission = await ProjectSubmission.get_or_none(
        project=project, contribution__uri=contribution_uri
    ).prefetch_related("contribution__author")
    if submission is None:
        raise ValidationFailed("That contribution was never submitted to this project.")
    return submission


async def decide_submission(
    project: Project, curator: Actor, contribution_uri: str, state: SubmissionState, note: str = ""
) -> tuple[ProjectSubmission, bool]:
    """Select or decline a submission as `curator`; (the submission, whether it changed). The
    creator is told (`notify` reaches local people; remote ones hear it from the activity)."""
    await require_curator(project, curator)
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed(f"The note is at most {MAX_NOTE_LENGTH} characters.")
    submission = await find_submission(project, contribution_uri)
    if submission.state == state:
        return submission, False
    submission.state = state
    submission.decision_note = note.strip()
    submission.decided_by = curator
    submission.decided_at = datetime.now(UTC)
    await submission.save(update_fields=["state", "decision_note", "decided_by_id", "decided_at"])
    kind = NotificationKind.SELECTED if state == SubmissionState.SELECTED else NotificationKind.DECLINED
    creator: Actor = submission.contribution.author
    await notify(creator, kind, project.actor, submission.contribution)
    return submission, True


async def list_submissions(project: Project, state: SubmissionState | None = None) -> list[ProjectSubmission]:
    """The project's submissions (of one state, when given), oldest first, with contributions and authors."""
    query = ProjectSubmission.filter(project=project, contribution__deleted_at=None)
    if state is not None:
        query = query.filter(state=state)
    return await query.order_by("id").prefetch_related("contribution__author")
