"""Building and parsing the activities of following and profiles, in the shapes Mastodon sends.

Facts from Mastodon's serializers (app/serializers/activitypub/): Accept and Reject embed the
original Follow with its id; Undo embeds the whole activity it undoes; Update(Person) and
Delete(Person) are addressed to the public collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fediverse_hit.protocol.vocab import AS_CONTEXT, PUBLIC_COLLECTION


class ActivityShapeError(ValueError):
    """An activity that lacks what its type requires (missing actor, object of the wrong kind)."""


def build_follow(activity_id: str, actor: str, target: str) -> dict[str, Any]:
    """`actor` asks to follow `target`."""
    return {"@context": AS_CONTEXT, "id": activity_id, "type": "Follow", "actor": actor, "object": target}


def build_response(
    kind: str, activity_id: str, actor: str, follow: dict[str, Any]
) -> dict[str, Any]:
    """Accept or Reject of a Follow, embedding the Follow (without its @context) as received."""
    if kind not in ("Accept", "Reject"):
        raise ValueError(f"not a follow response: {kind}")
    embedded = {key: value for key, value in follow.items() if key != "@context"}
    return {"@context": AS_CONTEXT, "id": activity_id, "type": kind, "actor": actor, "object": embedded}


def build_undo(activity_id: str, actor: str, undone: dict[str, Any]) -> dict[str, Any]:
    """Undo of an activity we sent, embedding it whole (Mastodon matches on the embedded id)."""
    embedded = {key: value for key, value in undone.items() if key != "@context"}
    return {"@context": AS_CONTEXT, "id": activity_id, "type": "Undo", "actor": actor, "object": embedded}


def build_block(activity_id: str, actor: str, target: str) -> dict[str, Any]:
    """`actor` blocks `target` (Mastodon removes the follow relationships both ways)."""
    return {"@context": AS_CONTEXT, "id": activity_id, "type": "Block", "actor": actor, "object": target}


def build_update_actor(activity_id: str, actor_document: dict[str, Any]) -> dict[str, Any]:
    """Update(Person): the new actor document, addressed publicly."""
    embedded = {key: value for key, value in actor_document.items() if key != "@context"}
    return {
        "@context": actor_document.get("@context", AS_CONTEXT),
        "id": activity_id,
        "type": "Update",
        "actor": actor_document["id"],
        "to": [PUBLIC_COLLECTION],
        "object": embedded,
    }


def build_delete_actor(activity_id: str, actor: str) -> dict[str, Any]:
    """Delete(Person): the account is gone; the actor URL answers 410 from now on."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Delete",
        "actor": actor,
        "to": [PUBLIC_COLLECTION],
        "object": actor,
    }


@dataclass(frozen=True)
class ParsedActivity:
    """The fields every handler needs: id, type, actor IRI, and the object as IRI or dict."""

    id: str
    type: str
    actor: str
    object: str | dict[str, Any] | None

    @property
    def object_id(self) -> str | None:
        """The object's IRI, whether it was sent by reference or embedded."""
        if isinstance(self.object, str):
            return self.object
        if isinstance(self.object, dict):
            value = self.object.get("id")
            return value if isinstance(value, str) else None
        return None

    @property
    def object_type(self) -> str | None:
        if isinstance(self.object, dict):
            value = self.object.get("type")
            return value if isinstance(value, str) else None
        return None


def parse_activity(document: Any) -> ParsedActivity:
    """Check the common shape of an inbound activity; ActivityShapeError says what is wrong."""
    if not isinstance(document, dict):
        raise ActivityShapeError("an activity must be a JSON object")
    activity_id, kind = document.get("id"), document.get("type")
    actor = document.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    if not isinstance(activity_id, str) or not activity_id.startswith(("https://", "http://")):
        raise ActivityShapeError("the activity needs an absolute `id`")
    if not isinstance(kind, str) or not kind:
        raise ActivityShapeError("the activity needs a single string `type`")
    if not isinstance(actor, str) or not actor.startswith(("https://", "http://")):
        raise ActivityShapeError("the activity needs an `actor` IRI")
    obj = document.get("object")
    if obj is not None and not isinstance(obj, (str, dict)):
        raise ActivityShapeError("`object` must be an IRI or an object")
    return ParsedActivity(id=activity_id, type=kind, actor=actor, object=obj)


def build_collection_change(
    kind: str, activity_id: str, actor: str, object_id: str, target: str
) -> dict[str, Any]:
    """Add or Remove of `object_id` to/from the collection `target` (Mastodon pins and unpins a
    post by sending Add/Remove with the actor's `featured` collection as target)."""
    if kind not in ("Add", "Remove"):
        raise ValueError(f"not a collection change: {kind}")
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor,
        "object": object_id,
        "target": target,
    }
