"""Creating projects (DESIGN §7): a local Group actor with keys like a person's, a Project row
and its curators. People and projects share one namespace of names, so neither can take the
other's (FEP-1b12 groups are found by WebFinger like people).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from fediverse_hit.errors import Conflict, Forbidden, ValidationFailed
from fediverse_hit.protocol.licenses import license_by_iri
from fediverse_hit.services.actor_keys import add_actor_keys
from fediverse_hit.services.iris import ProjectIris
from fediverse_hit.services.usernames import normalize_username
from fediverse_hit.store.accounts import username_taken
from fediverse_hit.store.models import Actor, Project, ProjectCurator
from fediverse_hit.store.projects import is_curator

DEFAULT_POOL_BP = 5000  # HitRecord splits a work's profit 50/50 between contributors and itself
DEFAULT_COMMENT_DAYS = 14  # HitRecord's two weeks of public discussion before it pays
MAX_COMMENT_DAYS = 365
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_TERMS_LENGTH = 5000
MAX_CURATORS = 20
RESERVED_SLUGS = frozenset({"new"})  # `/projects/new` is the form that creates a project
DEFAULT_TERMS = (
    "Submitting a contribution to this project (addressing it to the project, or mentioning it) "
    "means you agree that its curators may use it in the project's works; if it is used you are "
    "credited, and your share of any earnings is computed from the credits."
)


@dataclass(frozen=True)
class ProjectDraft:
    """What a project is created with, as a person or an operator typed it."""

    slug: str
    title: str
    description: str = ""
    pool_bp: int = DEFAULT_POOL_BP
    comment_days: int = DEFAULT_COMMENT_DAYS
    license: str = ""
    terms: str = ""


def check_project_draft(draft: ProjectDraft) -> str:
    """The canonical slug, or ValidationFailed saying what is wrong with the draft."""
    slug = normalize_username(draft.slug)
    if slug in RESERVED_SLUGS:
        raise ValidationFailed("That name is reserved.")
    title = draft.title.strip()
    if not title:
        raise ValidationFailed("A project needs a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationFailed(f"Project titles are at most {MAX_TITLE_LENGTH} characters.")
    if len(draft.description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(f"Project descriptions are at most {MAX_DESCRIPTION_LENGTH} characters.")
    if len(draft.terms) > MAX_TERMS_LENGTH:
        raise ValidationFailed(f"Project terms are at most {MAX_TERMS_LENGTH} characters.")
    if not 0 <= draft.pool_bp <= 10000:
        raise ValidationFailed("The contributors' pool is between 0 and 10000 basis points (0–100%).")
    if not 0 <= draft.comment_days <= MAX_COMMENT_DAYS:
        raise ValidationFailed(f"The comment window is between 0 and {MAX_COMMENT_DAYS} days.")
    if draft.license and license_by_iri(draft.license) is None:
        raise ValidationFailed("The licence must be a Creative Commons 4.0 deed or CC0.")
    return slug


async def create_project(draft: ProjectDraft, curators: list[Actor], iris: ProjectIris) -> Project:
    """Create the project's Group actor (with RSA and Ed25519 keys), its row and its curators.
    Conflict when a person or a project already has the name."""
    slug = check_project_draft(draft)
    if not curators:
        raise ValidationFailed("A project needs at least one curator.")
    if len(curators) > MAX_CURATORS:
        raise ValidationFailed(f"A project has at most {MAX_CURATORS} curators.")
    if any(curator.kind != "Person" or curator.deleted_at is not None for curator in curators):
        raise ValidationFailed("Curators are people with live accounts.")
    if await username_taken(slug):
        raise Conflict("That name is taken by a person or a project.")
    try:
        async with in_transaction():
            if await Actor.exists(username=slug, domain=iris.domain):
                raise Conflict("That name is taken by a person or a project.")
            actor = await Actor.create(
                uri=iris.project(slug), kind="Group", username=slug, domain=iris.domain, local=True,
                name=draft.title.strip(), summary=draft.description.strip(),
            )
            project = await Project.create(
                actor=actor, slug=slug, title=draft.title.strip(), description=draft.description.strip(),
                pool_bp=draft.pool_bp, comment_days=draft.comment_days, license=draft.license,
                terms=draft.terms.strip() or DEFAULT_TERMS,
            )
            for curator in dict.fromkeys(curators):
                await ProjectCurator.create(project=project, actor=curator)
    except IntegrityError as exc:  # a concurrent creation won the race for the name
        raise Conflict("That name is taken by a person or a project.") from exc
    await add_actor_keys(actor, iris)
    project.actor = actor
    return project


async def require_curator(project: Project, actor: Actor) -> None:
    """Forbidden unless `actor` curates `project` (only curators act as the project)."""
    if not await is_curator(project, actor):
        raise Forbidden("Only the project's curators may act as the project.")
