"""The quoting side of FEP-044f: a remix asks the author of its primary source for consent,
and the answer (Accept with a stamp, Reject, or a later Delete of the stamp) becomes a new
version of the remix, sent as an Update.

Answers are matched by the request's `id` alone, as Mastodon 4.5+ does
(app/lib/activitypub/activity/accept.rb `quote_request_from_object`); the answer must come from
the source's author, and an Accept's stamp from that author's server (accept.rb `accept_quote!`:
`non_matching_uri_hosts?(approval_uri, @account.uri)`). What the remix's author sees while
waiting and after a refusal is in docs/quote-consent.md.
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.federation.contribution_documents import publish_version
from fediverse_hit.federation.fetcher import Fetcher
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.http_client import FetchError
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.publishing import Recorder, publish_contribution, republish_contribution
from fediverse_hit.federation.remote_actors import get_remote_actor
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.activities import ParsedActivity
from fediverse_hit.protocol.quote_consent import ConsentState, answer_result, answered_request_id, build_quote_request
from fediverse_hit.services.contribution_rules import Draft, quote_decision
from fediverse_hit.services.quote_consent import ask_consent, consent_changed, consent_of, receive_quote_request, record_stamp
from fediverse_hit.store.models import Actor, Contribution, QuoteRequest, RemixSource

# A request still waiting, or granted, is not sent again; after a refusal or revocation a new
# one may be (a remix edited to address the author's concerns, say).
OPEN_STATES = frozenset({ConsentState.PENDING, ConsentState.ACCEPTED})


async def primary_source(remix: Contribution) -> RemixSource | None:
    """Source 0 of a remix: the one its `quote` points at and whose author is asked."""
    return await RemixSource.filter(remix=remix, position=0).prefetch_related("source").first()


async def request_quote_consent(remix: Contribution, fetcher: Fetcher) -> None:
    """Ask the author of `remix`'s primary source to approve the quote (FEP-044f QuoteRequest,
    `object` = the source, `instrument` = the remix, inlined). A source here is decided at once,
    in-process, by the same rule remote requests meet. Nothing happens for a work that is not a
    remix, or whose request is pending or granted already."""
    primary = await primary_source(remix)
    if primary is None:
        return
    existing = await consent_of(remix)
    if existing is not None and existing.state in OPEN_STATES:
        return
    urls = fetcher.urls
    if primary.source is not None and primary.source.local:
        await _ask_here(remix, primary.source, urls)
        return
    author_uri = primary.author_uris[0] if primary.author_uris else None
    if author_uri is None:
        return
    try:
        author = await get_remote_actor(author_uri, fetcher=fetcher)
    except FetchError:
        return  # the source's author is unreachable: the remix stays pending, without a request
    note = await publish_version(remix, urls)
    request = await ask_consent(remix, urls.new_activity_id(), primary.source_uri, primary.source)
    activity = build_quote_request(request.uri, remix.author.uri, primary.source_uri, note)
    await enqueue_activity(activity, remix.author, [author.inbox])


async def _ask_here(remix: Contribution, source: Contribution, urls: InstanceUrls) -> None:
    """A remix of a work on this server: the request is recorded as its author receives it and
    decided by the same rule; no activity travels."""
    author: Actor = remix.author
    state = await quote_decision(author, source)
    request, _ = await receive_quote_request(urls.new_activity_id(), author, source, remix.uri, remix, state)
    if state == ConsentState.ACCEPTED:
        stamp = urls.quote_authorization(str(source.local_id), request.id)
        await record_stamp(request, stamp)
        await apply_answer(remix, request, state, stamp, urls)
    elif state == ConsentState.REJECTED:
        await apply_answer(remix, request, state, None, urls)


async def _answered(activity: ParsedActivity) -> tuple[QuoteRequest, Contribution] | None:
    """Our request this answer is about, if its actor (the source's author) may answer it."""
    request_id = answered_request_id({"object": activity.object})
    if request_id is None:
        return None
    request = await QuoteRequest.get_or_none(uri=request_id, outgoing=True).prefetch_related("quote")
    if request is None or request.quote is None:
        return None
    primary = await primary_source(request.quote)
    if primary is None or activity.actor not in primary.author_uris:
        return None  # only the source's author answers
    await request.quote.fetch_related("author")
    return request, request.quote


async def handle_quote_answer(activity: ParsedActivity, document: dict[str, Any], urls: InstanceUrls) -> bool:
    """An Accept or Reject of one of our QuoteRequests: recorded, and the remix republished.
    Returns whether the answer was about a QuoteRequest of ours (else it is someone else's to handle)."""
    found = await _answered(activity)
    if found is None:
        return False
    request, remix = found
    if activity.type == "Accept":
        stamp = answer_result(document)
        if stamp is None or host_of(stamp) != host_of(activity.actor) or request.state != ConsentState.PENDING:
            return True  # an Accept without a stamp from the author's own server proves nothing
        await apply_answer(remix, request, ConsentState.ACCEPTED, stamp, urls)
    elif request.state in OPEN_STATES:
        await apply_answer(remix, request, ConsentState.REJECTED, None, urls)
    return True


async def handle_stamp_delete(activity: ParsedActivity, urls: InstanceUrls) -> bool:
    """A Delete of the stamp one of our remixes carries: the approval is revoked (FEP-044f).
    Returns whether the Delete was about such a stamp."""
    stamp = activity.object_id
    if stamp is None:
        return False
    request = await QuoteRequest.get_or_none(authorization_uri=stamp, outgoing=True).prefetch_related("quote")
    if request is None or request.quote is None or host_of(stamp) != host_of(activity.actor):
        return False
    if request.state == ConsentState.ACCEPTED:
        await request.quote.fetch_related("author")
        await apply_answer(request.quote, request, ConsentState.REVOKED, None, urls)
    return True


async def apply_answer(remix: Contribution, request: QuoteRequest, state: ConsentState, stamp: str | None, urls: InstanceUrls) -> None:
    """Record the answer and send the remix's new version (with or without its quote)."""
    await consent_changed(remix, request, state, stamp)
    await republish_contribution(remix, urls)


async def publish_asking_consent(
    author: Actor, draft: Draft, fetcher: Fetcher, *, before_publish: Recorder | None = None
) -> Contribution:
    """Publish a contribution (publishing.publish_contribution, `before_publish` as there); for a
    remix, then ask its primary source's author for consent, so Mastodon shows it as a quote once
    approved."""
    contribution = await publish_contribution(author, draft, fetcher, before_publish=before_publish)
    if draft.sources:
        await request_quote_consent(contribution, fetcher)
    return contribution
