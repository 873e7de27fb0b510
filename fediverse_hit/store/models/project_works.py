"""A project's works (remixes its Group published) and the signed versions of their credits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor
    from fediverse_hit.store.models.contributions import Contribution
    from fediverse_hit.store.models.projects import Project


class ProjectWork(Model):
    """A work of a project: a remix its Group published for a curator.

    `curator_uris` are the curators when it was made, attributed with the project and given
    the work's own share in equal parts.
    """

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation["Project"] = fields.ForeignKeyField(
        "hit.Project", related_name="works", on_delete=fields.CASCADE
    )
    contribution: fields.OneToOneRelation["Contribution"] = fields.OneToOneField(
        "hit.Contribution", related_name="project_work", on_delete=fields.CASCADE
    )
    posted_by: fields.ForeignKeyNullableRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="posted_works", null=True, on_delete=fields.SET_NULL
    )
    curator_uris: fields.Field[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    credit_versions: fields.ReverseRelation[ProjectCredits]

    class Meta:
        table = "project_works"


class ProjectCredits(Model):
    """One signed version of a work's credits, kept for good so old versions stay readable.

    `document_json` is the version as signed under its own IRI, `current_json` the same credits
    signed under the work's credits IRI (served there while this version is the newest).
    `content_key` identifies what was computed (the work version and the credit lines), so an
    unchanged computation makes no new version.
    """

    id = fields.BigIntField(primary_key=True)
    work: fields.ForeignKeyRelation[ProjectWork] = fields.ForeignKeyField(
        "hit.ProjectWork", related_name="credit_versions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    work_digest = fields.CharField(max_length=64)
    content_key = fields.CharField(max_length=64)
    document_json = fields.TextField()
    current_json = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "project_credits"
        unique_together = (("work", "version"),)
