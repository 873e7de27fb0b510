"""Instance-wide settings an admin changes at run time (registration mode, name, default licence)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class InstanceSetting(Model):
    """One setting as a JSON value under a unique key."""

    key = fields.CharField(max_length=100, primary_key=True)
    value: fields.Field[object] = fields.JSONField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "instance_settings"
