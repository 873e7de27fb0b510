"""Named queries over projects and their curators."""

from __future__ import annotations

from fediverse_hit.store.models import Actor, Project, ProjectCurator


async def find_project(slug: str) -> Project | None:
    """The project with this slug, with its Group actor loaded."""
    return await Project.get_or_none(slug=slug).prefetch_related("actor")


async def find_project_of_actor(actor: Actor) -> Project | None:
    """The project whose Group actor is `actor`, if it is one of ours."""
    return await Project.get_or_none(actor=actor).prefetch_related("actor")


async def list_curators(project: Project) -> list[Actor]:
    """The project's curators (local and remote actors), in the order they were added."""
    rows = await ProjectCurator.filter(project=project).order_by("id").prefetch_related("actor")
    return [row.actor for row in rows]


async def is_curator(project: Project, actor: Actor) -> bool:
    return await ProjectCurator.exists(project=project, actor=actor)


async def list_projects(limit: int = 50) -> list[Project]:
    """The newest projects first, with their actors."""
    return await Project.all().order_by("-id").limit(limit).prefetch_related("actor")


async def list_projects_curated_by(actor: Actor) -> list[Project]:
    """The projects `actor` curates."""
    return await Project.filter(curators__actor=actor).order_by("id").prefetch_related("actor")
