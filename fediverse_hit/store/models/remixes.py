"""Remixes and their attribution chains (DESIGN §7): the sources each remix pins, the verbatim
signed documents a chain is verified from, and quote consent (FEP-044f) in both directions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor
    from fediverse_hit.store.models.contributions import Contribution


class RemixSource(Model):
    """Source number `position` of a remix (local or remote), as its `fhit:sources` entry pins it.

    `source` is set when the source is known here, so a work lists its remixes (descendants).
    `link_state` is what the remixing server could establish when the remix was made:
    verified (the source's own proof held) or attested (the source carries no proof).
    """

    id = fields.BigIntField(primary_key=True)
    remix: fields.ForeignKeyRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="remix_sources", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    source_uri = fields.CharField(max_length=2048, db_index=True)
    source: fields.ForeignKeyNullableRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="remixed_by", null=True, on_delete=fields.SET_NULL
    )
    author_uris: fields.Field[list[str]] = fields.JSONField(default=list)
    digest_multibase = fields.CharField(max_length=64, db_index=True)
    weight = fields.IntField()
    licence = fields.CharField(max_length=255, default="")
    link_state = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "remix_sources"
        unique_together = (("remix", "position"),)


class ChainDocument(Model):
    """One signed object version exactly as fetched or published, found by its digest.

    A remix made here keeps each source (and the source's own ancestors) so that
    `/contributions/{id}/chain` can serve every ancestor even when its origin is gone.
    """

    id = fields.BigIntField(primary_key=True)
    digest_multibase = fields.CharField(max_length=64, unique=True)
    object_uri = fields.CharField(max_length=2048, db_index=True)
    document_json = fields.TextField()
    fetched_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "chain_documents"


class ChainKeyDocument(Model):
    """An author's actor document as fetched when a chain through them was checked, kept verbatim
    so a chain bundle carries the keys needed to verify offline."""

    id = fields.BigIntField(primary_key=True)
    actor_uri = fields.CharField(max_length=2048, unique=True)
    document_json = fields.TextField()
    fetched_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "chain_key_documents"


class QuoteRequest(Model):
    """A FEP-044f QuoteRequest: ours asking to quote a source (`outgoing`), or someone else's
    asking to quote a contribution of ours. State is pending, accepted, rejected or revoked."""

    id = fields.BigIntField(primary_key=True)
    uri = fields.CharField(max_length=2048, unique=True)
    outgoing = fields.BooleanField()
    quoted_uri = fields.CharField(max_length=2048, db_index=True)
    quoted: fields.ForeignKeyNullableRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="quote_requests", null=True, on_delete=fields.SET_NULL
    )
    quote_uri = fields.CharField(max_length=2048, db_index=True)
    quote: fields.ForeignKeyNullableRelation["Contribution"] = fields.ForeignKeyField(
        "hit.Contribution", related_name="quote_requests_made", null=True, on_delete=fields.SET_NULL
    )
    requester: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="quote_requests", on_delete=fields.CASCADE
    )
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    authorization_uri = fields.CharField(max_length=2048, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "quote_requests"
