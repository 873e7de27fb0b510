"""Relationships between actors: follows (pending or accepted), blocks and mutes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor


class Follow(Model):
    """`follower` follows `followed`, pending until the followed side accepts."""

    id = fields.BigIntField(primary_key=True)
    follower: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="following_rows", on_delete=fields.CASCADE
    )
    followed: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="follower_rows", on_delete=fields.CASCADE
    )
    state = fields.CharField(max_length=16, default="pending")  # pending | accepted
    activity_uri = fields.CharField(max_length=2048)
    created_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "follows"
        unique_together = (("follower", "followed"),)


class Block(Model):
    """`blocker` blocks `blocked`: no follows, no deliveries, no interactions either way."""

    id = fields.BigIntField(primary_key=True)
    blocker: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="block_rows", on_delete=fields.CASCADE
    )
    blocked: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="blocked_by_rows", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blocks"
        unique_together = (("blocker", "blocked"),)


class Mute(Model):
    """`muter` hides `muted` from their timelines and notifications. Private: never federated."""

    id = fields.BigIntField(primary_key=True)
    muter: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="mute_rows", on_delete=fields.CASCADE
    )
    muted: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="muted_by_rows", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mutes"
        unique_together = (("muter", "muted"),)
