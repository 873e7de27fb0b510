"""Durable federation work: inbox items to process, outgoing activities and their deliveries,
the health of remote hosts, and blocked domains (DESIGN §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from fediverse_hit.store.models.actors import Actor


class InboxItem(Model):
    """One accepted inbound activity, body stored verbatim, processed later by the worker."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.CharField(max_length=2048, unique=True)
    activity_type = fields.CharField(max_length=64)
    actor_uri = fields.CharField(max_length=2048)
    signer_key_id = fields.CharField(max_length=2048, default="")
    body = fields.TextField()
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    locked_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox_items"


class OutgoingActivity(Model):
    """An activity we publish, serialized once and shared by all its deliveries."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.CharField(max_length=2048, unique=True)
    sender: fields.ForeignKeyRelation["Actor"] = fields.ForeignKeyField(
        "hit.Actor", related_name="outgoing_activities", on_delete=fields.CASCADE
    )
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outgoing_activities"


class Delivery(Model):
    """One (activity, target inbox) pair: attempted until delivered, given up or permanently refused."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[OutgoingActivity] = fields.ForeignKeyField(
        "hit.OutgoingActivity", related_name="deliveries", on_delete=fields.CASCADE
    )
    inbox_url = fields.CharField(max_length=2048)
    host = fields.CharField(max_length=255, db_index=True)
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    locked_until = fields.DatetimeField(null=True)
    last_status = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "deliveries"
        unique_together = (("activity", "inbox_url"),)


class HostHealth(Model):
    """How a remote host has answered us: circuit breaker state and days with failures."""

    host = fields.CharField(max_length=255, primary_key=True)
    consecutive_failures = fields.IntField(default=0)
    failure_days: fields.Field[list[str]] = fields.JSONField(default=list)
    circuit_open_until = fields.DatetimeField(null=True)
    unavailable_since = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "host_health"


class DomainBlock(Model):
    """A remote domain whose activities we refuse (403) and to which we deliver nothing."""

    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "domain_blocks"
