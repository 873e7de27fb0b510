"""Projects (Group actors run by curators, DESIGN §7) and who curates them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor
    from fediverse_hit.store.models.contributions import Contribution


class Project(Model):
    """A collaboration published as a local Group actor: it gathers submissions into works.

    `pool_bp` is the contributors' share of a work's profit in basis points (HitRecord splits
    profit 50/50), `comment_days` how long a payment proposal stays open for comments.
    """

    id = fields.IntField(primary_key=True)
    actor: fields.OneToOneRelation["Actor"] = fields.OneToOneField(
        "hit.Actor", related_name="project", on_delete=fields.CASCADE
    )
    slug = fields.CharField(max_length=64, unique=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    license = fields.CharField(max_length=255, default="")  # CC deed IRI of the project's works
    terms = fields.TextField(default="")  # what a submission consents to, in the project's words
    cover_url = fields.CharField(max_length=2048, default="")
    pool_bp = fields.IntField(default=5000)
    comment_days = fields.IntField(default=14)
    created_at = fields.DatetimeField(auto_now_add=True)

    curators: fields.ReverseRelation[ProjectCurator]

    class Meta:
        table = "projects"


class ProjectCurator(Model):
    """A curator of a project, local or on another server: may act as the project."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "hit.Project", related_name="curators", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="curated_projects", on_delete=fields.CASCADE
    )
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "project_curators"
        unique_together = (("project", "actor"),)


class ProjectChallenge(Model):
    """A call for contributions: a Note the project published, open until `end_time`."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "hit.Project", related_name="challenges", on_delete=fields.CASCADE
    )
    contribution: fields.OneToOneRelation["Contribution"] = fields.OneToOneField(
        "hit.Contribution", related_name="challenge", on_delete=fields.CASCADE
    )
    posted_by: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="posted_challenges", on_delete=fields.CASCADE
    )
    end_time = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "project_challenges"
