"""Username rules: Mastodon's `preferredUsername` shape, a length cap and reserved names."""

from __future__ import annotations

import re

from fediverse_hit.errors import ValidationFailed

USERNAME_PATTERN = re.compile(r"^[a-z0-9_]+([.-]+[a-z0-9_]+)*$")
MAX_USERNAME_LENGTH = 30  # Mastodon's limit for local usernames

# Names that would impersonate staff (Mastodon's default reserved list) or shadow our routes.
RESERVED_USERNAMES = frozenset(
    {
        "admin", "administrator", "help", "mod", "moderator", "root", "support", "webmaster",
        "about", "actor", "api", "contributions", "explore", "healthz", "inbox", "instance",
        "login", "logout", "media", "metrics", "nodeinfo", "outbox", "projects", "search",
        "settings", "signup", "static", "users", "well-known",
    }
)


def normalize_username(raw: str, *, allow_reserved: bool = False) -> str:
    """The canonical (lower-case, trimmed) form of a username, or ValidationFailed saying why not.

    `allow_reserved` lets an operator (CLI) take a reserved name such as `admin`.
    """
    name = raw.strip().lower()
    if not name:
        raise ValidationFailed("Choose a username.")
    if len(name) > MAX_USERNAME_LENGTH:
        raise ValidationFailed(f"Usernames are at most {MAX_USERNAME_LENGTH} characters.")
    if not USERNAME_PATTERN.match(name):
        raise ValidationFailed(
            "Usernames use lower-case letters, digits and underscores, "
            "with single dots or dashes between them."
        )
    if name in RESERVED_USERNAMES and not allow_reserved:
        raise ValidationFailed("That username is reserved.")
    return name
