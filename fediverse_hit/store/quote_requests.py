"""Named queries over FEP-044f quote requests, ours (outgoing) and others' (incoming)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fediverse_hit.store.models import Actor, Contribution, QuoteRequest


async def add_quote_request(
    *,
    uri: str,
    outgoing: bool,
    quoted_uri: str,
    quoted: Contribution | None,
    quote_uri: str,
    quote: Contribution | None,
    requester: Actor,
    state: str,
) -> tuple[QuoteRequest, bool]:
    """The request with id `uri`, created unless it is known already (then returned as is);
    the flag says whether it was created."""
    return await QuoteRequest.get_or_create(
        uri=uri,
        defaults={
            "outgoing": outgoing, "quoted_uri": quoted_uri, "quoted": quoted, "quote_uri": quote_uri,
            "quote": quote, "requester": requester, "state": state,
        },
    )


async def find_quote_request(uri: str, *, outgoing: bool) -> QuoteRequest | None:
    return await QuoteRequest.get_or_none(uri=uri, outgoing=outgoing).prefetch_related("quote", "quoted", "requester")


async def find_quote_request_by_id(row_id: int) -> QuoteRequest | None:
    return await QuoteRequest.get_or_none(id=row_id).prefetch_related("quote", "quoted", "requester")


async def find_outgoing_by_stamp(stamp_uri: str) -> QuoteRequest | None:
    """Our request whose Accept named `stamp_uri` as its stamp."""
    return await QuoteRequest.get_or_none(authorization_uri=stamp_uri, outgoing=True).prefetch_related("quote")


async def latest_outgoing_for(remix: Contribution) -> QuoteRequest | None:
    """The last request we sent for `remix` (a new one replaces an earlier answered one)."""
    return await QuoteRequest.filter(quote=remix, outgoing=True).order_by("-id").first()


async def find_incoming_for(quoted: Contribution, quote_uri: str) -> QuoteRequest | None:
    """The last request received to quote `quoted` in the post `quote_uri`."""
    return await QuoteRequest.filter(quoted=quoted, quote_uri=quote_uri, outgoing=False).order_by("-id").first()


async def list_incoming(author: Actor, states: Sequence[str]) -> list[QuoteRequest]:
    """Requests to quote `author`'s works in these states, oldest first, with the people and works."""
    return (
        await QuoteRequest.filter(quoted__author=author, outgoing=False, state__in=list(states))
        .order_by("id")
        .prefetch_related("quoted", "requester", "quote")
    )


async def set_request_state(request: QuoteRequest, state: str, *, authorization_uri: str | None = None) -> None:
    """Record an answer (or a revocation) and when it came."""
    request.state = state
    if authorization_uri is not None:
        request.authorization_uri = authorization_uri
    request.decided_at = datetime.now(UTC)
    await request.save(update_fields=["state", "authorization_uri", "decided_at"])
