"""Projects (Group actors run by curators, DESIGN §7) and who curates them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from fediverse_hit.protocol.vocabulary import SubmissionState

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


class ProjectSubmission(Model):
    """A contribution submitted to a project (addressed to it, in its context, or mentioning it).

    Submitting is consent to be used in the project's works. Curators select or decline it.
    """

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "hit.Project", related_name="submissions", on_delete=fields.CASCADE
    )
    contribution: fields.ForeignKeyRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="submissions", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(SubmissionState, max_length=16, default=SubmissionState.PENDING)
    decision_note = fields.TextField(default="")
    decided_by: fields.ForeignKeyNullableRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="decided_submissions", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    decision_activity_uri = fields.CharField(max_length=2048, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "project_submissions"
        unique_together = (("project", "contribution"),)
