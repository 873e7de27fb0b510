"""The generated avatar of a person without one: their initials on a colour taken from their IRI,
the same on every page and every visit (Mastodon shows one grey picture for everyone; initials
tell people apart). Drawn by the `avatar` macro in templates/profile_macros.html."""

from __future__ import annotations

import hashlib
from typing import Any

from fediverse_hit.store.models import Actor


def initials_of(name: str) -> str:
    """Up to two capital letters from the first words of `name` ("Ada Lovelace" → "AL")."""
    words = [word for word in name.replace("_", " ").replace(".", " ").split() if word[0].isalnum()]
    letters = "".join(word[0] for word in words[:2]).upper()
    return letters or "?"


def hue_of(uri: str) -> int:
    """A hue (0–359) fixed for an actor IRI."""
    return int.from_bytes(hashlib.sha256(uri.encode()).digest()[:2], "big") % 360


def default_avatar(actor: Actor) -> dict[str, Any]:
    """What the generated avatar draws: initials and a hue."""
    return {"initials": initials_of(actor.name or actor.username), "hue": hue_of(actor.uri)}
