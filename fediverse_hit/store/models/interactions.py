"""Likes, boosts and notifications: how people react to contributions, and what they are told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor
    from fediverse_hit.store.models.contributions import Contribution


class Like(Model):
    """`actor` likes `contribution` (the Like activity's IRI kept for its Undo)."""

    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="likes", on_delete=fields.CASCADE
    )
    contribution: fields.ForeignKeyRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="likes", on_delete=fields.CASCADE
    )
    activity_uri = fields.CharField(max_length=2048, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "likes"
        unique_together = (("actor", "contribution"),)


class Boost(Model):
    """`actor` boosts (Announces) `contribution` to its followers."""

    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="boosts", on_delete=fields.CASCADE
    )
    contribution: fields.ForeignKeyRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="boosts", on_delete=fields.CASCADE
    )
    activity_uri = fields.CharField(max_length=2048, unique=True)
    visibility = fields.CharField(max_length=16, default="public")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "boosts"
        unique_together = (("actor", "contribution"),)


class Notification(Model):
    """Something a local person is told: follow, follow_request, reply, mention, like or boost."""

    id = fields.BigIntField(primary_key=True)
    recipient: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    from_actor: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="caused_notifications", on_delete=fields.CASCADE
    )
    contribution: fields.ForeignKeyNullableRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        unique_together = (("recipient", "kind", "from_actor", "contribution"),)
