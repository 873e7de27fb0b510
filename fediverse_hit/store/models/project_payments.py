"""Payments as a project's server keeps them (DESIGN §7): earnings of works, the proposal each
opens (the credits it was computed from, its status and comment window), comments on it,
curators' adjustments (a public audit log, each with its reason) and the statement sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from fediverse_hit.protocol.vocabulary import ProposalStatus

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor
    from fediverse_hit.store.models.project_works import ProjectWork
    from fediverse_hit.store.models.projects import Project


class ProjectEarning(Model):
    """What a work earned: integer minor units of one ISO 4217 currency, less costs."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation["Project"] = fields.ForeignKeyField(
        "hit.Project", related_name="earnings", on_delete=fields.CASCADE
    )
    work: fields.ForeignKeyRelation["ProjectWork"] = fields.ForeignKeyField(
        "hit.ProjectWork", related_name="earnings", on_delete=fields.CASCADE
    )
    amount = fields.BigIntField()
    costs = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3)
    note = fields.CharField(max_length=500, default="")  # where the money came from
    earned_on = fields.DateField()
    recorded_by: fields.ForeignKeyNullableRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="recorded_earnings", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "project_earnings"


class PaymentProposal(Model):
    """The proposal an earning opens: the exact credit shares and pool share it was computed
    from (`shares` maps actor IRI to "n/d"), open for comments until `ends_at`, then final."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation["Project"] = fields.ForeignKeyField(
        "hit.Project", related_name="payment_proposals", on_delete=fields.CASCADE
    )
    earning: fields.OneToOneRelation[ProjectEarning] = fields.OneToOneField(
        "hit.ProjectEarning", related_name="proposal", on_delete=fields.CASCADE
    )
    credits_uri = fields.CharField(max_length=2048)
    shares: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    pool_bp = fields.IntField()
    status = fields.CharEnumField(ProposalStatus, max_length=16, default=ProposalStatus.OPEN)
    ends_at = fields.DatetimeField()
    published = fields.CharField(max_length=64)
    finalized_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    adjustments: fields.ReverseRelation[PaymentAdjustment]
    comments: fields.ReverseRelation[PaymentComment]

    class Meta:
        table = "payment_proposals"


class PaymentAdjustment(Model):
    """A curator moved `amount` from one line to another, saying why (public, never edited)."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[PaymentProposal] = fields.ForeignKeyField(
        "hit.PaymentProposal", related_name="adjustments", on_delete=fields.CASCADE
    )
    source_uri = fields.CharField(max_length=2048)
    target_uri = fields.CharField(max_length=2048)
    amount = fields.BigIntField()
    reason = fields.CharField(max_length=500)
    made_by: fields.ForeignKeyNullableRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="payment_adjustments", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_adjustments"


class PaymentComment(Model):
    """A reply to a proposal (a Note whose inReplyTo is the proposal), from here or elsewhere."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[PaymentProposal] = fields.ForeignKeyField(
        "hit.PaymentProposal", related_name="comments", on_delete=fields.CASCADE
    )
    uri = fields.CharField(max_length=2048, unique=True)
    author: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="payment_comments", on_delete=fields.CASCADE
    )
    content_html = fields.TextField()
    note_json = fields.TextField()
    published = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_comments"


class SentStatement(Model):
    """The statement that finalized a proposal, as the project signed and sent it (one only)."""

    id = fields.IntField(primary_key=True)
    proposal: fields.OneToOneRelation[PaymentProposal] = fields.OneToOneField(
        "hit.PaymentProposal", related_name="statement", on_delete=fields.CASCADE
    )
    uri = fields.CharField(max_length=2048, unique=True)
    document_json = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sent_statements"
