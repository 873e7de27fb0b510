"""Visibility ↔ `to`/`cc` addressing of posts, exactly as Mastodon derives them.

Building follows Mastodon's app/lib/activitypub/tag_manager.rb (`to`, `cc`); reading follows
app/lib/activitypub/parser/status_parser.rb (`visibility`) and `public_collection?`.
"""

from __future__ import annotations

from collections.abc import Sequence

from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION
from fediverse_hit.protocol.vocabulary import Visibility

VISIBILITIES = tuple(Visibility)

# Mastodon's `public_collection?`: the compacted forms mean the same collection.
_PUBLIC_FORMS = frozenset({PUBLIC_COLLECTION, "as:Public", "Public"})


def is_public_collection(iri: object) -> bool:
    """Whether an audience entry names the public collection (full IRI, `as:Public` or `Public`)."""
    return isinstance(iri, str) and iri in _PUBLIC_FORMS


def addressing_for(
    visibility: str, followers: str, mentioned: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(to, cc) of a post by an author whose followers collection is `followers`."""
    mentions = list(dict.fromkeys(mentioned))
    if visibility == Visibility.PUBLIC:
        return [PUBLIC_COLLECTION], [followers, *mentions]
    if visibility == Visibility.UNLISTED:
        return [followers], [PUBLIC_COLLECTION, *mentions]
    if visibility == Visibility.FOLLOWERS:
        return [followers], mentions
    if visibility == Visibility.DIRECT:
        return mentions, []
    raise ValueError(f"unknown visibility: {visibility!r}")


def visibility_from(to: Sequence[str], cc: Sequence[str], followers: str | None) -> Visibility:
    """The visibility Mastodon gives a post addressed this way (its `limited` counts as direct)."""
    if any(is_public_collection(entry) for entry in to):
        return Visibility.PUBLIC
    if any(is_public_collection(entry) for entry in cc):
        return Visibility.UNLISTED
    if followers is not None and followers in to:
        return Visibility.FOLLOWERS
    return Visibility.DIRECT
