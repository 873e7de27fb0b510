"""Sending what follow relationships need: Follow, Accept, Reject, Undo(Follow) and Block.

Each function records nothing itself; it turns a change the services made into activities
queued for delivery. Local-to-local relationships need no activity at all.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import build_block, build_follow, build_response, build_undo
from fediverse_hit.store.models import Actor, Follow


def follow_document(follow_id: str, follower: Actor, followed: Actor) -> dict[str, Any]:
    """The Follow activity with id `follow_id`, as it was sent."""
    return build_follow(follow_id, follower.uri, followed.uri)


async def send_follow(follow: Follow, follower: Actor, followed: Actor) -> None:
    """Ask a remote account's server to accept `follower`."""
    if followed.local:
        return
    await enqueue_activity(follow_document(follow.activity_uri, follower, followed), follower, [followed.inbox])


async def send_follow_answer(
    kind: str, follow_id: str, follower: Actor, followed: Actor, urls: InstanceUrls
) -> None:
    """Accept or Reject a remote follower's Follow `follow_id`, embedding it with that id."""
    if follower.local:
        return
    follow = follow_document(follow_id, follower, followed)
    answer = build_response(kind, urls.new_activity_id(), followed.uri, follow)
    await enqueue_activity(answer, followed, [follower.inbox])


async def send_undo_follow(undo_id: str, follow: Follow, follower: Actor, followed: Actor) -> None:
    """Tell a remote account's server that `follower` no longer follows it."""
    if followed.local:
        return
    undo = build_undo(undo_id, follower.uri, follow_document(follow.activity_uri, follower, followed))
    await enqueue_activity(undo, follower, [followed.inbox])


async def send_block(blocker: Actor, blocked: Actor, urls: InstanceUrls) -> None:
    """Tell a remote account's server that `blocker` blocks it (it then drops the follows too)."""
    if blocked.local:
        return
    await enqueue_activity(build_block(urls.new_activity_id(), blocker.uri, blocked.uri), blocker, [blocked.inbox])
