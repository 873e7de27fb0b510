"""Telling other servers about changes to a local account: Update(Person) after a profile
edit, Delete(Person) when the account is deleted (sent before the account goes away)."""

from __future__ import annotations

from fediverse_hit.federation.actor_documents import actor_to_ap
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import build_delete_actor, build_update_actor
from fediverse_hit.services.accounts import delete_account
from fediverse_hit.store.actors import list_active_keys
from fediverse_hit.store.follows import list_followed, list_followers
from fediverse_hit.store.models import Account, Actor


async def send_actor_update(actor: Actor, urls: InstanceUrls) -> None:
    """Send the current actor document to every follower's server."""
    followers = await list_followers(actor)
    if not followers:
        return
    document = actor_to_ap(actor, await list_active_keys(actor), urls)
    await enqueue_activity(build_update_actor(urls.new_activity_id(), document), actor, inboxes_for(followers))


async def delete_and_announce(account: Account, urls: InstanceUrls) -> None:
    """Queue Delete(Person) to everyone who follows or was followed, then delete the account.

    The deliveries keep the actor's key, so they are still signed after the account is gone.
    """
    actor = await account.actor
    recipients = inboxes_for([*await list_followers(actor), *await list_followed(actor)])
    if recipients:
        await enqueue_activity(build_delete_actor(urls.new_activity_id(), actor.uri), actor, recipients)
    await delete_account(account)
