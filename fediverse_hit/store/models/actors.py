"""Actors (local and remote people, projects, the instance actor) and their keys."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Actor(Model):
    """An ActivityPub actor. Local actors have an `account` (people) or are the instance actor."""

    id = fields.IntField(primary_key=True)
    uri = fields.CharField(max_length=2048, unique=True)
    kind = fields.CharField(max_length=32, default="Person")
    username = fields.CharField(max_length=255, db_index=True)
    domain = fields.CharField(max_length=255, db_index=True)
    local = fields.BooleanField(default=False)
    name = fields.CharField(max_length=255, default="")
    summary = fields.TextField(default="")
    url = fields.CharField(max_length=2048, default="")
    inbox = fields.CharField(max_length=2048, default="")
    outbox = fields.CharField(max_length=2048, default="")
    shared_inbox = fields.CharField(max_length=2048, default="")
    followers_url = fields.CharField(max_length=2048, default="")
    following_url = fields.CharField(max_length=2048, default="")
    icon_url = fields.CharField(max_length=2048, default="")
    icon_media_type = fields.CharField(max_length=64, default="")
    icon_alt = fields.CharField(max_length=1500, default="")
    # The header (banner) image: AS2 `image`, as Mastodon publishes it.
    image_url = fields.CharField(max_length=2048, default="")
    image_media_type = fields.CharField(max_length=64, default="")
    image_alt = fields.CharField(max_length=1500, default="")
    profile_fields: fields.Field[list[dict[str, str]]] = fields.JSONField(default=list)
    payment_links: fields.Field[list[dict[str, str]]] = fields.JSONField(default=list)
    manually_approves_followers = fields.BooleanField(default=False)
    discoverable = fields.BooleanField(default=True)
    indexable = fields.BooleanField(default=True)
    document: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    published = fields.DatetimeField(auto_now_add=True)
    updated = fields.DatetimeField(auto_now=True)
    fetched_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    keys: fields.ReverseRelation[ActorKey]

    class Meta:
        table = "actors"
        unique_together = (("username", "domain"),)


class ActorKey(Model):
    """One public key of an actor (with the private half for local actors). Keys are added, not swapped."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyRelation[Actor] = fields.ForeignKeyField(
        "hit.Actor", related_name="keys", on_delete=fields.CASCADE
    )
    key_id = fields.CharField(max_length=2048, unique=True)
    algorithm = fields.CharField(max_length=16)  # "rsa" or "ed25519"
    public_pem = fields.TextField()
    private_pem = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "actor_keys"
