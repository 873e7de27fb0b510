"""Activities about contributions: Create, Update, Delete, Like, Announce, and the Tombstone we serve.

Shapes from Mastodon's app/serializers/activitypub/ (activity_serializer.rb, delete_serializer.rb,
like_serializer.rb) and tag_manager.rb for a boost's audience. Undo: activities.build_undo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fediverse_hit.protocol.notes import format_datetime
from fediverse_hit.protocol.vocab import AS_CONTEXT


def build_create(activity_id: str, note: Mapping[str, Any]) -> dict[str, Any]:
    """Create of a (signed) Note: actor, audience and date copied from it, object without @context.

    The activity's @context is the note's, so a verifier of the embedded object's proof puts
    that @context back on the object first (the proof repeats it, so a mismatch still fails).
    """
    return _wrap("Create", activity_id, note)


def build_update(activity_id: str, note: Mapping[str, Any]) -> dict[str, Any]:
    """Update of an edited Note; the note must carry `updated`, which the activity repeats."""
    if not isinstance(note.get("updated"), str):
        raise ValueError("an Update needs the note's `updated` date")
    activity = _wrap("Update", activity_id, note)
    activity["updated"] = note["updated"]
    return activity


def _wrap(kind: str, activity_id: str, note: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "@context": note.get("@context", AS_CONTEXT),
        "id": activity_id,
        "type": kind,
        "actor": note["attributedTo"],
        "published": note["published"],
        "to": list(note.get("to", [])),
        "cc": list(note.get("cc", [])),
        "object": {key: value for key, value in note.items() if key != "@context"},
    }


def build_delete_note(
    activity_id: str, actor: str, object_id: str, to: Sequence[str], cc: Sequence[str]
) -> dict[str, Any]:
    """Delete of a contribution, its object a Tombstone carrying the id (Mastodon's DeleteSerializer)."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Delete",
        "actor": actor,
        "to": list(to),
        "cc": list(cc),
        "object": {"id": object_id, "type": "Tombstone"},
    }


def build_tombstone(object_id: str, deleted: datetime, former_type: str = "Note") -> dict[str, Any]:
    """What a deleted contribution's IRI answers, with status 410."""
    return {
        "@context": AS_CONTEXT,
        "id": object_id,
        "type": "Tombstone",
        "formerType": former_type,
        "deleted": format_datetime(deleted),
    }


def build_like(activity_id: str, actor: str, object_id: str) -> dict[str, Any]:
    """`actor` likes the object (Mastodon's LikeSerializer: no audience)."""
    return {"@context": AS_CONTEXT, "id": activity_id, "type": "Like", "actor": actor, "object": object_id}


def build_announce(
    activity_id: str,
    actor: str,
    object_id: str,
    published: datetime,
    to: Sequence[str],
    cc: Sequence[str],
) -> dict[str, Any]:
    """`actor` boosts the object (by reference, as Mastodon sends it)."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Announce",
        "actor": actor,
        "published": format_datetime(published),
        "to": list(to),
        "cc": list(cc),
        "object": object_id,
    }
