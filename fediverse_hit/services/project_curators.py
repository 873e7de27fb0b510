"""Changing a project's curators (DESIGN §7): a curator adds or removes another curator, local or
on another server. The project always keeps at least one curator, and at most MAX_CURATORS."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.services.projects import MAX_CURATORS, require_curator
from fediverse_hit.store.models import Actor, Project, ProjectCurator


async def add_curator(project: Project, by: Actor | None, curator: Actor) -> bool:
    """`by` (a curator; None for the server's operator) makes `curator` (a live person) a
    curator; False when it already was one."""
    if by is not None:
        await require_curator(project, by)
    if curator.kind != "Person" or curator.deleted_at is not None:
        raise ValidationFailed("Curators are people with live accounts.")
    async with in_transaction():
        if await ProjectCurator.exists(project=project, actor=curator):
            return False
        if await ProjectCurator.filter(project=project).count() >= MAX_CURATORS:
            raise ValidationFailed(f"A project has at most {MAX_CURATORS} curators.")
        try:
            await ProjectCurator.create(project=project, actor=curator)
        except IntegrityError:  # added at the same moment by another request
            return False
    return True


async def remove_curator(project: Project, by: Actor | None, curator: Actor) -> bool:
    """`by` (a curator, possibly `curator` itself; None for the operator) removes `curator`;
    False when it was none. The last curator stays: nobody could act as the project otherwise."""
    if by is not None:
        await require_curator(project, by)
    async with in_transaction():
        row = await ProjectCurator.get_or_none(project=project, actor=curator)
        if row is None:
            return False
        if await ProjectCurator.filter(project=project).count() <= 1:
            raise ValidationFailed("A project keeps at least one curator; add another before removing this one.")
        await row.delete()
    return True
