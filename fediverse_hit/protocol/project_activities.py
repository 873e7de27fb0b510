"""Activities a project's Group actor sends about submissions (FEP-1b12; DESIGN §7): selecting
one is an `Announce` of it (Mastodon shows a boost by the group) plus an `Add` to the project's
`fhit:selected` collection; declining is a `Reject` of it, with the curators' note as `content`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fediverse_hit.protocol.vocab import AS_CONTEXT, PUBLIC_COLLECTION


def build_selection(
    activity_id: str, group: str, submission: str, selected: str, followers: str, creator: str, published: datetime
) -> dict[str, Any]:
    """`Add {object: submission, target: selected}` by the project, public."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Add",
        "actor": group,
        "object": submission,
        "target": selected,
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": [PUBLIC_COLLECTION],
        "cc": [followers, creator],
    }


def build_decline(
    activity_id: str, group: str, submission: str, creator: str, note: str, audience: Sequence[str] = ()
) -> dict[str, Any]:
    """`Reject {object: submission}` by the project, addressed to the creator alone; `content`
    carries the curators' note when there is one."""
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Reject",
        "actor": group,
        "object": submission,
        "to": [creator, *audience],
    }
    if note:
        document["content"] = note
    return document
