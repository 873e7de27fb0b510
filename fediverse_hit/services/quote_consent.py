"""Quote consent (FEP-044f) as state: the requests received for our works and their answers, the
answers our remixes got, and the new version a remix gets when its consent changes.

The rule deciding an answer is `contribution_rules.quote_decision`; the federation layer turns
each change recorded here into the Accept, Reject, Delete or Update it needs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fediverse_hit.errors import Forbidden, NotFound, ValidationFailed
from fediverse_hit.protocol.quote_consent import ConsentState, QuotePolicy
from fediverse_hit.protocol.vocabulary import NotificationKind
from fediverse_hit.services.notifications import notify, withdraw
from fediverse_hit.store import quote_requests as store
from fediverse_hit.store.models import Account, Actor, Contribution, QuoteRequest

# What the author of a remix reads on its page, by the state of its request (docs/quote-consent.md).
CONSENT_NOTICES: dict[str, str] = {
    ConsentState.PENDING: "Waiting for {author} to approve this remix quoting their work. It is published "
    "and credits its sources; Mastodon shows it as a quote once approved.",
    ConsentState.ACCEPTED: "{author} approved this remix quoting their work.",
    ConsentState.REJECTED: "{author} declined to have this remix quote their work. It stays published with "
    "its signed credits, but no longer embeds their work as a quote.",
    ConsentState.REVOKED: "{author} withdrew their approval. The remix stays published with its signed "
    "credits, but no longer embeds their work as a quote.",
}


async def set_default_quote_policy(account: Account, policy: str) -> None:
    """Who may quote new works of `account` unless a work says otherwise."""
    if policy not in tuple(QuotePolicy):
        raise ValidationFailed(f"Who may quote must be one of {', '.join(QuotePolicy)}.")
    account.quote_policy = policy
    await account.save(update_fields=["quote_policy"])


async def receive_quote_request(
    uri: str, requester: Actor, quoted: Contribution, quote_uri: str, quote: Contribution | None, state: ConsentState
) -> tuple[QuoteRequest, bool]:
    """Record a request to quote `quoted` (answered `state` already unless pending); the author is
    told when it waits for them. A repeated request is returned as first recorded (flag False)."""
    request, created = await store.add_quote_request(
        uri=uri, outgoing=False, quoted_uri=quoted.uri, quoted=quoted, quote_uri=quote_uri, quote=quote,
        requester=requester, state=state,
    )
    if created and state == ConsentState.PENDING:
        await notify(await _author(quoted), NotificationKind.QUOTE_REQUEST, requester, quoted)
    return request, created


async def record_stamp(request: QuoteRequest, stamp_uri: str) -> None:
    """The stamp IRI of an accepted request we answered (it needs the row's id first)."""
    await store.set_request_state(request, ConsentState.ACCEPTED, authorization_uri=stamp_uri)


async def pending_request_of(owner: Actor, row_id: int, states: tuple[str, ...]) -> QuoteRequest:
    """A request received for one of `owner`'s works, in one of `states`; NotFound otherwise."""
    request = await store.find_quote_request_by_id(row_id)
    if request is None or request.outgoing or request.quoted is None:
        raise NotFound("There is no such quote request.")
    if request.quoted.author_id != owner.id:  # type: ignore[attr-defined]
        raise Forbidden("Only the author of the work quoted can answer this request.")
    if request.state not in states:
        raise ValidationFailed(f"This request is already {request.state}.")
    return request


async def decide_by_hand(request: QuoteRequest, state: ConsentState, stamp_uri: str | None) -> None:
    """The author approved (with the stamp it will be served at) or declined a pending request;
    the notification asking them goes."""
    await store.set_request_state(request, state, authorization_uri=stamp_uri)
    if request.quoted is not None:
        await withdraw(NotificationKind.QUOTE_REQUEST, request.requester, request.quoted.id)


async def revoke_request(request: QuoteRequest) -> None:
    """An approval withdrawn: its stamp answers 410 from now on."""
    await store.set_request_state(request, ConsentState.REVOKED)


async def ask_consent(remix: Contribution, uri: str, source_uri: str, source: Contribution | None) -> QuoteRequest:
    """Record that `remix` asks to quote `source_uri` (our request, pending)."""
    request, _ = await store.add_quote_request(
        uri=uri, outgoing=True, quoted_uri=source_uri, quoted=source, quote_uri=remix.uri, quote=remix,
        requester=await _author(remix), state=ConsentState.PENDING,
    )
    return request


async def consent_of(remix: Contribution) -> QuoteRequest | None:
    """The request deciding whether `remix` may quote its primary source: ours to another server,
    or — when the source is a work here — the one its author received."""
    outgoing = await store.latest_outgoing_for(remix)
    if outgoing is not None:
        return outgoing
    return await QuoteRequest.filter(quote=remix, outgoing=False).order_by("-id").first()


async def consent_changed(remix: Contribution, request: QuoteRequest, state: ConsentState, stamp: str | None) -> None:
    """The answer `remix` got changed (accepted with `stamp`, rejected or revoked): record it and
    make a new version of the remix (with `quoteAuthorization`, or without its quote fields)."""
    if request.outgoing:
        await store.set_request_state(request, state, authorization_uri=stamp)
    remix.quote_authorization_uri = stamp if state == ConsentState.ACCEPTED else None
    remix.version += 1
    remix.edited_at = datetime.now(UTC).replace(microsecond=0)
    await remix.save(update_fields=["quote_authorization_uri", "version", "edited_at"])


def consent_notice(state: str, author_label: str) -> str:
    """The sentence a remix's page shows its author (and readers) for this consent state."""
    return CONSENT_NOTICES[state].format(author=author_label)


async def _author(contribution: Contribution) -> Actor:
    author = contribution.author
    return author if isinstance(author, Actor) else await Actor.get(id=contribution.author_id)
