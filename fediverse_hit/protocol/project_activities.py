"""Activities a project's Group actor sends (FEP-1b12; DESIGN §7): selecting a submission is an
`Announce` of it (Mastodon shows a boost by the group) plus an `Add` to the project's
`fhit:selected` collection; declining is a `Reject` of it, with the curators' note as `content`;
a curator joins or leaves with an `Add`/`Remove` whose `target` is the curators collection (as
Lemmy's moderators collection). A curator on another server asks the project to act with the
same activity by the curator, the project in `to` and `audience` (`build_curator_request`)."""

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


def build_curator_change(
    kind: str, activity_id: str, group: str, curator: str, curators: str, followers: str, published: datetime
) -> dict[str, Any]:
    """`Add` or `Remove {object: curator, target: curators}` by the project, public, to its
    followers and the curator."""
    if kind not in ("Add", "Remove"):
        raise ValueError(f"not a curator change: {kind}")
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": group,
        "object": curator,
        "target": curators,
        "published": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "to": [PUBLIC_COLLECTION],
        "cc": [followers, curator],
    }


def build_curator_request(
    kind: str, activity_id: str, curator: str, project: str, object_id: str, target: str | None = None, content: str = ""
) -> dict[str, Any]:
    """A remote curator's `Add`/`Remove`/`Reject`, sent by the curator's server to the project's
    inbox: the project is the `audience` and in `to`; the project then acts as itself."""
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": curator,
        "object": object_id,
        "to": [project],
        "audience": project,
    }
    if target is not None:
        document["target"] = target
    if content:
        document["content"] = content
    return document
