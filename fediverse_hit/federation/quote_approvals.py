"""The quoted side of FEP-044f: requests to quote our works answered by each work's policy,
approval by hand, the QuoteAuthorization stamps we serve, and their revocation by Delete.

Mastodon 4.5+ (app/lib/activitypub/activity/quote_request.rb) answers only requests whose id
is on the requester's server and whose quote post is the requester's; it replies
Accept{object: request, result: stamp} or Reject{object: request} to the requester's inbox, and
revokes with a Delete of the stamp (app/lib/activitypub/activity/delete.rb `revoke_quote`).
"""

from __future__ import annotations

from typing import Any

from fediverse_hit.errors import Gone, NotFound
from fediverse_hit.federation.host_health import host_of
from fediverse_hit.federation.outbox import enqueue_activity
from fediverse_hit.federation.quote_requests import apply_answer
from fediverse_hit.federation.urls import InstanceUrls
from fediverse_hit.protocol.quote_consent import (
    ConsentState,
    ParsedQuoteRequest,
    build_quote_answer,
    build_quote_authorization,
    build_stamp_delete,
)
from fediverse_hit.services.contribution_rules import quote_decision
from fediverse_hit.services.quote_consent import (
    decide_by_hand,
    pending_request_of,
    receive_quote_request,
    record_stamp,
    revoke_request,
)
from fediverse_hit.store.contributions import find_contribution_by_uri
from fediverse_hit.store.models import Actor, Contribution, QuoteRequest
from fediverse_hit.store.quote_requests import find_quote_request, find_quote_request_by_id


def stamp_uri(request: QuoteRequest, urls: InstanceUrls) -> str:
    assert request.quoted is not None
    return urls.quote_authorization(str(request.quoted.local_id), request.id)


def well_formed(parsed: ParsedQuoteRequest, actor: str) -> bool:
    """The request is the actor's own (its id on their server), about a post of theirs."""
    if parsed.actor != actor or host_of(parsed.id) != host_of(actor) or host_of(parsed.instrument) != host_of(actor):
        return False
    inlined = parsed.instrument_document
    if inlined is None:
        return True
    author = inlined.get("attributedTo")
    return (author.get("id") if isinstance(author, dict) else author) == actor


async def answer_quote_request(parsed: ParsedQuoteRequest, requester: Actor, quoted: Contribution, urls: InstanceUrls) -> None:
    """Answer by the work's policy: Accept with a new stamp, Reject, or leave it pending for the
    author (who is notified). A request already recorded is not answered twice."""
    if await find_quote_request(parsed.id, outgoing=False) is not None:
        return
    state = await quote_decision(requester, quoted)
    quote = await find_contribution_by_uri(parsed.instrument)
    request, created = await receive_quote_request(parsed.id, requester, quoted, parsed.instrument, quote, state)
    if not created:
        return
    request.quoted = quoted
    request.requester = requester
    if state == ConsentState.ACCEPTED:
        await record_stamp(request, stamp_uri(request, urls))
    if state != ConsentState.PENDING:
        await send_answer(request, state, urls)


async def send_answer(request: QuoteRequest, state: ConsentState, urls: InstanceUrls) -> None:
    """Accept or Reject `request` to its requester; a requester here gets the answer applied."""
    requester: Actor = request.requester
    if requester.local:
        if request.quote is not None:
            remix: Contribution = request.quote
            await remix.fetch_related("author")
            await apply_answer(remix, request, state, request.authorization_uri, urls)
        return
    quoted: Contribution = request.quoted  # type: ignore[assignment]
    await quoted.fetch_related("author")
    parsed = ParsedQuoteRequest(request.uri, requester.uri, request.quoted_uri, request.quote_uri, None)
    kind = "Accept" if state == ConsentState.ACCEPTED else "Reject"
    stamp = request.authorization_uri if state == ConsentState.ACCEPTED else None
    answer = build_quote_answer(kind, urls.new_activity_id(), quoted.author.uri, parsed, stamp)
    await enqueue_activity(answer, quoted.author, [requester.inbox])


async def approve_quote_request(owner: Actor, row_id: int, urls: InstanceUrls) -> QuoteRequest:
    """The author approves a pending request: a stamp is made and sent in an Accept."""
    request = await pending_request_of(owner, row_id, (ConsentState.PENDING,))
    await decide_by_hand(request, ConsentState.ACCEPTED, stamp_uri(request, urls))
    await send_answer(request, ConsentState.ACCEPTED, urls)
    return request


async def reject_quote_request(owner: Actor, row_id: int, urls: InstanceUrls) -> QuoteRequest:
    """The author declines a pending request: a Reject is sent."""
    request = await pending_request_of(owner, row_id, (ConsentState.PENDING,))
    await decide_by_hand(request, ConsentState.REJECTED, None)
    await send_answer(request, ConsentState.REJECTED, urls)
    return request


async def revoke_quote_authorization(owner: Actor, row_id: int, urls: InstanceUrls) -> QuoteRequest:
    """The author withdraws an approval: the stamp answers 410 and a Delete of it goes to the
    quoting author (whose server forwards it to the quote's audience, FEP-044f)."""
    request = await pending_request_of(owner, row_id, (ConsentState.ACCEPTED,))
    stamp = request.authorization_uri or stamp_uri(request, urls)
    await revoke_request(request)
    requester: Actor = request.requester
    if requester.local:
        if request.quote is not None:
            await request.quote.fetch_related("author")
            await apply_answer(request.quote, request, ConsentState.REVOKED, None, urls)
        return request
    delete = build_stamp_delete(urls.new_activity_id(), owner.uri, stamp, [requester.uri])
    await enqueue_activity(delete, owner, [requester.inbox])
    return request


async def stamp_document(local_id: str, row_id: int, urls: InstanceUrls) -> dict[str, Any]:
    """The QuoteAuthorization served at its IRI: NotFound unless granted, Gone once revoked."""
    request = await find_quote_request_by_id(row_id)
    if request is None or request.outgoing or request.quoted is None or str(request.quoted.local_id) != local_id:
        raise NotFound("There is no such quote authorization.")
    if request.state == ConsentState.REVOKED:
        raise Gone("This quote authorization was revoked.")
    if request.state != ConsentState.ACCEPTED or request.authorization_uri is None:
        raise NotFound("There is no such quote authorization.")
    await request.quoted.fetch_related("author")
    return build_quote_authorization(request.authorization_uri, request.quoted.author.uri, request.quote_uri, request.quoted.uri)
