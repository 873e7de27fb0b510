"""Rate-limit counters: hits per (bucket, key, fixed time window), shared by every web process."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateLimitCounter(Model):
    """How often one key (a client address, an account from an address) hit one bucket in one window."""

    id = fields.BigIntField(primary_key=True)
    bucket = fields.CharField(max_length=32)
    key = fields.CharField(max_length=255)
    window_start = fields.BigIntField()  # Unix seconds, a multiple of the bucket's period
    hits = fields.IntField(default=0)
    expires_at = fields.BigIntField(db_index=True)  # Unix seconds after which the row may be pruned

    class Meta:
        table = "rate_limit_counters"
        unique_together = (("bucket", "key", "window_start"),)
