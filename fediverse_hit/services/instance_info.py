"""The instance's own description, set by an admin: its name, what it is about, its rules and a
contact e-mail, shown on the About page (as Mastodon's site title, description, rules and contact).
"""

from __future__ import annotations

from dataclasses import dataclass

from fediverse_hit.errors import ValidationFailed
from fediverse_hit.store.instance_settings import read_setting, write_setting

MAX_NAME = 100
MAX_DESCRIPTION = 3_000
MAX_RULES = 20
MAX_RULE = 300
MAX_EMAIL = 254  # RFC 5321's limit on a path
DEFAULT_NAME = "Fediverse Hit"


@dataclass(frozen=True)
class InstanceInfo:
    name: str
    description: str
    rules: tuple[str, ...]
    contact_email: str


async def get_instance_info() -> InstanceInfo:
    """What is stored, with the software's name when no name was set."""
    rules = await read_setting("instance_rules", [])
    return InstanceInfo(
        name=str(await read_setting("instance_name", "")) or DEFAULT_NAME,
        description=str(await read_setting("instance_description", "")),
        rules=tuple(str(rule) for rule in rules) if isinstance(rules, list) else (),
        contact_email=str(await read_setting("contact_email", "")),
    )


def parse_rules(text: str) -> tuple[str, ...]:
    """One rule per non-empty line."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def check_instance_info(info: InstanceInfo) -> dict[str, str]:
    """Every problem with `info`, by field name (empty when it may be saved)."""
    errors: dict[str, str] = {}
    if not info.name.strip():
        errors["name"] = "Give the instance a name."
    elif len(info.name) > MAX_NAME:
        errors["name"] = f"The name is at most {MAX_NAME} characters."
    if len(info.description) > MAX_DESCRIPTION:
        errors["description"] = f"The description is at most {MAX_DESCRIPTION:,} characters."
    if len(info.rules) > MAX_RULES:
        errors["rules"] = f"At most {MAX_RULES} rules."
    elif any(len(rule) > MAX_RULE for rule in info.rules):
        errors["rules"] = f"Each rule is at most {MAX_RULE} characters."
    email = info.contact_email
    if email and (len(email) > MAX_EMAIL or email.count("@") != 1 or any(c.isspace() for c in email) or "." not in email.split("@")[1]):
        errors["contact_email"] = "Enter an e-mail address such as admin@example.org, or leave it empty."
    if any("\x00" in value for value in (info.name, info.description, email, *info.rules)):
        errors.setdefault("description", "Text cannot contain NUL characters.")
    return errors


async def save_instance_info(info: InstanceInfo) -> None:
    """Store `info`; ValidationFailed (nothing stored) when any field is refused."""
    errors = check_instance_info(info)
    if errors:
        raise ValidationFailed(" ".join(errors.values()))
    await write_setting("instance_name", info.name.strip())
    await write_setting("instance_description", info.description.strip())
    await write_setting("instance_rules", list(info.rules))
    await write_setting("contact_email", info.contact_email.strip())
