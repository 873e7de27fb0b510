"""Publishing local contributions: create, edit, delete and pin, each signed and federated.

Web pages and the client-to-server outbox call these; each runs the service change, keeps the
signed version, tells local people (`services/side_effects.py`, as for inbound posts), and
queues the activity for every server that should see it (DESIGN §7): followers and mentioned
people for public, unlisted and followers-only contributions, only the mentioned people for
direct ones. A remix (a Draft with sources) first has every source pinned
(`source_pinning.py`); its credited creators are mentioned, so they receive it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from fediverse_hit.errors import NotFound
from fediverse_hit.federation.contribution_documents import publish_version, sign_document
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity, inboxes_for
from fediverse_hit.federation.payment_comments import proposal_project
from fediverse_hit.federation.remote_actors import get_remote_actor, resolve_handle
from fediverse_hit.federation.source_pinning import pin_sources
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import build_collection_change
from fediverse_hit.protocol.content_activities import build_create, build_delete_note, build_update
from fediverse_hit.protocol.markup import extract_mention_handles
from fediverse_hit.protocol.remix_sources import DEFAULT_UPSTREAM_SHARE
from fediverse_hit.protocol.vocabulary import ActivityType, Visibility
from fediverse_hit.services import contributions as service
from fediverse_hit.services.contribution_rules import Draft, can_reply, check_draft, is_open
from fediverse_hit.services.remixes import PinnedSource, choose_remix_licence, create_remix
from fediverse_hit.services.side_effects import contribution_published
from fediverse_hit.store.actors import find_actor_by_uri
from fediverse_hit.store.contributions import find_contribution_by_uri, mentioned_actors
from fediverse_hit.store.follows import list_followers
from fediverse_hit.store.models import Actor, Contribution


Recorder = Callable[[Contribution], Awaitable[object]]


async def resolve_mentions(source: str, fetcher: Fetcher) -> dict[str, Actor]:
    """The actors behind the `@user` / `@user@host` handles in `source`, by lower-cased handle.
    Handles that do not resolve stay plain text, as on Mastodon."""
    resolved: dict[str, Actor] = {}
    for handle in extract_mention_handles(source):
        full = handle if "@" in handle else f"{handle}@{fetcher.urls.domain}"
        try:
            resolved[handle] = await resolve_handle(full, fetcher=fetcher)
        except FetchError:
            continue
    return resolved


async def resolve_addressed(iris: tuple[str, ...], fetcher: Fetcher) -> list[Actor]:
    """The actors a client addressed directly; collections and unknown IRIs are skipped."""
    actors = []
    for iri in iris:
        local = await find_actor_by_uri(iri)
        if local is not None:
            actors.append(local)
            continue
        try:
            actors.append(await get_remote_actor(iri, fetcher=fetcher))
        except FetchError:
            continue
    return actors


async def _parent(author: Actor, draft: Draft, fetcher: Fetcher) -> tuple[Contribution | None, Draft]:
    """The contribution replied to, and the draft; a reply to another server's payment proposal
    (a comment on it) has no parent here and is addressed to the proposal's project."""
    if draft.in_reply_to is None:
        return None, draft
    parent = await find_contribution_by_uri(draft.in_reply_to)
    if parent is None and not fetcher.urls.is_local(draft.in_reply_to):
        project = await proposal_project(draft.in_reply_to, fetcher)
        if project is not None:
            return None, replace(draft, addressed=(*draft.addressed, project))
    if parent is None or not await can_reply(author, parent):
        raise NotFound("The contribution you are replying to is not known here.")
    return parent, draft


async def _audience(contribution: Contribution) -> tuple[list[Actor], list[Actor]]:
    """(everyone who should receive it, the mentioned people among them)."""
    mentioned = await mentioned_actors(contribution)
    if contribution.visibility == Visibility.DIRECT:
        return mentioned, mentioned
    return [*await list_followers(contribution.author), *mentioned], mentioned


async def _deliver(activity: dict[str, Any], contribution: Contribution, urls: InstanceUrls) -> None:
    recipients, _ = await _audience(contribution)
    inboxes = inboxes_for(recipients)
    if inboxes:
        signed = await sign_document(activity, contribution.author, urls)
        await enqueue_activity(signed, contribution.author, inboxes)


