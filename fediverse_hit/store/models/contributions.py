"""Contributions (local and remote), their kept versions, media attachments, mentions and hashtags (DESIGN §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor


class Contribution(Model):
    """A record: text, image, audio, video or mixed. Remote ones keep the raw JSON they arrived as.

    Rows are never deleted. A deletion sets `deleted_at` and keeps the IRI, so ids are never
    reused and a Create that arrives after its Delete stays deleted.
    """

    id = fields.BigIntField(primary_key=True)
    uri = fields.CharField(max_length=2048, unique=True)
    local_id = fields.CharField(max_length=32, null=True, unique=True)
    url = fields.CharField(max_length=2048, default="")
    author: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="contributions", on_delete=fields.CASCADE
    )
    local = fields.BooleanField(default=False)
    kind = fields.CharField(max_length=16, default="text")  # text | image | audio | video | mixed
    title = fields.CharField(max_length=500, default="")
    source = fields.TextField(default="")  # Markdown as written (local contributions)
    content_html = fields.TextField(default="")  # sanitized HTML, safe to show
    summary = fields.CharField(max_length=1500, default="")  # content warning
    sensitive = fields.BooleanField(default=False)
    language = fields.CharField(max_length=16, default="")
    license = fields.CharField(max_length=255, default="")
    visibility = fields.CharField(max_length=16, default="public", db_index=True)
    in_reply_to_uri = fields.CharField(max_length=2048, null=True, db_index=True)
    in_reply_to: fields.ForeignKeyNullableRelation[Contribution] = fields.ForeignKeyField(
        "hit.Contribution", related_name="replies", null=True, on_delete=fields.SET_NULL
    )
    context_uri = fields.CharField(max_length=2048, null=True)
    # Remixes (DESIGN §7): basis points owed to the sources (null: not a remix); who may quote it
    # (FEP-044f: anyone | followers | manual, empty: the author's default); the stamp a remix got
    upstream_share = fields.IntField(null=True)
    quote_policy = fields.CharField(max_length=16, default="")
    quote_authorization_uri = fields.CharField(max_length=2048, null=True)
    version = fields.IntField(default=1)
    published_at = fields.DatetimeField(db_index=True)
    edited_at = fields.DatetimeField(null=True)
    pinned_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    document: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    raw_json = fields.TextField(null=True)  # the remote object exactly as received
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contributions"


class ContributionVersion(Model):
    """Version n of a contribution: the signed document as published (verbatim text), never changed."""

    id = fields.BigIntField(primary_key=True)
    contribution: fields.ForeignKeyRelation[Contribution] = fields.ForeignKeyField(
        "hit.Contribution", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    document_json = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contribution_versions"
        unique_together = (("contribution", "number"),)


class MediaAttachment(Model):
    """An uploaded file (local, stored under a secret name) or a remote attachment (shown from its origin)."""

    id = fields.BigIntField(primary_key=True)
    owner: fields.ForeignKeyNullableRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="media", null=True, on_delete=fields.CASCADE
    )
    contribution: fields.ForeignKeyNullableRelation[Contribution] = fields.ForeignKeyField(
        "hit.Contribution", related_name="attachments", null=True, on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)
    kind = fields.CharField(max_length=16)  # image | audio | video
    media_type = fields.CharField(max_length=100)
    # Local files by their secret names (store/media_files.py); indexed for serving by name
    filename = fields.CharField(max_length=100, null=True, db_index=True)
    remote_url = fields.CharField(max_length=2048, null=True)
    size_bytes = fields.BigIntField(default=0)
    description = fields.CharField(max_length=1500, default="")
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    duration_seconds = fields.FloatField(null=True)
    blurhash = fields.CharField(max_length=100, null=True)
    thumbnail_filename = fields.CharField(max_length=100, null=True, db_index=True)
    cover_filename = fields.CharField(max_length=100, null=True, db_index=True)
    captions_filename = fields.CharField(max_length=100, null=True, db_index=True)  # a WebVTT track for video
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_attachments"


class Mention(Model):
    """An actor a contribution mentions or addresses directly (delivered to, and allowed to see it)."""

    id = fields.BigIntField(primary_key=True)
    contribution: fields.ForeignKeyRelation[Contribution] = fields.ForeignKeyField(
        "hit.Contribution", related_name="mentions", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="mentioned_in", on_delete=fields.CASCADE
    )

    class Meta:
        table = "mentions"
        unique_together = (("contribution", "actor"),)


class ContributionTag(Model):
    """A hashtag on a contribution, lower-cased without the `#`."""

    id = fields.BigIntField(primary_key=True)
    contribution: fields.ForeignKeyRelation[Contribution] = fields.ForeignKeyField(
        "hit.Contribution", related_name="tags", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, db_index=True)

    class Meta:
        table = "contribution_tags"
        unique_together = (("contribution", "name"),)
