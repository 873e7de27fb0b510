"""Likes and boosts by local people, of local or remote contributions, federated both ways.

Shapes follow Mastodon: Like {object: note IRI} to the author's inbox; Announce addressed to
Public with cc the author and the booster's followers; each undone by Undo embedding the
original activity (Mastodon matches the Undo on the embedded id).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fediverse_hit.errors import Forbidden, Gone, NotFound
from fediverse_hit.federation.contribution_documents import sign_document
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import build_undo
from fediverse_hit.protocol.content_activities import build_announce, build_like
from fediverse_hit.protocol.vocab import PUBLIC_COLLECTION
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.contribution_rules import can_boost, can_like, can_view
from fediverse_hit.services.side_effects import contribution_boosted, contribution_liked, reaction_withdrawn
from fediverse_hit.store.follows import list_followers
from fediverse_hit.store.interactions import add_boost, add_like, remove_boost, remove_like
from fediverse_hit.store.models import Actor, Boost, Contribution, Like


async def _send(activity: dict[str, Any], actor: Actor, inboxes: list[str], urls: InstanceUrls) -> None:
    """Queue `activity` with `actor`'s proof (activities are signed like contributions)."""
    if inboxes:
        await enqueue_activity(await sign_document(activity, actor, urls), actor, inboxes)


def _check_live(contribution: Contribution) -> None:
    if contribution.deleted_at is not None:
        raise Gone("This contribution was deleted.")


# What `actor` may not see answers NotFound, as its page does: its existence is not revealed.
_HIDDEN = "No such contribution."


async def like(actor: Actor, contribution: Contribution, urls: InstanceUrls) -> None:
    """`actor` likes `contribution`; its author is told (notification or Like activity)."""
    _check_live(contribution)
    if not await can_like(actor, contribution):
        raise NotFound(_HIDDEN)
    record, created = await add_like(actor, contribution, urls.new_activity_id())
    if not created:
        return
    await contribution_liked(actor, contribution)
    author: Actor = contribution.author
    if not author.local:
        await _send(build_like(record.activity_uri, actor.uri, contribution.uri), actor, inboxes_for([author]), urls)


async def unlike(actor: Actor, contribution: Contribution, urls: InstanceUrls) -> None:
    """Take back a like, with Undo(Like) when the author is remote."""
    record = await Like.get_or_none(actor=actor, contribution=contribution)
    if record is None or not await remove_like(actor, contribution):
        return
    await reaction_withdrawn(NotificationKind.LIKE, actor, contribution.id)
    author: Actor = contribution.author
    if not author.local:
        undone = build_like(record.activity_uri, actor.uri, contribution.uri)
        await _send(build_undo(urls.new_activity_id(), actor.uri, undone), actor, inboxes_for([author]), urls)


def _announce(record: Boost, actor: Actor, contribution: Contribution, urls: InstanceUrls) -> dict[str, Any]:
    followers = urls.actor_collection(actor.kind, actor.username, "followers")
    return build_announce(
        record.activity_uri, actor.uri, contribution.uri, record.created_at.astimezone(UTC),
        [PUBLIC_COLLECTION], [contribution.author.uri, followers],
    )


async def _boost_audience(actor: Actor, contribution: Contribution) -> list[str]:
    return inboxes_for([*await list_followers(actor), contribution.author])


async def boost(actor: Actor, contribution: Contribution, urls: InstanceUrls) -> None:
    """Boost a public or unlisted contribution to `actor`'s followers."""
    _check_live(contribution)
    if not await can_view(actor, contribution):
        raise NotFound(_HIDDEN)
    if not await can_boost(actor, contribution):
        raise Forbidden("Only public and unlisted contributions can be boosted.")
    record, created = await add_boost(actor, contribution, urls.new_activity_id())
    if not created:
        return
    await contribution_boosted(actor, contribution)
    inboxes = await _boost_audience(actor, contribution)
    await _send(_announce(record, actor, contribution, urls), actor, inboxes, urls)


async def unboost(actor: Actor, contribution: Contribution, urls: InstanceUrls) -> None:
    """Take back a boost, with Undo(Announce) to everyone the Announce went to."""
    record = await Boost.get_or_none(actor=actor, contribution=contribution)
    if record is None or not await remove_boost(actor, contribution):
        return
    await reaction_withdrawn(NotificationKind.BOOST, actor, contribution.id)
    undo = build_undo(urls.new_activity_id(), actor.uri, _announce(record, actor, contribution, urls))
    await _send(undo, actor, await _boost_audience(actor, contribution), urls)
