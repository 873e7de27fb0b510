"""Named queries over run-time instance settings (JSON values by key)."""

from __future__ import annotations

from fediverse_hit.store.models import InstanceSetting


async def read_setting(key: str, default: object) -> object:
    """The stored value for `key`, or `default` when it was never set."""
    row = await InstanceSetting.get_or_none(key=key)
    return default if row is None else row.value


async def write_setting(key: str, value: object) -> None:
    """Store `value` under `key`, replacing what was there."""
    await InstanceSetting.update_or_create(key=key, defaults={"value": value})
