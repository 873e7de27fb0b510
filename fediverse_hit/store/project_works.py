"""Named queries over a project's works and the versions of their credits."""

from __future__ import annotations

from fediverse_hit.store.models import Actor, Contribution, Project, ProjectCredits, ProjectWork


async def record_project_work(
    project: Project, contribution: Contribution, posted_by: Actor, curator_uris: list[str]
) -> ProjectWork:
    """Keep that `contribution` (by the project's Group) is one of its works, by these curators."""
    return await ProjectWork.create(
        project=project, contribution=contribution, posted_by=posted_by, curator_uris=curator_uris
    )


async def find_project_work(contribution: Contribution) -> ProjectWork | None:
    """The work row of `contribution`, if it is a project's work."""
    return await ProjectWork.get_or_none(contribution_id=contribution.id)


async def find_work_of_project(project: Project, local_id: str) -> ProjectWork | None:
    """The project's work whose contribution has `local_id`, with its contribution and author."""
    return await ProjectWork.get_or_none(project=project, contribution__local_id=local_id).prefetch_related(
        "contribution__author", "project__actor"
    )


async def list_project_works(project: Project) -> list[ProjectWork]:
    """The project's works that are not deleted, newest first, with their contributions."""
    return await ProjectWork.filter(project=project, contribution__deleted_at=None).order_by("-id").prefetch_related(
        "contribution"
    )


async def latest_credits(work: ProjectWork) -> ProjectCredits | None:
    """The newest version of the work's credits."""
    return await ProjectCredits.filter(work=work).order_by("-version").first()


async def find_credits_version(work: ProjectWork, version: int) -> ProjectCredits | None:
    return await ProjectCredits.get_or_none(work=work, version=version)


async def list_credits_versions(work: ProjectWork) -> list[tuple[int, str]]:
    """(version, when) of every version of the work's credits, newest first."""
    rows = await ProjectCredits.filter(work=work).order_by("-version").values_list("version", "created_at")
    return [(int(version), created.strftime("%Y-%m-%d %H:%M UTC")) for version, created in rows]


async def add_credits_version(
    work: ProjectWork, version: int, work_digest: str, content_key: str, document_json: str, current_json: str
) -> ProjectCredits:
    """Keep a new version (IntegrityError when another process kept this number first)."""
    return await ProjectCredits.create(
        work=work, version=version, work_digest=work_digest, content_key=content_key,
        document_json=document_json, current_json=current_json,
    )