async def _credited(author: Actor, pinned: tuple[PinnedSource, ...], fetcher: Fetcher) -> list[Actor]:
    """The creators of a remix's sources (not its own author), each once, to be mentioned."""
    uris = dict.fromkeys(uri for entry in pinned for uri in entry.source.authors if uri != author.uri)
    return await resolve_addressed(tuple(uris), fetcher)


async def publish_contribution(
    author: Actor, draft: Draft, fetcher: Fetcher, *, before_publish: Recorder | None = None
) -> Contribution:
    """Create a contribution (a remix when `draft.sources` names any) and send `Create` to its
    audience. `before_publish` records what the contribution is besides (a project's challenge or
    work) before its first version is built and signed."""
    urls = fetcher.urls
    parent, draft = await _parent(author, draft, fetcher)
    pinned: tuple[PinnedSource, ...] = ()
    if draft.sources:
        check_draft(draft)  # refuse a bad draft before fetching any source
        pinned = await pin_sources(author, draft.sources, fetcher)
        draft = replace(draft, license=await choose_remix_licence(draft.license, pinned))
    mentions = await resolve_mentions(draft.source, fetcher)
    addressed = [*await resolve_addressed(draft.addressed, fetcher), *await _credited(author, pinned, fetcher)]
    if pinned:
        share = DEFAULT_UPSTREAM_SHARE if draft.upstream_share is None else draft.upstream_share
        contribution = await create_remix(
            author, draft, pinned, share, parent=parent, mentions=mentions, iris=urls, addressed=addressed
        )
    else:
        contribution = await service.create_contribution(
            author, draft, parent=parent, mentions=mentions, iris=urls, addressed=addressed
        )
    if before_publish is not None:
        await before_publish(contribution)
    note = await publish_version(contribution, urls)
    await contribution_published(contribution)
    await _deliver(build_create(urls.contribution_activity(str(contribution.local_id)), note), contribution, urls)
    return contribution


async def edit_contribution(
    author: Actor, contribution: Contribution, draft: Draft, fetcher: Fetcher, *, files: Sequence[int] | None = None
) -> Contribution:
    """Keep a new version of `contribution` and send `Update` with it (`files` as in
    services.contributions.edit_contribution)."""
    urls = fetcher.urls
    mentions = await resolve_mentions(draft.source, fetcher)
    addressed = await resolve_addressed(draft.addressed, fetcher)
    contribution = await service.edit_contribution(
        author, contribution, draft, mentions=mentions, iris=urls, addressed=addressed, files=files
    )
    note = await publish_version(contribution, urls)
    await contribution_published(contribution)
    await _deliver(build_update(urls.new_activity_id(), note), contribution, urls)
    return contribution


async def delete_contribution(author: Actor, contribution: Contribution, urls: InstanceUrls) -> None:
    """Delete `contribution` (410 from now on) and send `Delete` with a Tombstone."""
    recipients, _ = await _audience(contribution)
    await service.delete_contribution(author, contribution)
    note = await publish_version(contribution, urls)
    delete = build_delete_note(urls.new_activity_id(), author.uri, contribution.uri, note["to"], note["cc"])
    inboxes = inboxes_for(recipients)
    if inboxes:
        await enqueue_activity(await sign_document(delete, author, urls), author, inboxes)


async def set_pinned(author: Actor, contribution: Contribution, pinned: bool, urls: InstanceUrls) -> None:
    """Pin or unpin, and tell followers' servers with Add/Remove on the featured collection."""
    was_pinned = contribution.pinned_at is not None
    await service.set_pinned(author, contribution, pinned)
    if was_pinned == pinned or not is_open(contribution):
        return  # the featured collection lists only public and unlisted contributions
    change = build_collection_change(
        ActivityType.ADD if pinned else ActivityType.REMOVE, urls.new_activity_id(), author.uri, contribution.uri,
        urls.actor_collection(author.kind, author.username, "featured"),
    )
    inboxes = inboxes_for(await list_followers(author))
    if inboxes:
        await enqueue_activity(change, author, inboxes)


async def republish_contribution(contribution: Contribution, urls: InstanceUrls) -> dict[str, Any]:
    """Keep and send (`Update`) the version a service change made without an edit by the author
    (a remix whose quote consent changed: `services/quote_consent.consent_changed`)."""
    note = await publish_version(contribution, urls)
    await _deliver(build_update(urls.new_activity_id(), note), contribution, urls)
    return note
