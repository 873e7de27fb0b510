"""Named queries over run-time instance settings (JSON values by key)."""

from __future__ import annotations

from fediverse_hit.store.models import InstanceSetting

# Tortoise's JSONField parses any `str` it is given as JSON text, so a bare string value such as
# "closed" would be refused; every value is therefore stored wrapped as {"value": …}.
_WRAPPER = "value"


async def read_setting(key: str, default: object) -> object:
    """The stored value for `key`, or `default` when it was never set."""
    row = await InstanceSetting.get_or_none(key=key)
    if row is None or not isinstance(row.value, dict) or _WRAPPER not in row.value:
        return default
    return row.value[_WRAPPER]


async def write_setting(key: str, value: object) -> None:
    """Store `value` under `key`, replacing what was there."""
    await InstanceSetting.update_or_create(key=key, defaults={"value": {_WRAPPER: value}})
